import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { JournalEntry } from '../../../src/parsers/index.js';
import type { TailState } from '../../../src/model/logs/tail-state.js';
import { MAX_BATCH, tailLogs } from '../../../src/services/logs/tail.js';
import { ScriptedTransport } from '../../helpers/scripted-transport.js';

// Real `journalctl -u microvm@vm1 -o json --all --output-fields=MESSAGE,PRIORITY,_SYSTEMD_UNIT,SYSLOG_IDENTIFIER,UNIT -f` lines from the lab (heartbeats, a stop, a crash, restarts).
const REAL = readFileSync(new URL('../../fixtures/journalctl/lab-f-json-vm1-heartbeats.txt', import.meta.url), 'utf8').trim().split('\n');
const cursorOf = (line: string) => (JSON.parse(line) as { __CURSOR: string }).__CURSOR;

/** n distinct journal lines derived from a real one (cursor and heartbeat number changed). */
function flood(n: number, from = 0): string[] {
  const base = JSON.parse(REAL[0] as string) as Record<string, string>;
  return Array.from({ length: n }, (_, k) => JSON.stringify({ ...base, __CURSOR: `s=abc;i=${(from + k).toString(16)}`, MESSAGE: `[vm1] heartbeat ${from + k}` }));
}

function setup(opts: { follow?: boolean; lines?: number } = {}) {
  const t = new ScriptedTransport();
  const batches: JournalEntry[][] = [];
  const states: TailState[] = [];
  const h = tailLogs<JournalEntry>(
    t,
    { host: 'lab', unit: 'microvm@vm1', follow: opts.follow ?? true, lines: opts.lines },
    { onEntries: (b) => batches.push(b), onState: (s) => states.push(s) },
  );
  const stream = (i: number) => {
    const s = t.streams[i];
    if (!s) throw new Error(`no stream #${i} (have ${t.streams.length})`);
    return s;
  };
  const messages = () => batches.flat().map((e) => e.message);
  return { t, h, batches, states, stream, messages };
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(1_800_000_000_001); // just past a batch boundary: batch timing is deterministic
});
afterEach(() => vi.useRealTimers());

