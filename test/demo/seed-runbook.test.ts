import { describe, expect, test } from 'vitest';
import { demoHost } from './helpers.js';

// The seed's operations manual (its Common Tasks and Troubleshooting), typed on the demo host: every
// command answers as the real host would, so a user can follow the runbook against the demo.

describe("the seed's runbook on the demo", () => {
  test('check, restart and follow a VM', async () => {
    const { clock, shell, sh } = demoHost({ crashy: false });
    const st = await sh('systemctl status microvm@vm1');
    expect(st.code).toBe(0);
    expect(st.stdout).toMatch(/^● microvm@vm1\.service - MicroVM 'vm1'\n {5}Loaded: loaded \(\/etc\/systemd\/system\/microvm@\.service; enabled; preset: enabled\)\n {5}Active: active \(running\) since /);
    expect((await sh('systemctl restart microvm@vm1')).code).toBe(0);
    let out = '';
    const ac = new AbortController();
    const follow = shell.run('journalctl -u microvm@vm1 -f', { out: (t) => (out += t), err: () => {} }, ac.signal);
    await clock.advance(11_000);
    ac.abort();
    await follow;
    expect(out).toMatch(/hypervisor microvm@vm1\[\d+\]: \[vm1\] heartbeat \d+/);
  });

  test('snapshots: list, create (also with $(date ...)), roll back', async () => {
    const { sh } = demoHost({ crashy: false });
    const list = await sh('zfs list -t snapshot');
    expect(list.stdout.split('\n')[0]).toMatch(/^NAME +USED +AVAIL +REFER +MOUNTPOINT$/);
    expect((await sh('zfs snapshot microvms/storage/vm1@backup')).code).toBe(0);
    expect((await sh('zfs snapshot microvms/storage/vm2@$(date +%Y%m%d-%H%M)')).code).toBe(0);
    expect((await sh('zfs list -H -o name -t snapshot microvms/storage/vm2@20261126-1200')).stdout).toBe('microvms/storage/vm2@20261126-1200\n');
    expect((await sh('zfs rollback microvms/storage/vm1@backup')).code).toBe(0);
  });

  test('host health: systemctl status, zpool status, df -h, the storage unit, zpool import', async () => {
    const { sh } = demoHost();
    expect((await sh('systemctl status')).stdout).toMatch(/^● hypervisor\n {4}State: running\n/);
    expect((await sh('zpool status')).stdout).toMatch(/^ {2}pool: microvms\n state: ONLINE\n/);
    expect((await sh('df -h')).stdout).toMatch(/^Filesystem +Size +Used Avail Use% Mounted on\n/);
    expect((await sh('systemctl status ebs-volume-microvm-storage')).stdout).toMatch(/Active: active \(exited\)/);
    expect(await sh('zpool import microvms')).toMatchObject({ code: 1, stderr: expect.stringMatching(/^cannot import 'microvms': a pool with that name already exists/) });
  });

  test("a VM that won't start: check the runner, rebuild it", async () => {
    const { hv, sh } = demoHost({ crashy: false });
    await sh('systemctl stop microvm@vm5');
    delete hv.zfs.mountedAt('/var/lib/microvms/vm5')!.links.current;
    expect(await sh('ls -la /var/lib/microvms/vm5/current')).toMatchObject({ code: 2, stderr: "ls: cannot access '/var/lib/microvms/vm5/current': No such file or directory\n" });
    const build = await sh('cd /root/simple-microvm-infra && nix build .#nixosConfigurations.vm5.config.microvm.declaredRunner -o /var/lib/microvms/vm5/current');
    expect(build.code).toBe(0);
    expect((await sh('ls -la /var/lib/microvms/vm5/current')).stdout).toMatch(/^lrwxrwxrwx 1 root root \d+ Nov 26 \d\d:\d\d \/var\/lib\/microvms\/vm5\/current -> \/nix\/store\/[0-9a-z]{32}-microvm-cloud-hypervisor-vm5\n$/);
    expect((await sh('systemctl start microvm@vm5 && systemctl is-active microvm@vm5')).stdout).toBe('active\n');
  });

  test("can't ssh to a VM: is it active, is the bridge up, did its network come up", async () => {
    const { sh } = demoHost({ crashy: false });
    expect((await sh('ssh -i /root/.ssh/id_ed25519 root@10.1.0.2 "hostname && uptime"')).stdout).toMatch(/^vm1\n \d\d:\d\d:\d\d up /);
    expect((await sh('systemctl is-active microvm@vm1')).stdout).toBe('active\n');
    expect((await sh('ip link show br-vm1')).stdout).toMatch(/^3: br-vm1: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP mode DEFAULT group default qlen 1000\n {4}link\/ether /);
    expect((await sh('journalctl -u microvm@vm1 | grep -i network')).stdout).toMatch(/eth0: network: link up, address 10\.1\.0\.2\/24 via 10\.1\.0\.1/);
  });
});
