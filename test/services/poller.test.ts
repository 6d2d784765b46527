import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { HostStatus } from '../../src/model/status.js';
import { BATCH_MS, StatusPoller } from '../../src/services/poller.js';
import type { ExecResult } from '../../src/ssh/types.js';
import { SshError } from '../../src/ssh/types.js';
import { ScriptedTransport } from '../helpers/scripted-transport.js';
import { answerVmProbes, isVmProbe, probedVms } from '../helpers/vm-probes.js';
import { labTrouble, labBaseline, labInventory } from './status-fixture.js';

const isGather = (cmd: string) => cmd.includes('@@mvm system');
const gathers = (t: ScriptedTransport) => t.sent.filter((s) => isGather(s.command) && !s.target.vm).length;
/** VMs probed so far (a host's probes go out as one exec). */
const probes = (t: ScriptedTransport) => t.sent.filter((s) => isVmProbe(s.command)).flatMap((s) => probedVms(s.command)).length;

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(Date.parse('2026-11-26T13:00:00Z'));
});
afterEach(() => vi.useRealTimers());

function setup(opts: { intervalMs?: number; probeEveryMs?: number } = {}) {
  const t = new ScriptedTransport();
  const seen: HostStatus[] = [];
  const poller = new StatusPoller(t, labInventory(), { intervalMs: opts.intervalMs ?? 1000, probeEveryMs: opts.probeEveryMs ?? 0, onStatus: (hs) => seen.push(hs) });
  return { t, seen, poller };
}