describe('tailLogs', () => {
  it('streams `journalctl -o json -f` for the unit over the host connection', () => {
    const { t } = setup({ lines: 200 });
    expect(t.sent).toEqual([{ target: { host: 'lab' }, command: 'journalctl -u microvm@vm1 -o json --all --output-fields=MESSAGE,PRIORITY,_SYSTEMD_UNIT,SYSLOG_IDENTIFIER,UNIT -f -n 200 --no-pager', kind: 'stream' }]);
  });

  it('batches lines into one update per ~50 ms, and per ~200 ms while flooded', async () => {
    const { stream, batches } = setup();
    for (const l of flood(10)) stream(0).handlers.onLine(l);
    expect(batches).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(50);
    expect(batches.map((b) => b.length)).toEqual([10]);
    for (const l of flood(5000, 10)) stream(0).handlers.onLine(l);
    await vi.advanceTimersByTimeAsync(50);
    expect(batches.map((b) => b.length)).toEqual([10, 5000]);
    for (const l of flood(3000, 5010)) stream(0).handlers.onLine(l);
    await vi.advanceTimersByTimeAsync(50);
    expect(batches).toHaveLength(2); // flooded: the next update waits longer
    await vi.advanceTimersByTimeAsync(150);
    expect(batches.map((b) => b.length)).toEqual([10, 5000, 3000]);
    for (const l of flood(5, 8010)) stream(0).handlers.onLine(l);
    await vi.advanceTimersByTimeAsync(200);
    for (const l of flood(5, 8015)) stream(0).handlers.onLine(l);
    await vi.advanceTimersByTimeAsync(50); // the flood is over: back to 50 ms
    expect(batches.map((b) => b.length)).toEqual([10, 5000, 3000, 5, 5]);
  });

  it('hands a batch on as soon as it holds a full ring of lines, so a backlog is never held whole', async () => {
    const { stream, batches } = setup();
    for (const l of flood(MAX_BATCH * 2 + 7)) stream(0).handlers.onLine(l);
    expect(batches.map((b) => b.length)).toEqual([MAX_BATCH, MAX_BATCH]);
    await vi.advanceTimersByTimeAsync(200);
    expect(batches.map((b) => b.length)).toEqual([MAX_BATCH, MAX_BATCH, 7]);
  });

  it('aligns batches to the clock so several panes update in the same tick', async () => {
    vi.setSystemTime(1_800_000_000_001); // just past a 50 ms boundary
    const t = new ScriptedTransport();
    const at: number[][] = [[], []];
    for (const i of [0, 1]) tailLogs(t, { host: 'lab', unit: `u${i}`, follow: true }, { onEntries: () => at[i]!.push(Date.now()) });
    t.streams[0]!.handlers.onLine(flood(1)[0]!);
    await vi.advanceTimersByTimeAsync(17);
    t.streams[1]!.handlers.onLine(flood(1, 1)[0]!);
    await vi.advanceTimersByTimeAsync(100);
    expect(at[0]).toEqual(at[1]);
    expect(at[0]![0]! % 50).toBe(0);
  });

  it('after a drop says so, waits 2s and resumes after the last cursor it delivered', async () => {
    const { t, stream, states, messages } = setup({ lines: 100 });
    for (const l of REAL.slice(0, 3)) stream(0).handlers.onLine(l);
    stream(0).end({ code: null });
    await vi.advanceTimersByTimeAsync(0);
    expect(messages()).toEqual(['[vm1] heartbeat 11 uptime=20s', '[vm1] heartbeat 12 uptime=22s', '[vm1] heartbeat 13 uptime=24s']);
    expect(states.at(-1)).toMatchObject({ status: 'reconnecting', message: 'reconnecting in 2s: connection dropped', drops: 1 });
    await vi.advanceTimersByTimeAsync(1999);
    expect(t.streams).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(t.streams).toHaveLength(2);
    expect(stream(1).command).toBe(`journalctl -u microvm@vm1 -o json --all --output-fields=MESSAGE,PRIORITY,_SYSTEMD_UNIT,SYSLOG_IDENTIFIER,UNIT -f --after-cursor '${cursorOf(REAL[2] as string)}' --no-pager`);
  });

  it('loses nothing and repeats nothing across drops, even if the server repeats lines', async () => {
    const { stream, messages } = setup();
    const lines = REAL;
    for (const l of lines.slice(0, 6)) stream(0).handlers.onLine(l);
    stream(0).handlers.onLine(lines[6]!.slice(0, 40)); // torn by the drop: not an entry
    stream(0).end({ code: null });
    await vi.advanceTimersByTimeAsync(2000);
    for (const l of lines.slice(4, 12)) stream(1).handlers.onLine(l); // 4,5 again (defensive dedupe)
    stream(1).end({ code: 0, stderr: '' }); // remote journalctl exited
    await vi.advanceTimersByTimeAsync(2000);
    expect(stream(2).command).toContain(`--after-cursor '${cursorOf(lines[11]!)}'`);
    for (const l of lines.slice(12)) stream(2).handlers.onLine(l);
    await vi.advanceTimersByTimeAsync(50);
    expect(messages()).toEqual(lines.map((l) => (JSON.parse(l) as { MESSAGE: string }).MESSAGE));
  });

  it('backs off 2s, 4s, 8s ... up to 30s while attempts fail, and starts over after a healthy one', async () => {
    const { t, stream, states } = setup();
    const delays: string[] = [];
    for (let i = 0; i < 6; i++) {
      stream(i).end({ code: 255, stderr: 'ssh: connect failed\n' });
      await vi.advanceTimersByTimeAsync(0);
      const s = states.at(-1)!;
      delays.push(s.message!.split(':')[0]!);
      await vi.advanceTimersByTimeAsync(s.retryAt! - Date.now());
    }
    expect(delays.map((d) => d.replace('reconnecting in ', ''))).toEqual(['2s', '4s', '8s', '16s', '30s', '30s']);
    expect(states.at(-1)!.drops).toBe(6);
    expect(t.streams).toHaveLength(7);
    stream(6).handlers.onLine(REAL[0]!);
    stream(6).end({ code: null });
    await vi.advanceTimersByTimeAsync(0);
    expect(states.at(-1)!.message).toBe('reconnecting in 2s: connection dropped');
  });

  it('names why journalctl ended in the state line', async () => {
    const { stream, states } = setup();
    stream(0).end({ code: 1, stderr: 'Failed to open journal: Permission denied\n' });
    await vi.advanceTimersByTimeAsync(0);
    expect(states.at(-1)!.message).toBe('reconnecting in 2s: journalctl exited with code 1: Failed to open journal: Permission denied');
  });

  it('without follow it ends when journalctl finishes, and done settles', async () => {
    const { stream, states, h, messages } = setup({ follow: false, lines: 5 });
    expect(stream(0).command).toBe('journalctl -u microvm@vm1 -o json --all --output-fields=MESSAGE,PRIORITY,_SYSTEMD_UNIT,SYSLOG_IDENTIFIER,UNIT -n 5 --no-pager');
    for (const l of REAL.slice(0, 5)) stream(0).handlers.onLine(l);
    stream(0).end({ code: 0 });
    await h.done;
    expect(messages()).toHaveLength(5);
    expect(states.at(-1)!.status).toBe('ended');
  });

  it('stop() closes the channel, cancels a pending retry and delivers nothing more', async () => {
    const { t, stream, h, batches, states } = setup();
    stream(0).handlers.onLine(REAL[0]!);
    h.stop();
    expect(stream(0).cancelled).toBe(true);
    expect(batches.flat()).toHaveLength(1); // the pending batch was flushed, not lost
    stream(0).handlers.onLine(REAL[1]!);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(batches.flat()).toHaveLength(1);
    expect(t.streams).toHaveLength(1);
    expect(states.at(-1)!.status).toBe('stopped');
    await h.done;
  });
});

describe('what a tail keeps', () => {
  it('drops every journal field a pane never shows (memory of a full ring), keeping UNIT', async () => {
    const s = setup();
    const systemdLine = JSON.stringify({ ...JSON.parse(REAL[0] as string), __CURSOR: 's=abc;i=ffff', _SYSTEMD_UNIT: 'init.scope', UNIT: 'microvm@vm1.service', MESSAGE: 'Started MicroVM' });
    s.stream(0).handlers.onLine(REAL[0] as string);
    s.stream(0).handlers.onLine(systemdLine);
    await vi.advanceTimersByTimeAsync(100);
    const [plain, systemd] = s.batches.flat();
    expect(plain?.fields).toEqual({});
    expect(systemd?.fields).toEqual({ UNIT: 'microvm@vm1.service' });
    expect(plain?.message).toBe(JSON.parse(REAL[0] as string).MESSAGE);
    s.h.stop();
  });
});
