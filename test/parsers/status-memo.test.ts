import { describe, expect, it, vi } from 'vitest';
import { splitSections } from '../../src/host/gather.js';
import type { HostStatus } from '../../src/model/status.js';
import { StatusPoller } from '../../src/services/poller.js';
import { hostStatusFromSections } from '../../src/parsers/status-assemble.js';
import { StatusMemo } from '../../src/parsers/status-memo.js';
import { ScriptedTransport } from '../helpers/scripted-transport.js';
import { answerVmProbes, isVmProbe } from '../helpers/vm-probes.js';
import { labBaseline, labHost, labInventory, labTrouble, withSection } from '../services/status-fixture.js';

const NOW = Date.parse('2026-11-26T13:00:00Z');
// one host config, as the poller holds it
const host = labHost();
const assemble = (out: string, memo?: StatusMemo) => hostStatusFromSections(host, splitSections(out), { now: NOW, memo });
/** The baseline with vm1's unit using `bytes` of memory (its record's MemoryCurrent, as a running VM's moves). */
const vm1Memory = (bytes: number) => labBaseline().replace(/MemoryCurrent=\[not set\]\nCPUUsageNSec=\[not set\]\nId=microvm@vm1\.service/, `MemoryCurrent=${bytes}\nCPUUsageNSec=[not set]\nId=microvm@vm1.service`);

describe('StatusMemo', () => {
  it('parses a section again when its text changed, and hands back the same value when it did not', () => {
    const memo = new StatusMemo();
    const parse = vi.fn((t: string) => ({ lines: t.split('\n').length }));
    const a = memo.parse('zfs', 'x\ny\n', parse);
    expect(memo.parse('zfs', 'x\ny\n', parse)).toBe(a);
    expect(parse).toHaveBeenCalledTimes(1);
    const b = memo.parse('zfs', 'x\ny\nz\n', parse);
    expect(b).toEqual({ lines: 4 });
    expect(parse).toHaveBeenCalledTimes(2);
    // only the last text is remembered: going back parses again
    expect(memo.parse('zfs', 'x\ny\n', parse)).not.toBe(a);
    expect(parse).toHaveBeenCalledTimes(3);
  });

  it('gives the same status as parsing everything, refresh after refresh, as the output changes', () => {
    const memo = new StatusMemo();
    for (const out of [labBaseline(), labBaseline(), labTrouble(), vm1Memory(2 ** 30), labBaseline(), withSection(labBaseline(), 'loadavg', '0.10 0.20 0.30 1/2 3\n')]) {
      expect(assemble(out, memo)).toEqual(assemble(out));
    }
  });

  it('keeps the objects of what did not change: the other VMs, the pools; a changed VM is new', () => {
    const memo = new StatusMemo();
    const first = assemble(labBaseline(), memo);
    const same = assemble(labBaseline(), memo);
    expect(same.vms).toEqual(first.vms);
    same.vms.forEach((v, i) => expect(v).toBe(first.vms[i]));
    expect(same.pools).toBe(first.pools);
    expect(same.system.failedUnits).toBe(first.system.failedUnits);

    const moved = assemble(vm1Memory(2 ** 30), memo);
    expect(moved.vms[0]).not.toBe(same.vms[0]);
    expect(moved.vms[0]!.memoryBytes).toBe(2 ** 30);
    // the units section changed as a whole: the others are assembled again but read the same
    expect(moved.vms.slice(1)).toEqual(same.vms.slice(1));
    expect(moved.pools).toBe(first.pools);
  });

  it('holds one value per section and VM however many refreshes go through it', () => {
    const memo = new StatusMemo();
    assemble(labBaseline(), memo);
    const size = memo.size;
    for (let i = 0; i < 50; i++) assemble(vm1Memory(i * 4096), memo);
    assemble(labTrouble(), memo);
    expect(memo.size).toBe(size);
  });
});

describe('StatusPoller with memos', () => {
  it("keeps each host's memo to itself: two hosts with different output each show their own, report after report", async () => {
    vi.useFakeTimers();
    try {
      const inv = labInventory();
      const lab = inv.hosts[0]!;
      const two = { ...inv, hosts: [lab, { ...lab, name: 'lab2' }] };
      const t = new ScriptedTransport();
      t.on((cmd) => cmd.includes('@@mvm system'), (_cmd, target) => ({ stdout: target.host === 'lab' ? labBaseline() : labTrouble() }));
      const seen: HostStatus[] = [];
      const poller = new StatusPoller(t, two, { intervalMs: 1000, probeEveryMs: 0, onStatus: (hs) => seen.push(hs) });
      poller.start();
      await vi.advanceTimersByTimeAsync(3500);
      poller.stop();
      const states = (name: string) => seen.filter((h) => h.name === name).map((h) => h.vms.map((v) => v.active).join(' '));
      expect(states('lab')).toEqual(Array(4).fill(assemble(labBaseline()).vms.map((v) => v.active).join(' ')));
      expect(states('lab2')).toEqual(Array(4).fill(assemble(labTrouble()).vms.map((v) => v.active).join(' ')));
      expect(states('lab')[0]).not.toBe(states('lab2')[0]);
      // an unchanged report keeps the last one's VM objects (what the views compare first)
      const labs = seen.filter((h) => h.name === 'lab');
      expect(labs[3]!.vms[0]).toBe(labs[0]!.vms[0]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('keeps the VM objects of an unchanged report once probes are merged in, and a VM whose probe changed is new', async () => {
    vi.useFakeTimers();
    try {
      const t = new ScriptedTransport();
      t.on((cmd) => cmd.includes('@@mvm system'), { stdout: labBaseline() });
      let vm2Code = 0;
      t.on(isVmProbe, answerVmProbes((vm) => (vm === 'vm2' ? vm2Code : 0)));
      const seen: HostStatus[] = [];
      const poller = new StatusPoller(t, labInventory(), { intervalMs: 1000, probeEveryMs: 2000, onStatus: (hs) => seen.push(hs) });
      poller.start();
      await vi.advanceTimersByTimeAsync(1500);
      const a = seen[seen.length - 1]!;
      expect(a.vms[0]!.reachable).toBe(true);
      await vi.advanceTimersByTimeAsync(1000);
      const b = seen[seen.length - 1]!;
      b.vms.forEach((v, i) => expect(v).toBe(a.vms[i]));
      vm2Code = 124;
      await vi.advanceTimersByTimeAsync(2000);
      poller.stop();
      const c = seen[seen.length - 1]!;
      expect(c.vms[1]).not.toBe(a.vms[1]);
      expect(c.vms[1]!.probeError).not.toBeNull();
      expect(c.vms[0]).toBe(a.vms[0]);
    } finally {
      vi.useRealTimers();
    }
  });
});
