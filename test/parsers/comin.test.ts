import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCominStatus } from '../../src/parsers/comin.js';

const STATUS = readFileSync('test/fixtures/comin/status-json-from-proto.json', 'utf8');

describe('parseCominStatus', () => {
  it('takes the deployment commit, status, end time and the newest fetch', () => {
    const s = parseCominStatus(STATUS)!;
    expect(s.deployedCommit).toBe('9f2c1e7b4a0d3c5e8f6a1b2c3d4e5f60718293a4');
    expect(s.deployedCommitMsg).toBe('vm4: raise k3s memory\n');
    expect(s.deploymentStatus).toBe('done');
    expect(s.deploymentEndedAt).toBe(Date.parse('2026-11-26T12:00:52Z'));
    expect(s.fetchedAt).toBe(Date.parse('2026-11-26T12:19:30Z'));
    expect([s.needToReboot, s.suspended, s.deploying, s.building]).toEqual([false, false, false, false]);
  });

  it('treats the zero timestamp as never and nulls as absent', () => {
    const doc = JSON.parse(STATUS);
    doc.fetcher.repository_status.remotes[0].fetched_at = '1970-01-01T00:00:00Z';
    doc.deployer.deployment = null;
    doc.need_to_reboot = true;
    const s = parseCominStatus(JSON.stringify(doc))!;
    expect(s.fetchedAt).toBeUndefined();
    expect(s.deploymentStatus).toBeUndefined();
    expect(s.deployedCommit).toBe('9f2c1e7b4a0d3c5e8f6a1b2c3d4e5f60718293a4'); // from the fetcher's selection
    expect(s.needToReboot).toBe(true);
  });

  it('never throws on odd input', () => {
    for (const bad of ['', 'not json', '[]', 'null', '42', STATUS.slice(0, 300), '{"deployer": 5, "fetcher": {"repository_status": {"remotes": [null, 3]}}}']) {
      expect(() => parseCominStatus(bad)).not.toThrow();
    }
    expect(parseCominStatus('not json')).toBeNull();
    expect(parseCominStatus('{"deployer": 5}')).toMatchObject({ deployedCommit: undefined, needToReboot: false });
  });
});
