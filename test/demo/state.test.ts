import { describe, expect, test } from 'vitest';
import { parseSystemctlShow } from '../../src/parsers/index.js';
import { demoHost } from './helpers.js';

// The simulated hypervisor's behaviour over time, driven by a manual clock.

const show = async (sh: (c: string) => Promise<{ stdout: string }>, unit: string) =>
  parseSystemctlShow((await sh(`systemctl show ${unit} --timestamp=unix -p ActiveState,SubState,NRestarts,Result,MainPID,ActiveEnterTimestamp`)).stdout)[0]!;

describe('demo hypervisor state', () => {
  test('a restart takes a moment: deactivating, then activating, then running again with a new start time', async () => {
    const { clock, shell, sh } = demoHost({ crashy: false });
    const before = await show(sh, 'microvm@vm1');
    expect(before.ActiveState).toBe('active');
    const restart = shell.capture('systemctl restart microvm@vm1');
    await clock.advance(500);
    expect((await show(sh, 'microvm@vm1')).ActiveState).toBe('deactivating');
    await clock.advance(1300);
    expect((await show(sh, 'microvm@vm1')).ActiveState).toBe('activating');
    const r = await clock.run(restart);
    expect(r.code).toBe(0);
    const after = await show(sh, 'microvm@vm1');
    expect(after.ActiveState).toBe('active');
    expect(after.SubState).toBe('running');
    expect(after.NRestarts).toBe('0'); // a manual restart is not counted
    expect(Number(after.ActiveEnterTimestamp!.slice(1))).toBeGreaterThan(Number(before.ActiveEnterTimestamp!.slice(1)));
    expect(after.MainPID).not.toBe(before.MainPID);
  });

  test('a crash: failed result, auto-restart for 5 s, then running again with NRestarts + 1', async () => {
    const { clock, hv, sh } = demoHost({ crashy: false });
    hv.crash('vm4');
    const during = await show(sh, 'microvm@vm4');
    expect(during).toMatchObject({ ActiveState: 'activating', SubState: 'auto-restart', Result: 'exit-code', NRestarts: '0' });
    // no process, no cgroup: systemd has no memory or CPU figure then (the demo gave the old ones, and a CPU counter
    // that jumped by everything used so far: 78683% on the card)
    const cg = async () => parseSystemctlShow((await sh('systemctl show microvm@vm4 -p MemoryCurrent,CPUUsageNSec')).stdout)[0]!;
    expect(await cg()).toMatchObject({ MemoryCurrent: '[not set]', CPUUsageNSec: '[not set]' });
    await clock.advance(4000);
    expect((await show(sh, 'microvm@vm4')).SubState).toBe('auto-restart');
    await clock.advance(3000);
    expect(await show(sh, 'microvm@vm4')).toMatchObject({ ActiveState: 'active', SubState: 'running', Result: 'success', NRestarts: '1' });
    expect(Number((await cg()).CPUUsageNSec)).toBeLessThan(5e9); // counting again from the new process's start
    const errs = await sh('journalctl -u microvm@vm4 -p err -n 5 -o cat --no-pager');
    expect(errs.stdout).toMatch(/Kernel panic/);
  });

  test('the crashy VM crashes by itself now and then, and its restart counter rises', async () => {
    const { clock, sh } = demoHost({ crashy: 'vm3', crashEveryMs: 60_000 });
    const n0 = Number((await show(sh, 'microvm@vm3')).NRestarts);
    await clock.advance(10 * 60_000);
    expect(Number((await show(sh, 'microvm@vm3')).NRestarts)).toBeGreaterThanOrEqual(n0 + 5);
  });

  test('stop: the unit goes inactive, booted disappears, the bridge loses carrier and the VM is unreachable', async () => {
    const { sh } = demoHost({ crashy: false });
    expect((await sh('systemctl stop microvm@vm1')).code).toBe(0);
    expect((await show(sh, 'microvm@vm1')).ActiveState).toBe('inactive');
    expect((await sh('readlink /var/lib/microvms/vm1/booted')).code).toBe(1);
    expect((await sh('readlink /var/lib/microvms/vm1/current')).code).toBe(0);
    const br = JSON.parse((await sh('ip -j link show br-vm1')).stdout)[0];
    expect(br.flags).toContain('NO-CARRIER');
    expect(br.operstate).toBe('DOWN');
    expect((await sh('ip -j link show vm-vm1')).stderr).toBe('Device "vm-vm1" does not exist.\n');
    const ssh = await sh('ssh -o ConnectTimeout=5 root@10.1.0.2 -- true');
    expect(ssh.code).toBe(255);
    expect(ssh.stderr).toMatch(/No route to host/);
    expect((await sh('systemctl start microvm@vm1')).code).toBe(0);
    expect((await show(sh, 'microvm@vm1')).ActiveState).toBe('active');
  });

  test('a VM whose runner link is gone is skipped by its condition, not failed', async () => {
    const { hv, sh } = demoHost({ crashy: false });
    await sh('systemctl stop microvm@vm5');
    delete hv.zfs.mountedAt('/var/lib/microvms/vm5')!.links.current;
    expect((await sh('systemctl start microvm@vm5')).code).toBe(0);
    const u = parseSystemctlShow((await sh('systemctl show microvm@vm5 -p ActiveState,ConditionResult')).stdout)[0]!;
    expect(u).toMatchObject({ ActiveState: 'inactive', ConditionResult: 'no' });
    expect((await sh('journalctl -u microvm@vm5 -n 1 -o cat')).stdout).toMatch(/unmet condition check \(ConditionPathExists=\/var\/lib\/microvms\/vm5\/current\/bin\/microvm-run\)/);
  });

  test('a runner update flips current (restart needed) and a restart boots the new runner', async () => {
    const { sh } = demoHost({ crashy: false, outdated: false });
    const links = async () => (await sh(`printf '%s\\n' "$(readlink /var/lib/microvms/vm4/current)" "$(readlink /var/lib/microvms/vm4/booted)"`)).stdout.split('\n');
    const [c0, b0] = await links();
    expect(c0).toBe(b0);
    const up = await sh('cd /root/simple-microvm-infra && nix build .#nixosConfigurations.vm4.config.microvm.declaredRunner -o /var/lib/microvms/vm4/current');
    expect(up.code).toBe(0);
    expect(up.stderr).toMatch(/building '\/nix\/store\/.*-microvm-cloud-hypervisor-vm4\.drv'/);
    const [c1, b1] = await links();
    expect(c1).not.toBe(c0);
    expect(b1).toBe(b0);
    await sh('systemctl restart microvm@vm4');
    const [c2, b2] = await links();
    expect(b2).toBe(c2);
    expect(c2).toBe(c1);
  });

  test('heartbeats keep the journal flowing while a VM runs', async () => {
    const { clock, sh } = demoHost({ crashy: false });
    const count = async () => (await sh('journalctl -u microvm@vm2 -o cat --no-pager')).stdout.split('\n').filter((l) => /heartbeat/.test(l)).length;
    const n0 = await count();
    await clock.advance(60_000);
    expect(await count()).toBe(n0 + 12);
  });

  test('the host units J offers (comin, sshd) have journal lines of their own, and more every 30 s', async () => {
    const { clock, sh } = demoHost({ crashy: false });
    const lines = async (u: string) => (await sh(`journalctl -u ${u} -o cat --all --no-pager`)).stdout.split('\n').filter(Boolean);
    expect((await lines('comin')).join('\n')).toMatch(/Fetching repository origin/);
    expect((await lines('sshd')).join('\n')).toMatch(/Server listening on 0.0.0.0 port 22\.[\s\S]*Accepted publickey for root/);
    const [c0, s0] = [(await lines('comin')).length, (await lines('sshd')).length];
    await clock.advance(30_000);
    expect((await lines('comin')).length).toBeGreaterThan(c0);
    expect((await lines('sshd')).length).toBeGreaterThan(s0);
  });
});
