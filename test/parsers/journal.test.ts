import { describe, expect, it } from 'vitest';
import { parseJournalJson } from '../../src/parsers/index.js';
import { fixture } from './fixture.js';

describe('parseJournalJson', () => {
  it('reads every line of a real lab stream: cursor, time, unit, identifier, priority, message', () => {
    const lines = fixture('journalctl/lab-f-json-vm1-heartbeats.txt').split('\n').filter(Boolean);
    const entries = lines.map((l) => parseJournalJson(l));
    expect(entries.every((e) => e !== null)).toBe(true);
    const first = entries[0]!;
    expect(first.cursor).toMatch(/^s=[0-9a-f]+;i=/);
    expect(typeof first.realtimeUs).toBe('bigint');
    expect(first.realtimeUs > 1_700_000_000_000_000n).toBe(true);
    expect(first.unit).toBe('microvm@vm1.service');
    expect(first.priority).toBe(6);
    expect(entries.some((e) => /heartbeat \d+/.test(e!.message))).toBe(true);
    expect(first.fields.__CURSOR).toBeUndefined();
    expect(first.fields._HOSTNAME).toBe('labhv');
  });

  it('reads plain journald entries (identifier, extra fields)', () => {
    const [e] = fixture('journalctl/o-json-plain-entries.txt').split('\n').filter(Boolean).map(parseJournalJson);
    expect(e?.identifier).toBe('systemd-journald');
    expect(e?.message).toBe('Journal started');
    expect(e?.unit).toBeUndefined();
    expect(e?.fields.MESSAGE_ID).toBe('f77379a8490b408bbe5f6940505a777b');
  });

  it('decodes byte-array messages as UTF-8 with replacement, and joins repeated messages', () => {
    const bytes = [...Buffer.from('boot ok \u00e9 '), 0xff, 0x1b];
    const e = parseJournalJson(JSON.stringify({ __CURSOR: 'c', __REALTIME_TIMESTAMP: '5', MESSAGE: bytes, PRIORITY: '3' }));
    expect(e?.message).toBe('boot ok \u00e9 \ufffd\u001b');
    expect(e?.realtimeUs).toBe(5n);
    expect(e?.priority).toBe(3);
    expect(parseJournalJson(JSON.stringify({ __CURSOR: 'c', MESSAGE: ['a', 'b'] }))?.message).toBe('a\nb');
    // journalctl without --all prints null for a message of 4,096 bytes or more: never an empty line
    expect(parseJournalJson(JSON.stringify({ __CURSOR: 'c', MESSAGE: null }))?.message).toMatch(/^\[journalctl printed no text for this message: 4,096 bytes or more/);
  });

  it('returns null for non-objects and broken lines', () => {
    for (const bad of ['', 'not json', '[1,2]', 'null', '42', '{"MESSAGE":"cut']) expect(parseJournalJson(bad)).toBeNull();
  });
});
