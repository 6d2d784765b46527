import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveInventory } from '../../src/config/resolve.js';
import { inventorySchema } from '../../src/config/schema.js';
import { createSshTransport } from '../../src/ssh/index.js';
import type { StreamHandle } from '../../src/ssh/types.js';
import { startFakeSshd, type FakeSshd } from '../ssh/helpers/fake-sshd.js';

// Ten log panes and the status refresh against a server allowing sshd's default 10 sessions per connection:
// every stream runs and a command still gets a channel at once (before the fix, the 8-channel cap was
// filled by streams: panes 9 and 10 never started and every refresh timed out, showing the host as down).

const dir = mkdtempSync(join(tmpdir(), 'mvm-channels-'));
let srv: FakeSshd;
let key: string;

beforeAll(async () => {
  key = join(dir, 'id');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
  srv = await startFakeSshd({ authorizedKey: readFileSync(`${key}.pub`, 'utf8'), maxSessions: 10 });
});

afterAll(async () => {
  await srv.close();
});

describe('channels under load', () => {
  it('10 streams and then commands on one host: all streams run, commands are not starved', async () => {
    const kh = join(dir, 'kh');
    writeFileSync(kh, `[127.0.0.1]:${srv.port} ${srv.hostKeyPublic}\n`);
    const inv = resolveInventory(
      inventorySchema.parse({ hosts: [{ name: 'lab', ssh: { hostname: '127.0.0.1', port: srv.port, user: 'root', identityFile: key, knownHostsFile: kh, keepaliveIntervalMs: 0 } }] }),
      'test',
    );
    const t = createSshTransport(inv, { env: { home: dir, localUser: 'tester', agentSocket: undefined } });
    const streams: StreamHandle[] = [];
    try {
      for (let i = 0; i < 10; i++) streams.push(t.stream({ host: 'lab' }, 'forever', { onLine: () => undefined }));
      await new Promise((r) => setTimeout(r, 300));
      const t0 = Date.now();
      const results = await Promise.all(Array.from({ length: 4 }, (_, i) => t.exec({ host: 'lab' }, `echo ${i}`, { timeoutMs: 3000 })));
      expect(results.map((r) => [r.stdout, r.timedOut ?? false])).toEqual([0, 1, 2, 3].map((i) => [`${i}\n`, false]));
      expect(Date.now() - t0).toBeLessThan(1000);
      // Every stream got a channel (none waits in a queue): ten 'forever' commands are running on the server.
      expect(srv.commands.filter((c) => c === 'forever')).toHaveLength(10);
      // No connection ever had more sessions open than the server allows.
      expect(srv.sessionsPeak).toBeLessThanOrEqual(10);
    } finally {
      for (const s of streams) s.cancel();
      await t.close();
    }
  });
});