describe('StatusPoller', () => {
  it('refreshes at once and then every interval, exactly one exec per host per refresh', async () => {
    const { t, seen, poller } = setup();
    t.on(isGather, { stdout: labBaseline() });
    poller.start();
    await vi.advanceTimersByTimeAsync(10);
    expect(gathers(t)).toBe(1);
    expect(seen).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(3000);
    expect(gathers(t)).toBe(4);
    expect(seen).toHaveLength(4);
    expect(t.sent).toHaveLength(4);
    poller.stop();
    await vi.advanceTimersByTimeAsync(5000);
    expect(gathers(t)).toBe(4);
  });

  it('skips ticks while the previous refresh of that host is still running', async () => {
    const { t, seen, poller } = setup();
    let release!: (r: Partial<ExecResult>) => void;
    t.on(isGather, () => new Promise<Partial<ExecResult>>((res) => (release = res)));
    poller.start();
    await vi.advanceTimersByTimeAsync(3500);
    expect(gathers(t)).toBe(1);
    expect(poller.skippedTicks('lab')).toBe(3);
    release({ stdout: labBaseline() });
    await vi.advanceTimersByTimeAsync(1);
    expect(seen).toHaveLength(1);
    t.on(isGather, { stdout: labBaseline() });
    await vi.advanceTimersByTimeAsync(1000);
    expect(gathers(t)).toBe(2);
    poller.stop();
  });

  it('backs off on errors (2, 4, 8, 16 ... up to 30 s) and resets on success', async () => {
    const { t, poller } = setup();
    let down = true;
    t.on(isGather, () => {
      if (down) throw new SshError('refused', 'lab', 'lab: connection refused');
      return { stdout: labBaseline() };
    });
    const start = Date.now();
    poller.start();
    const times: number[] = [0];
    for (let i = 0; i < 200; i++) {
      const before = gathers(t);
      await vi.advanceTimersByTimeAsync(500);
      if (gathers(t) > before) times.push(Date.now() - start);
    }
    // refreshes at 0, then +1 s, +2 s, +4 s, +8 s, +16 s, +30 s, +30 s (rounded to the 500 ms steps)
    const gaps = times.slice(1).map((x, i) => x - times[i]!);
    expect(gaps.slice(0, 6)).toEqual([2000, 4000, 8000, 16000, 30000, 30000]);
    expect(poller.delayMs('lab')).toBe(30000);
    down = false;
    await vi.advanceTimersByTimeAsync(30000);
    expect(poller.delayMs('lab')).toBe(1000);
    const n = gathers(t);
    await vi.advanceTimersByTimeAsync(3000);
    expect(gathers(t)).toBe(n + 3);
    poller.stop();
  });

  it('refreshes a backed-off host the moment its connection is up again, not at its next tick', async () => {
    const { t, seen, poller } = setup();
    let down = true;
    t.on(isGather, () => {
      if (down) throw new SshError('refused', 'lab', 'lab: connection refused');
      return { stdout: labBaseline() };
    });
    poller.start();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(poller.delayMs('lab')).toBe(30000); // backed off to the ceiling
    expect(seen.at(-1)?.reachable).toBe(false);
    const before = gathers(t);
    down = false;
    t.setState({ host: 'lab', status: 'up' });
    await vi.advanceTimersByTimeAsync(BATCH_MS + 10);
    expect(gathers(t)).toBe(before + 1);
    expect(seen.at(-1)?.reachable).toBe(true);
    expect(poller.delayMs('lab')).toBe(1000);
    poller.stop();
  });

  it('keeps the last good data on error, marked unreachable with its error and its own updatedAt', async () => {
    const { t, seen, poller } = setup();
    let down = false;
    t.on(isGather, () => {
      if (down) throw new SshError('timeout', 'lab', 'lab: connection timed out');
      return { stdout: labBaseline() };
    });
    poller.start();
    await vi.advanceTimersByTimeAsync(10);
    const good = seen.at(-1)!;
    expect(good.reachable).toBe(true);
    down = true;
    await vi.advanceTimersByTimeAsync(12_000);
    const stale = seen.at(-1)!;
    expect(stale).toMatchObject({ reachable: false, error: 'lab: connection timed out', updatedAt: good.updatedAt });
    expect(stale.vms).toEqual(good.vms);
    expect(Date.now() - Date.parse(stale.updatedAt!)).toBeGreaterThanOrEqual(12_000);
    poller.stop();
  });

  it('sends the unreachable host with its inventory VMs when there never was good data', async () => {
    const { t, seen, poller } = setup();
    t.on(isGather, () => {
      throw new SshError('auth', 'lab', 'lab: authentication failed');
    });
    poller.start();
    await vi.advanceTimersByTimeAsync(10);
    expect(seen[0]).toMatchObject({ reachable: false, error: 'lab: authentication failed', updatedAt: null });
    expect(seen[0]?.vms.map((v) => v.name)).toEqual(['vm1', 'vm2', 'vm3', 'vm4', 'vm5']);
    poller.stop();
  });

  it('probes VMs on their own slower cadence and merges the answers into the status', async () => {
    const { t, seen, poller } = setup({ probeEveryMs: 10_000 });
    t.on(isGather, { stdout: labBaseline() }).on(isVmProbe, answerVmProbes((vm) => (vm === 'vm1' ? 255 : 0)));
    poller.start();
    await vi.advanceTimersByTimeAsync(10);
    // vm4 and vm5 are not running in the lab capture: not probed, unreachable
    expect(probes(t)).toBe(3);
    expect(seen.at(-1)?.vms.map((v) => v.reachable)).toEqual([false, true, true, false, false]);
    await vi.advanceTimersByTimeAsync(9000);
    expect(probes(t)).toBe(3);
    expect(gathers(t)).toBe(10);
    expect(seen.at(-1)?.vms[0]?.reachable).toBe(false);
    await vi.advanceTimersByTimeAsync(1000);
    expect(probes(t)).toBe(6);
    poller.stop();
  });

  it('a probe taken before a unit changed state is not shown as fact: a stopped VM is not "ssh ok", a started one not "unit inactive"', async () => {
    const { t, seen, poller } = setup({ probeEveryMs: 10_000 });
    let out = labBaseline();
    t.on(isGather, () => ({ stdout: out })).on(isVmProbe, answerVmProbes(() => 0));
    poller.start();
    await vi.advanceTimersByTimeAsync(10);
    expect(seen.at(-1)?.vms[1]).toMatchObject({ name: 'vm2', active: 'active', reachable: true });
    // vm2 stops (and vm1 crashes): the next refresh, 1 s later, long before the next probe
    out = labTrouble();
    const probesBefore = probes(t);
    await vi.advanceTimersByTimeAsync(1000);
    expect(seen.at(-1)?.vms[1]).toMatchObject({ name: 'vm2', active: 'inactive', reachable: false, probeError: 'unit inactive' });
    expect(probes(t)).toBeGreaterThan(probesBefore); // and the VMs are probed again at once, not 10 s later
    // vm2 starts again: not "unit inactive" until probed, but unknown
    t.on(isVmProbe, () => new Promise(() => undefined)); // the next probe does not answer yet
    out = labBaseline();
    await vi.advanceTimersByTimeAsync(1000);
    expect(seen.at(-1)?.vms[1]).toMatchObject({ name: 'vm2', active: 'active', reachable: null, probeError: null });
    poller.stop();
  });

  it('refreshNow joins a running refresh instead of starting a second one', async () => {
    const { t, seen, poller } = setup();
    let release!: (r: Partial<ExecResult>) => void;
    t.on(isGather, () => new Promise<Partial<ExecResult>>((res) => (release = res)));
    const a = poller.refreshNow('lab');
    const b = poller.refreshNow();
    await vi.advanceTimersByTimeAsync(1);
    expect(gathers(t)).toBe(1);
    release({ stdout: labBaseline() });
    await Promise.all([a, b]);
    expect(seen).toHaveLength(1);
    expect(poller.current('lab')?.reachable).toBe(true);
  });

  it('sends the statuses of hosts refreshed together in one burst, and never holds one longer than BATCH_MS', async () => {
    const t = new ScriptedTransport();
    const lab = labInventory();
    const host = lab.hosts[0]!;
    const inventory = { ...lab, hosts: ['a', 'b', 'slow'].map((name) => ({ ...host, name })) };
    const seen: Array<{ name: string; at: number; burst: number }> = [];
    let burst = 0;
    const release = new Map<string, (r: Partial<ExecResult>) => void>();
    t.on(isGather, (_c, target) => new Promise<Partial<ExecResult>>((res) => release.set(target.host, res)));
    const poller = new StatusPoller(t, inventory, { intervalMs: 60_000, probeEveryMs: 0, onStatus: (hs) => seen.push({ name: hs.name, at: Date.now(), burst }) });
    poller.start();
    await vi.advanceTimersByTimeAsync(1);
    release.get('a')!({ stdout: labBaseline() });
    await vi.advanceTimersByTimeAsync(10);
    expect(seen).toHaveLength(0); // b and slow still running
    release.get('b')!({ stdout: labBaseline() });
    await vi.advanceTimersByTimeAsync(BATCH_MS - 20);
    expect(seen).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(20);
    // slow is still running: a and b go out anyway, together
    expect(seen.map((s) => s.name)).toEqual(['a', 'b']);
    expect(seen[0]!.at).toBe(seen[1]!.at);
    burst = 1;
    release.get('slow')!({ stdout: labBaseline() });
    await vi.advanceTimersByTimeAsync(1);
    // the last one running goes out at once
    expect(seen.map((s) => `${s.name}${s.burst}`)).toEqual(['a0', 'b0', 'slow1']);
    poller.stop();
  });

  it('keeps 20 hosts in one round a second, one burst each, after one of them failed slowly and backed off', async () => {
    const t = new ScriptedTransport();
    const lab = labInventory();
    const names = Array.from({ length: 20 }, (_, i) => `hv${i + 1}`);
    const inventory = { ...lab, hosts: names.map((name) => ({ ...lab.hosts[0]!, name })) };
    let failing = 2;
    // each host answers after its own delay; hv7 first times out twice (after 150 ms each), then recovers
    t.on(isGather, async (_c, target) => {
      const k = names.indexOf(target.host);
      await new Promise((r) => setTimeout(r, 20 + k * 3));
      if (target.host === 'hv7' && failing > 0) {
        failing -= 1;
        await new Promise((r) => setTimeout(r, 150));
        throw new SshError('timeout', 'hv7', 'hv7: timed out');
      }
      return { stdout: labBaseline() };
    });
    const bursts: number[] = []; // the time of each burst (everything sent in one flush shares it)
    const poller = new StatusPoller(t, inventory, {
      intervalMs: 1000,
      probeEveryMs: 0,
      onStatus: () => {
        if (bursts.at(-1) !== Date.now()) bursts.push(Date.now());
      },
    });
    const start = Date.now();
    poller.start();
    await vi.advanceTimersByTimeAsync(10_000); // hv7 back after 2 s + 4 s of backoff
    const counted = bursts.length;
    const sentBefore = t.sent.length;
    await vi.advanceTimersByTimeAsync(10_000);
    poller.stop();
    expect(t.sent.length - sentBefore).toBe(20 * 10); // every host refreshed every second
    const later = bursts.slice(counted);
    expect(later).toHaveLength(10);
    // and every round starts on the second the poller started on
    expect(later.every((at) => (at - start) % 1000 < 200)).toBe(true);
  });
});
