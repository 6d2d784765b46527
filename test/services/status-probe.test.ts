import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveInventory } from '../../src/config/resolve.js';
import { DEFAULT_VM_PROBE_TIMEOUT_MS, inventorySchema } from '../../src/config/schema.js';
import type { HostConfig } from '../../src/config/types.js';
import { probeVms, type VmProbe } from '../../src/services/status.js';
import { nestedProbeCommand } from '../../src/host/nested-probe.js';
import { nestedCommand } from '../../src/host/nested.js';
import type { ExecOptions, ExecResult, Target, Transport } from '../../src/ssh/types.js';
import { ScriptedTransport } from '../helpers/scripted-transport.js';

// The batched VM probe is run here by a real local shell (dash's sh and bash: NixOS runs root's commands in
// bash) with the real coreutils `timeout` and a stand-in `ssh` that answers by the VM's address, so the test
// sees what the hypervisor would do: parallel probes, exit codes, a probe that hangs, what each ssh receives.

const FAKE_SSH = `#!/bin/sh
dest=
for a in "$@"; do case $a in *@*) dest=\${a#*@} ;; esac; done
for a in "$@"; do printf '%s\\0' "$a"; done >"$FAKE_DIR/argv.$dest"
readlink /proc/$$/fd/0 >"$FAKE_DIR/stdin.$dest"
echo "Warning: Permanently added '$dest' (ED25519) to the list of known hosts." >&2
echo "stdout of the VM"
case $dest in
  10.1.0.2) exit 0 ;;
  10.2.0.2) echo "ssh: connect to host $dest port 22: Connection refused" >&2; exit 255 ;;
  10.3.0.2) exec sleep 30 ;;
  10.4.0.2) trap '' TERM; sleep 30 ;;
  *) exit 0 ;;
esac
`;

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function fakeHypervisor(): { dir: string; env: NodeJS.ProcessEnv } {
  const dir = mkdtempSync(join(tmpdir(), 'mvm-probe-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'ssh'), FAKE_SSH);
  chmodSync(join(dir, 'ssh'), 0o755);
  return { dir, env: { PATH: `${dir}:/usr/bin:/bin`, FAKE_DIR: dir } };
}

function hostWith(vmAccess: Record<string, unknown>, vms = ['vm1', 'vm2', 'vm3']): HostConfig {
  return resolveInventory(inventorySchema.parse({ hosts: [{ name: 'hv', ssh: { hostname: 'h' }, vmAccess, vms: vms.map((name) => ({ name })) }] }), 't').hosts[0]!;
}

function sh(shell: string, script: string, env: NodeJS.ProcessEnv): Promise<{ stdout: string; code: number }> {
  return new Promise((resolve) => {
    execFile(shell, ['-c', script], { env }, (err, stdout) => resolve({ stdout: String(stdout), code: err ? Number((err as { code?: unknown }).code ?? -1) : 0 }));
  });
}

/** A transport whose hypervisor is a local shell over the stand-in ssh: what probeVms sends, run for real. */
class LocalHypervisor implements Transport {
  readonly sent: Array<{ target: Target; command: string; opts?: ExecOptions }> = [];
  constructor(private readonly env: NodeJS.ProcessEnv) {}
  async exec(target: Target, command: string, opts?: ExecOptions): Promise<ExecResult> {
    this.sent.push({ target, command, opts });
    return { ...(await sh('bash', command, this.env)), stderr: '' };
  }
  stream(): never {
    throw new Error('not used');
  }
  state(host: string) {
    return { host, status: 'up' as const, since: 0 };
  }
  onState() {
    return () => undefined;
  }
  async close() {}
}

const lines = (stdout: string) => stdout.split('\n').filter(Boolean).sort();

describe('the batched probe script on the hypervisor', () => {
  for (const shell of ['sh', 'bash']) {
    it(`${shell}: prints one line per VM with its ssh's exit code: answered, refused, timed out, killed after ignoring TERM`, async () => {
      const { env } = fakeHypervisor();
      const host = hostWith({}, ['vm1', 'vm2', 'vm3', 'vm4']);
      const r = await sh(shell, nestedProbeCommand(host, host.vms, 300), env);
      expect(r.code).toBe(0);
      // Only the probe lines: the VMs' own stdout and ssh's stderr are discarded.
      expect(lines(r.stdout)).toEqual(['@@probe vm1 0', '@@probe vm2 255', '@@probe vm3 124', '@@probe vm4 137']);
    });
  }

  it('runs for each VM exactly the ssh a single nested probe runs (identity, port, options), stdin from /dev/null', async () => {
    const host = hostWith({ port: 2222, user: 'admin', remoteIdentityFile: '/etc/mvm/key', remoteSshOptions: ['-o', 'UserKnownHostsFile=/etc/mvm/known_hosts', '-J', 'bastion'] }, ['vm1', 'vm2']);
    const batch = fakeHypervisor();
    await sh('bash', nestedProbeCommand(host, host.vms, 2000), batch.env);
    const single = fakeHypervisor();
    for (const vm of host.vms) await sh('bash', `${nestedCommand(host, vm, 'true')} </dev/null`, single.env);
    for (const addr of ['10.1.0.2', '10.2.0.2']) {
      const argv = readFileSync(join(batch.dir, `argv.${addr}`), 'utf8').split('\0').slice(0, -1);
      expect(argv).toEqual(readFileSync(join(single.dir, `argv.${addr}`), 'utf8').split('\0').slice(0, -1));
      expect(argv).toEqual(['-i', '/etc/mvm/key', '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=5', '-p', '2222', '-o', 'UserKnownHostsFile=/etc/mvm/known_hosts', '-J', 'bastion', `admin@${addr}`, '--', 'true']);
      expect(readFileSync(join(batch.dir, `stdin.${addr}`), 'utf8').trim()).toBe('/dev/null');
    }
  });

  it('probes only the VMs it is given and quotes their names', async () => {
    const { dir, env } = fakeHypervisor();
    const host = hostWith({}, ['vm1', 'vm2', 'vm3', 'a.b:c-d']);
    const r = await sh('sh', nestedProbeCommand(host, [host.vms[0]!, host.vms[3]!], 2000), env);
    expect(lines(r.stdout)).toEqual(['@@probe a.b:c-d 0', '@@probe vm1 0']);
    expect(readdirSync(dir).filter((f) => f.startsWith('argv.')).sort()).toEqual(['argv.10.1.0.2', 'argv.a.b:c-d']);
  });
});

const ok: VmProbe = { reachable: true, probeError: null };
const no = (why: string): VmProbe => ({ reachable: false, probeError: why });

describe('probeVms', () => {
  it('probes all of a nested host\'s VMs in one exec on the hypervisor, bounded a little past the probe timeout', async () => {
    const t = new LocalHypervisor(fakeHypervisor().env);
    const probes = await probeVms(t, hostWith({}, ['vm1', 'vm2', 'vm5']));
    expect(probes).toEqual(new Map([['vm1', ok], ['vm2', no('ssh failed')], ['vm5', ok]]));
    expect(t.sent).toHaveLength(1);
    expect(t.sent[0]?.target).toEqual({ host: 'hv' });
    expect(t.sent[0]?.opts?.timeoutMs).toBeGreaterThan(DEFAULT_VM_PROBE_TIMEOUT_MS);
  });

  it('limits the probe to `only`, and sends nothing when no VM is left', async () => {
    const t = new LocalHypervisor(fakeHypervisor().env);
    expect(await probeVms(t, hostWith({}), ['vm1', 'vm9'])).toEqual(new Map([['vm1', ok]]));
    expect(await probeVms(t, hostWith({}), [])).toEqual(new Map());
    expect(t.sent).toHaveLength(1);
  });

  it('reports a VM missing from the output, or with a garbled line, as not reachable', async () => {
    const host = hostWith({});
    for (const stdout of ['@@probe vm1 0\n', '@@probe vm1 0\n@@probe vm2 0\n@@probe vm2 255\n@@probe vm3 0', '@@probe vm1 0\n\u0000garbage@@probe vm2 0\n']) {
      const t = new ScriptedTransport().on('@@probe', { stdout, code: 0 });
      const probes = await probeVms(t, host);
      expect(probes.get('vm1')).toEqual(ok);
      expect(probes.get('vm2')).toEqual(no('no probe result'));
    }
    // The exec timed out or was killed: the lines that arrived still count.
    const cut = new ScriptedTransport().on('@@probe', { stdout: '@@probe vm2 0\n@@pro', code: null, timedOut: true });
    expect(await probeVms(cut, host)).toEqual(new Map([['vm1', no('probe timed out')], ['vm2', ok], ['vm3', no('probe timed out')]]));
  });

  it('says why a VM did not answer: timed out, killed after the timeout, ssh\'s own error, a missing command', async () => {
    const host = hostWith({}, ['a', 'b', 'c', 'd', 'e']);
    const t = new ScriptedTransport().on('@@probe', { stdout: '@@probe a 124\n@@probe b 137\n@@probe c 255\n@@probe d 127\n@@probe e 1\n', code: 0 });
    expect(await probeVms(t, host)).toEqual(
      new Map([
        ['a', no('timed out')],
        ['b', no('timed out')],
        ['c', no('ssh failed')],
        ['d', no('ssh or timeout missing')],
        ['e', no('exit 1')],
      ]),
    );
  });

  it('gives every VM false when the host cannot be reached, without throwing', async () => {
    const t = new ScriptedTransport().on('@@probe', () => {
      throw new Error('hv: connection refused');
    });
    const down = no('probe failed: hv: connection refused');
    expect(await probeVms(t, hostWith({}))).toEqual(new Map([['vm1', down], ['vm2', down], ['vm3', down]]));
  });

  it('gives a VM the inventory\'s vmAccess.probeTimeoutMs to answer, nested and over ProxyJump', async () => {
    const t = new LocalHypervisor(fakeHypervisor().env);
    const started = Date.now();
    expect(await probeVms(t, hostWith({ probeTimeoutMs: 1000 }, ['vm1', 'vm3']))).toEqual(new Map([['vm1', ok], ['vm3', no('timed out')]]));
    expect(t.sent[0]?.command).toContain('timeout -k 1 1 ssh');
    expect(t.sent[0]?.opts?.timeoutMs).toBe(1000 + 2000);
    expect(Date.now() - started).toBeLessThan(DEFAULT_VM_PROBE_TIMEOUT_MS); // the default would have waited 3 s for vm3
    const pj = new LocalHypervisor(fakeHypervisor().env);
    expect(await probeVms(pj, hostWith({ mode: 'proxyjump', probeTimeoutMs: 15_000 }, ['vm1']))).toEqual(new Map([['vm1', ok]]));
    expect(pj.sent[0]?.opts?.timeoutMs).toBe(15_000);
  });

  it('still probes VM by VM over ProxyJump (each VM is its own connection from this machine)', async () => {
    const t = new ScriptedTransport().on((c) => c === 'true', (_c, target) => ({ code: target.vm === 'vm2' ? 255 : 0 }));
    const probes = await probeVms(t, hostWith({ mode: 'proxyjump' }));
    expect(probes).toEqual(new Map([['vm1', ok], ['vm2', no('exit 255')], ['vm3', ok]]));
    expect(t.sent.map((s) => s.target)).toEqual([{ host: 'hv', vm: 'vm1' }, { host: 'hv', vm: 'vm2' }, { host: 'hv', vm: 'vm3' }]);
  });
});
