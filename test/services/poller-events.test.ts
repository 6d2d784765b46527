import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EVENTS_READY } from '../../src/host/events.js';
import { splitSections } from '../../src/host/gather.js';
import type { HostStatus } from '../../src/model/status.js';
import { parseEventLine } from '../../src/parsers/events.js';
import { EVENT_SETTLE_MS, StatusPoller, type HostMode } from '../../src/services/poller.js';
import { ScriptedTransport } from '../helpers/scripted-transport.js';
import { labBaseline, labInventory, labTrouble } from './status-fixture.js';

// Event mode of the poller on a scripted transport: which sections each event refreshes, what a tick and the
// periodic full gather run, and how a stream that dies or cannot run is handled. The stream's lines are the real
// formats (test/fixtures/events/); test/lab/events.test.ts runs it against the lab hypervisor.

const fixture = (name: string) => readFileSync(new URL(`../fixtures/events/${name}`, import.meta.url), 'utf8');
const isGather = (cmd: string) => /@@mvm'? (system|counters|units|ip-links|bridges|zpool-list)/.test(cmd);
/** The sections a gather command runs, in order (`'@@mvm' counters` is the counters line's printf). */
const sectionsRun = (cmd: string) => [...cmd.matchAll(/@@mvm'? ([a-z-]+)/g)].map((m) => m[1]!);
const COUNTERS = '@@mvm counters\n/proc/loadavg 0.50 0.40 0.30 1/100 42\n/proc/meminfo MemTotal: 1000 kB\n/proc/meminfo MemAvailable: 500 kB\n@@rc 0\n';

/** Answers every gather with the sections it asks for, taken from `source()` (plus the counters). */
function answerGathers(t: ScriptedTransport, source: () => string) {
  t.on(isGather, (cmd) => {
    const all = splitSections(source());
    const out = sectionsRun(cmd)
      .map((name) => (name === 'counters' ? COUNTERS : all.has(name) ? `@@mvm ${name}\n${all.get(name)!.text}@@rc ${all.get(name)!.rc}\n` : ''))
      .join('');
    return { stdout: out };
  });
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(Date.parse('2026-12-06T13:00:00Z'));
});
afterEach(() => vi.useRealTimers());

function setup(fullEveryMs = 30_000) {
  const t = new ScriptedTransport();
  let source = labBaseline;
  answerGathers(t, () => source());
  const seen: HostStatus[] = [];
  const modes: HostMode[] = [];
  const poller = new StatusPoller(t, labInventory(), {
    intervalMs: 1000,
    probeEveryMs: 0,
    events: true,
    fullEveryMs,
    onStatus: (hs) => seen.push(hs),
    onMode: (_h, m) => modes.push(m),
  });
  const gathers = () => t.sent.filter((s) => s.kind === 'exec' && isGather(s.command)).map((s) => sectionsRun(s.command));
  const stream = () => t.streams[t.streams.length - 1]!;
  return { t, seen, modes, poller, gathers, stream, setSource: (f: () => string) => (source = f) };
}

describe('StatusPoller in event mode', () => {
  it('polls until the stream is up, then one full gather; a tick reads only the counters', async () => {
    const { poller, gathers, stream, modes, seen } = setup();
    poller.start();
    await vi.advanceTimersByTimeAsync(5);
    expect(gathers()).toHaveLength(1);
    expect(gathers()[0]).not.toContain('counters'); // the polling script, as without events
    expect(poller.mode('lab')).toEqual({ mode: 'polling', why: 'event stream starting' });
    stream().handlers.onLine(EVENTS_READY);
    await vi.advanceTimersByTimeAsync(5);
    expect(modes.at(-1)).toEqual({ mode: 'events', why: null });
    // Load and memory come from `counters`; the second `runners` is the runners-check line (a stat only when a link
    // changed: test/host/event-gather.test.ts runs it in a real shell).
    expect(gathers()[1]).toEqual(['system', 'failed', 'zpool-list', 'zpool-status', 'df', 'zfs', 'units', 'bridges', 'runners', 'runners', 'counters']);
    await vi.advanceTimersByTimeAsync(1000);
    expect(gathers()[2]).toEqual(['runners', 'counters']);
    // Load and memory come from the counters section now.
    expect(seen.at(-1)!.system.load).toEqual([0.5, 0.4, 0.3]);
    expect(seen.at(-1)!.system.memAvailable).toBe(500 * 1024);
    poller.stop();
  });

  it('a VM unit event refreshes the units and runner links within the settle time, then the system state; a burst is one refresh', async () => {
    const { poller, gathers, stream, seen, setSource } = setup();
    poller.start();
    stream().handlers.onLine(EVENTS_READY);
    await vi.advanceTimersByTimeAsync(5);
    const before = gathers().length;
    expect(seen.at(-1)!.vms.find((v) => v.name === 'vm1')!.active).toBe('active');
    setSource(labTrouble);
    for (const l of ['{"UNIT":"microvm@vm1.service","__CURSOR":"x"}', '{"UNIT":"microvm@vm1.service","JOB_RESULT":"failed"}', '{"UNIT":"microvm-tap-interfaces@vm1.service"}'])
      stream().handlers.onLine(`unit ${l}`);
    await vi.advanceTimersByTimeAsync(EVENT_SETTLE_MS + 1);
    expect(gathers().slice(before)).toEqual([['units', 'runners'], ['system', 'failed']]);
    // The capture's crashed vm1: systemd restarting it.
    expect(seen.at(-1)!.vms.find((v) => v.name === 'vm1')).toMatchObject({ active: 'activating', sub: 'auto-restart' });
    poller.stop();
  });

  it('another unit that failed refreshes only the system state, one that did not nothing; a link event only the links (real `ip -o monitor` lines)', async () => {
    const { poller, gathers, stream } = setup();
    poller.start();
    stream().handlers.onLine(EVENTS_READY);
    await vi.advanceTimersByTimeAsync(5);
    const before = gathers().length;
    stream().handlers.onLine(`unit ${fixture('journal-pid1.jsonl').split('\n')[0]}`); // mvm-evtest2.service started
    await vi.advanceTimersByTimeAsync(EVENT_SETTLE_MS + 1);
    stream().handlers.onLine('unit {"UNIT":"backup.service","MESSAGE_ID":"d9b373ed55a64feb8242e02dbe79a49c"}');
    await vi.advanceTimersByTimeAsync(EVENT_SETTLE_MS + 1);
    for (const l of fixture('ip-monitor-link.txt').trim().split('\n')) stream().handlers.onLine(`link ${l}`);
    await vi.advanceTimersByTimeAsync(EVENT_SETTLE_MS + 1);
    expect(gathers().slice(before)).toEqual([['system', 'failed'], ['bridges']]);
    poller.stop();
  });

  it('runs the whole gather every fullEveryMs', async () => {
    const { poller, gathers, stream } = setup(5000);
    poller.start();
    stream().handlers.onLine(EVENTS_READY);
    await vi.advanceTimersByTimeAsync(5);
    await vi.advanceTimersByTimeAsync(10_000);
    const full = gathers().filter((g) => g.includes('units'));
    // The first poll, the full gather when the stream came up, then one every 5 s.
    expect(full).toHaveLength(4);
  });

  it('reads pool and storage usage at poolRefreshMs, between the whole gathers', async () => {
    const t = new ScriptedTransport();
    answerGathers(t, labBaseline);
    const poller = new StatusPoller(t, labInventory(), { intervalMs: 1000, probeEveryMs: 0, events: true, fullEveryMs: 30_000, usageEveryMs: 3000, onStatus: () => undefined });
    poller.start();
    t.streams[0]!.handlers.onLine(EVENTS_READY);
    await vi.advanceTimersByTimeAsync(5);
    const from = t.sent.length;
    await vi.advanceTimersByTimeAsync(6000);
    const runs = t.sent.slice(from).filter((s) => s.kind === 'exec' && isGather(s.command)).map((s) => sectionsRun(s.command));
    expect(runs).toEqual([['runners', 'counters'], ['runners', 'counters'], ['zpool-list', 'zpool-status', 'df', 'runners', 'counters'], ['runners', 'counters'], ['runners', 'counters'], ['zpool-list', 'zpool-status', 'df', 'runners', 'counters']]);
    poller.stop();
  });

  it('a stream that dies: polled at once with a full refresh, started again after 1 s, back to events with a full gather', async () => {
    const { t, poller, gathers, stream, modes } = setup();
    poller.start();
    stream().handlers.onLine(EVENTS_READY);
    await vi.advanceTimersByTimeAsync(5);
    const before = gathers().length;
    stream().end({ code: null, stderr: 'connection dropped' });
    await vi.advanceTimersByTimeAsync(1);
    expect(modes.at(-1)!.mode).toBe('polling');
    expect(gathers()[before]).toContain('units');
    expect(gathers()[before]).not.toContain('counters'); // the polling script
    await vi.advanceTimersByTimeAsync(1000);
    expect(t.streams).toHaveLength(2);
    stream().handlers.onLine(EVENTS_READY);
    await vi.advanceTimersByTimeAsync(5);
    expect(modes.at(-1)).toEqual({ mode: 'events', why: null });
    expect(gathers().at(-1)).toContain('units');
    expect(gathers().at(-1)).toContain('counters');
    poller.stop();
  });

  it('a host whose journal is not readable (or lacks a source) stays polled, says why, and is not asked again', async () => {
    const { t, poller, gathers, stream } = setup();
    poller.start();
    stream().handlers.onLine(EVENTS_READY);
    stream().handlers.onLine('unit Hint: You are currently not seeing messages from other users and the system.');
    await vi.advanceTimersByTimeAsync(5);
    expect(poller.mode('lab')).toMatchObject({ mode: 'polling', why: expect.stringMatching(/^unit events not permitted: Hint: You are currently not seeing/) });
    expect(stream().cancelled).toBe(true);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(t.streams).toHaveLength(1);
    expect(gathers().slice(-5).every((g) => g.includes('units') && !g.includes('counters'))).toBe(true);
    poller.stop();
  });

  it('a missing `ip` (exit 127) is a host without events; a pool source that ends (zfs-fuse) is not', async () => {
    const { poller, stream } = setup();
    poller.start();
    stream().handlers.onLine(EVENTS_READY);
    stream().handlers.onLine("pool unrecognized command 'events'");
    stream().handlers.onLine('pool @@end 2');
    await vi.advanceTimersByTimeAsync(5);
    expect(poller.mode('lab')).toEqual({ mode: 'events', why: null });
    stream().handlers.onLine('link sh: 1: ip: not found');
    stream().handlers.onLine('link @@end 127');
    await vi.advanceTimersByTimeAsync(5);
    expect(poller.mode('lab')).toEqual({ mode: 'polling', why: 'link events ended (exit 127)' });
    poller.stop();
  });
  it("a VM unit's bus signal is on the grid at once, before any command runs, and stays over a refresh that started before it", async () => {
    const { t, poller, gathers, stream, seen } = setup();
    poller.start();
    stream().handlers.onLine(EVENTS_READY);
    await vi.advanceTimersByTimeAsync(5);
    // A tick's refresh is running (the host has not answered yet) when vm1 is killed.
    let answer: (() => void) | null = null;
    const slow = new Promise<void>((r) => (answer = r));
    t.on(isGather, async (cmd) => {
      await slow;
      const all = splitSections(labBaseline());
      return { stdout: sectionsRun(cmd).map((n) => (n === 'counters' ? COUNTERS : all.has(n) ? `@@mvm ${n}\n${all.get(n)!.text}@@rc ${all.get(n)!.rc}\n` : '')).join('') };
    });
    await vi.advanceTimersByTimeAsync(1000);
    const running = gathers().length;
    const [sigterm] = fixture('busctl-monitor-microvm-kill.jsonl').trim().split('\n');
    stream().handlers.onLine(`bus ${sigterm}`);
    expect(gathers()).toHaveLength(running); // no command yet
    expect(seen.at(-1)!.vms.find((v) => v.name === 'vm1')).toMatchObject({ active: 'deactivating', sub: 'stop-sigterm', since: new Date(1796580198981).toISOString() });
    // The tick started before the signal and reads vm1 running: the signalled state stays. The units refresh that
    // follows started after it: what it reads counts (this capture reads vm1 running again).
    const after = seen.length;
    answer!();
    await vi.advanceTimersByTimeAsync(EVENT_SETTLE_MS + 5);
    expect(gathers().at(running - 1)).toEqual(['runners', 'counters']); // the tick, sent before the signal
    expect(gathers().slice(running)).toEqual([['units', 'runners'], ['system', 'failed']]);
    expect(seen.slice(after).map((hs) => hs.vms.find((v) => v.name === 'vm1')!.active)).toEqual(['deactivating', 'active', 'active']);
    poller.stop();
  });

  it('bus signals that repeat a unit\'s state (systemd loading or unloading it) start no refresh', async () => {
    const { poller, gathers, stream } = setup();
    poller.start();
    stream().handlers.onLine(EVENTS_READY);
    await vi.advanceTimersByTimeAsync(5);
    const before = gathers().length;
    const sig = (state: string) =>
      `bus {"type":"signal","path":"/org/freedesktop/systemd1/unit/ebs_2dvolume_2dmicrovm_2dstorage_2eservice","payload":{"data":["org.freedesktop.systemd1.Unit",{"ActiveState":{"type":"s","data":"${state}"},"SubState":{"type":"s","data":"x"}}]}}`;
    for (const st of ['active', 'active', 'active', 'failed', 'failed']) {
      stream().handlers.onLine(sig(st));
      await vi.advanceTimersByTimeAsync(EVENT_SETTLE_MS + 1);
    }
    // The first sight of its state, then the change to failed: two refreshes (each units first, then the system).
    expect(gathers().slice(before).filter((g) => g.includes('units'))).toHaveLength(2);
    poller.stop();
  });
});

describe('parseEventLine', () => {
  it('reads the real sources: PID 1 journal entries by unit, ip monitor lines, zpool events, ends and notes', () => {
    const j = fixture('journal-pid1.jsonl').trim().split('\n');
    expect(j.map((l) => parseEventLine(`unit ${l}`))).toEqual(j.map(() => ({ kind: 'unit', unit: 'mvm-evtest2.service', failed: false })));
    expect(parseEventLine('unit {"__CURSOR":"s=1","MESSAGE":"Reloading."}')).toEqual({ kind: 'unit', unit: null, failed: false });
    const ip = fixture('ip-monitor-link.txt').trim().split('\n');
    expect(ip.map((l) => parseEventLine(`link ${l}`).kind)).toEqual(['link', 'link', 'link', 'link']);
    expect(parseEventLine('pool Dec  6 2026 14:00:00.123456789 sysevent.fs.zfs.history_event')).toEqual({ kind: 'pool' });
    expect(parseEventLine("pool where 'command' is one of the following:")).toMatchObject({ kind: 'note', denied: false });
    expect(parseEventLine('unit @@end 1')).toEqual({ kind: 'end', source: 'unit', rc: 1 });
    expect(parseEventLine('unit No journal files were opened due to insufficient permissions.')).toMatchObject({ kind: 'note', denied: true });
    expect(parseEventLine(EVENTS_READY)).toEqual({ kind: 'ready' });
    const bus = fixture('busctl-monitor-unit.jsonl').trim().split('\n');
    expect(bus.map((l) => parseEventLine(`bus ${l}`))).toEqual([
      { kind: 'unit', unit: 'mvm-evtest3.service', failed: false },
      { kind: 'unit', unit: 'mvm-evtest3.service', failed: false, state: 'inactive/dead', active: 'inactive', sub: 'dead', since: null },
    ]);
    // A VM's SIGKILL and systemd's restart: every state with the time it was entered.
    const kill = fixture('busctl-monitor-microvm-kill.jsonl').trim().split('\n').map((l) => parseEventLine(`bus ${l}`));
    expect(kill.map((e) => (e.kind === 'unit' ? `${e.unit} ${e.state}` : e.kind))).toEqual([
      ...['deactivating/stop-sigterm', 'deactivating/stop-post', 'failed/failed', 'activating/auto-restart', 'activating/auto-restart', 'activating/auto-restart'],
      ...['inactive/dead', 'inactive/dead', 'activating/start-pre', 'activating/start', 'active/running', 'active/running'],
    ].map((s) => `microvm@vm1.service ${s}`));
    expect(kill[0]).toMatchObject({ failed: false, since: 1796580198981 });
    expect(kill[2]).toMatchObject({ failed: true, active: 'failed' });
    expect(parseEventLine('bus Monitoring bus message stream.')).toMatchObject({ kind: 'other' });
  });
});
