import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import './netns-guard.js';
import { LAB_RUN } from './paths.js';

// The lab is what it claims: checked with plain OpenSSH and the files lab:up wrote, not with the app's code,
// so a broken lab and a broken app cannot hide each other. Run inside the lab netns: npm run test:lab.

const RUN = `${LAB_RUN}/`;
const SSH_CONFIG = `${RUN}ssh_config`;
const EXEC = fileURLToPath(new URL('./exec.sh', import.meta.url));

interface Result { code: number; stdout: string; stderr: string }

function run(file: string, args: string[], timeout = 30_000): Promise<Result> {
  return new Promise((resolve) => {
    execFile(file, args, { timeout }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}
/** A shell command on the lab hypervisor, as root. */
const hv = (cmd: string) => run('ssh', ['-F', SSH_CONFIG, 'lab', cmd]);
const out = async (cmd: string) => {
  const r = await hv(cmd);
  if (r.code !== 0) throw new Error(`${cmd}: exit ${r.code}: ${r.stderr}`);
  return r.stdout.trim();
};

describe('the lab written by lab:up', () => {
  it('left its client files in test/lab/run', () => {
    for (const f of ['id_ed25519', 'known_hosts', 'ssh_config', 'inventory.yaml', 'inventory-proxyjump.yaml', 'lab.env']) {
      expect(existsSync(RUN + f), f).toBe(true);
    }
  });

  it('runs the tests in a namespace with no route out: a VM address is unreachable from here', async () => {
    const routes = await run('ip', ['-4', 'route', 'show']);
    expect(routes.stdout).not.toMatch(/default/);
    const err = await new Promise<string>((resolve) => {
      const s = connect({ host: '10.1.0.2', port: 22 });
      s.once('connect', () => { s.destroy(); resolve('connected'); });
      s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
    });
    expect(err).toBe('ENETUNREACH');
  });
});

describe('the lab hypervisor', () => {
  it('boots systemd to running with the autostarted VMs up and vm4, vm5 down', async () => {
    expect(await out('systemctl is-system-running')).toMatch(/^(running|degraded)$/);
    const units = JSON.parse(await out("systemctl list-units 'microvm@*' --all -o json")) as { unit: string; active: string }[];
    const active = Object.fromEntries(units.map((u) => [u.unit, u.active]));
    expect(active['microvm@vm1.service']).toBe('active');
    expect(active['microvm@vm3.service']).toBe('active');
    expect(active['microvm@vm4.service'] ?? 'inactive').toBe('inactive');
    expect(await out('systemctl show microvm@vm1 -p Restart,RestartUSec,SyslogIdentifier --value')).toBe('always\n5s\nmicrovm@vm1');
  });

  it("has microvm.nix's per-VM units: install-microvm-vmX (done once, skipped while the state dir exists), microvm-virtiofsd@ (no shares: skipped), microvm-tap-interfaces@", async () => {
    const props = 'Id,LoadState,ActiveState,ConditionResult';
    const text = await out(`systemctl show install-microvm-vm1 microvm-virtiofsd@vm1 microvm-tap-interfaces@vm1 -p ${props}`);
    const units = text.split('\n\n').map((block) => Object.fromEntries(block.split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)])));
    expect(units).toEqual([
      { Id: 'install-microvm-vm1.service', LoadState: 'loaded', ActiveState: 'inactive', ConditionResult: 'no' },
      { Id: 'microvm-virtiofsd@vm1.service', LoadState: 'loaded', ActiveState: 'inactive', ConditionResult: 'no' },
      { Id: 'microvm-tap-interfaces@vm1.service', LoadState: 'loaded', ActiveState: 'active', ConditionResult: 'yes' },
    ]);
    expect(await out('systemctl show microvm@vm1 -p Requires --value')).toMatch(/microvm-virtiofsd@vm1\.service/);
    expect(await out('systemctl show microvms.target -p Wants --value')).toMatch(/install-microvm-vm5\.service/);
  });

  it('has the pool microvms with one dataset per VM, mounted under /var/lib/microvms, with snapshots', async () => {
    const lines = (await out('zfs get -H -p -o name,property,value -r mountpoint microvms/storage')).split('\n');
    for (const n of [1, 2, 3, 4, 5]) {
      expect(lines).toContain(`microvms/storage/vm${n}\tmountpoint\t/var/lib/microvms/vm${n}`);
      expect(lines.filter((l) => l.startsWith(`microvms/storage/vm${n}@2026`)).length).toBeGreaterThanOrEqual(2);
    }
    expect(await out('zpool list -H -o name,health')).toMatch(/labmirror\tONLINE[\s\S]*microvms\tONLINE|microvms\tONLINE[\s\S]*labmirror\tONLINE/);
  });

  it('gives every VM two runner generations under /nix/store, current being one of them', async () => {
    for (const vm of ['vm1', 'vm4']) {
      const gens = (await out(`labctl gens ${vm}`)).split('\n');
      expect(new Set(gens).size).toBe(2);
      for (const g of gens) expect(g).toMatch(new RegExp(`^/nix/store/[0-9a-z]{32}-microvm-cloud-hypervisor-${vm}$`));
      expect(gens).toContain(await out(`readlink /var/lib/microvms/${vm}/current`));
    }
  });

  it('logs numbered heartbeats in the VM unit journal', async () => {
    await new Promise((r) => setTimeout(r, 2_500));
    const beats = (await out('journalctl -u microvm@vm1 -o cat --no-pager | grep -o "heartbeat [0-9]*" | tail -n 3'))
      .split('\n').map((l) => Number(l.split(' ')[1]));
    expect(beats).toHaveLength(3);
    expect(beats[2]! - beats[0]!).toBe(2);
  });

  it('reaches a running VM by nested ssh on the hypervisor and by ProxyJump, each with its own hostname', async () => {
    expect(await out('ssh -o BatchMode=yes root@10.1.0.2 hostname')).toBe('vm1');
    const jumped = await run('ssh', ['-F', SSH_CONFIG, 'vm2', 'hostname']);
    expect(jumped.stdout.trim()).toBe('vm2');
  });

  it('leaves a stopped VM unreachable behind a NO-CARRIER bridge', async () => {
    expect(await out('ip -br link show br-vm5')).toMatch(/NO-CARRIER/);
    const r = await hv('ssh -o BatchMode=yes -o ConnectTimeout=2 root@10.5.0.2 true');
    expect(r.code).toBe(255);
  });

  it('restarts a crashed VM by itself, counting it in NRestarts and logging the crash at priority 3', async () => {
    // vm4 is not autostarted and the other lab tests leave it alone.
    await out('systemctl start microvm@vm4');
    try {
      const before = Number(await out('systemctl show microvm@vm4 -p NRestarts --value'));
      await out('labctl crash vm4');
      let after = before;
      for (let i = 0; i < 40 && after === before; i++) {
        await new Promise((r) => setTimeout(r, 250));
        after = Number(await out('systemctl show microvm@vm4 -p NRestarts --value'));
      }
      expect(after).toBe(before + 1);
      expect(await out('journalctl -u microvm@vm4 -p 3 -o cat --no-pager | tail -n 1')).toMatch(/\[vm4\].*crash/);
      expect(await out('systemctl is-active microvm@vm4 || true')).toMatch(/^(active|activating)$/);
    } finally {
      await hv('systemctl stop microvm@vm4');
    }
  });

  it('has deploy and runner-update stand-ins that stream and report failure by exit code', async () => {
    const ok = await hv('lab-deploy');
    expect(ok.code).toBe(0);
    expect(ok.stderr).toMatch(/building/);
    expect((await hv('lab-deploy --fail')).code).toBe(1);
  });

  it('passes the exit code and output of lab:exec through', async () => {
    const r = await run('bash', [EXEC, 'echo out; echo err >&2; exit 7']);
    expect(r).toMatchObject({ code: 7, stdout: 'out\n', stderr: 'err\n' });
  });
});
