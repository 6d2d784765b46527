import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shJoin } from '../../src/host/quote.js';
import { ActionService } from '../../src/services/actions.js';
import type { AuditEntry } from '../../src/services/audit.js';
import type { LineInfo } from '../../src/services/deploy.js';
import { openRuntime, type Runtime } from '../../src/services/runtime.js';
import { labRun } from './paths.js';

// Actions against the lab hypervisor (real sshd + systemd 252, microvm@ units modelled on microvm.nix, lab
// stand-ins for nixos-rebuild and the runner build). Run: npx tsup && npm run test:lab (after npm run lab:up).
// vm2 and vm3 are left running on the runner generation they had.

const INVENTORY = labRun('inventory.yaml');
const BIN = fileURLToPath(new URL('../../bin/mvm-tui', import.meta.url));
const HOST = 'lab';
const run = promisify(execFile);

let rt: Runtime;
let svc: ActionService;
let vm3Gen: string | null = null;

const sh = async (command: string) => (await rt.transport.exec({ host: HOST }, command)).stdout.trim();
const prop = (unit: string, p: string) => sh(shJoin(['systemctl', 'show', unit, '-p', p, '--value']));
const auditLines = (): AuditEntry[] =>
  existsSync(rt.audit.path) ? readFileSync(rt.audit.path, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as AuditEntry) : [];

/** The built CLI, as a user runs it (stdin not a terminal). */
async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, [BIN, ...args, '--config', INVENTORY], { timeout: 60_000 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof err.code === 'number' ? err.code : -1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
  }
}

describe.skipIf(!existsSync(INVENTORY))('actions on the lab hypervisor', () => {
  beforeAll(async () => {
    rt = await openRuntime({ config: INVENTORY, readOnly: false, demo: false, acceptNew: false });
    svc = new ActionService({ inventory: rt.inventory, transport: rt.transport, guard: rt.guard });
    // The seed's flake checkout on the hypervisor, where deploys and runner builds run.
    await sh(shJoin(['mkdir', '-p', rt.inventory.hosts[0]!.remoteFlake]));
    vm3Gen = (await svc.runnerLinks(HOST, 'vm3')).current;
  });

  afterAll(async () => {
    if (!rt) return;
    await sh('rm -f /run/lab-deploy-fail');
    const links = await svc.runnerLinks(HOST, 'vm3');
    if (vm3Gen && links.current !== vm3Gen) await sh(`ln -sfn ${vm3Gen} /var/lib/microvms/vm3/current`);
    for (const vm of ['vm2', 'vm3']) {
      if ((await prop(`microvm@${vm}`, 'ActiveState')) !== 'active' || (await svc.runnerLinks(HOST, vm)).outdated) {
        await svc.unitAction('restart', HOST, [vm]);
      }
    }
    await rt.close();
  });

  it('restart: systemd starts a new invocation of the unit and the outcome says active', async () => {
    const before = await prop('microvm@vm2', 'InvocationID');
    const [o] = await svc.unitAction('restart', HOST, ['vm2']);
    expect(o).toMatchObject({ ok: true, message: 'vm2: restarted (active/running)' });
    expect(await prop('microvm@vm2', 'InvocationID')).not.toBe(before);
    expect(await prop('microvm@vm2', 'ActiveState')).toBe('active');
    expect(auditLines().at(-1)).toMatchObject({ host: HOST, target: 'vm2', action: 'vm.restart', outcome: 'ok', command: 'systemctl restart microvm@vm2' });
  });

  it('stop keeps the VM down (Restart=always notwithstanding); start brings it back', async () => {
    const [stopped] = await svc.unitAction('stop', HOST, ['vm2']);
    expect(stopped).toMatchObject({ ok: true, message: 'vm2: stopped (inactive/dead)' });
    expect(await prop('microvm@vm2', 'ActiveState')).toBe('inactive');
    expect(await sh('readlink /var/lib/microvms/vm2/booted || echo none')).toBe('none'); // ExecStopPost removed it
    const [started] = await svc.unitAction('start', HOST, ['vm2']);
    expect(started).toMatchObject({ ok: true, message: 'vm2: started (active/running)' });
    expect(await prop('microvm@vm2', 'SubState')).toBe('running');
  });

  it('a deploy streams its lines as they come, with growing elapsed time, and ends with exit 0', async () => {
    const lines: Array<[string, LineInfo]> = [];
    const r = await svc.deploy(HOST, { onLine: (l, i) => lines.push([l, i]) });
    expect(r).toMatchObject({ code: 0, cancelled: false });
    expect(lines[0]![0]).toBe('building the system configuration...');
    expect(lines[0]![1].stream).toBe('stderr');
    expect(lines.at(-1)![0]).toMatch(/^Done\. The new configuration is \/nix\/store\//);
    expect(lines.at(-1)![1].elapsedMs).toBeGreaterThan(lines[0]![1].elapsedMs + 1000);
    expect(r.lastLines.at(-1)).toBe(lines.at(-1)![0]);
    expect(auditLines().at(-1)).toMatchObject({ action: 'host.deploy', outcome: 'ok', command: 'cd /root/simple-microvm-infra && /usr/local/sbin/lab-deploy' });
  });

  it('a deploy cancelled mid-way ends the remote process', async () => {
    const ac = new AbortController();
    const r = await svc.deploy(HOST, { signal: ac.signal, onLine: () => ac.abort() });
    expect(r.cancelled).toBe(true);
    expect(r.lastLines).toEqual(['building the system configuration...']);
    await new Promise((res) => setTimeout(res, 1500));
    // [l] keeps pgrep from matching the shell that runs it
    expect(await sh(`pgrep -af '[l]ab-deploy' || echo none`)).toBe('none');
    expect(auditLines().at(-1)).toMatchObject({ action: 'host.deploy', outcome: 'cancelled' });
  });

  it('a failing deploy reports exit 1 and keeps the error lines', async () => {
    await sh('touch /run/lab-deploy-fail');
    try {
      const r = await svc.deploy(HOST);
      expect(r.code).toBe(1);
      expect(r.lastLines.join('\n')).toContain('> lab: deploy failure requested');
      expect(auditLines().at(-1)).toMatchObject({ action: 'host.deploy', outcome: 'failed' });
    } finally {
      await sh('rm -f /run/lab-deploy-fail');
    }
  });

  it('an update makes current differ from booted (restart needed); a restart clears it', async () => {
    expect((await svc.runnerLinks(HOST, 'vm3')).outdated).toBe(false);
    const lines: string[] = [];
    const r = await svc.updateRunner(HOST, 'vm3', { onLine: (l) => lines.push(l) });
    expect(r.code).toBe(0);
    expect(lines.some((l) => l.startsWith('building '))).toBe(true);
    const after = await svc.runnerLinks(HOST, 'vm3');
    expect(after.outdated).toBe(true);
    expect(after.current).not.toBe(vm3Gen);
    const [o] = await svc.unitAction('restart', HOST, ['vm3']);
    expect(o!.ok).toBe(true);
    expect(await svc.runnerLinks(HOST, 'vm3')).toEqual({ current: after.current, booted: after.current, outdated: false });
  });

  it('a start with the runner missing is reported as skipped (ConditionPathExists), not as started', async () => {
    const wasActive = (await prop('microvm@vm5', 'ActiveState')) === 'active';
    await sh('mv /var/lib/microvms/vm5/current /var/lib/microvms/vm5/current.lab-aside');
    try {
      const [o] = await svc.unitAction('start', HOST, ['vm5']);
      expect(o!.ok).toBe(false);
      expect(o!.message).toBe('vm5: start failed: skipped: its condition failed (is the runner /var/lib/microvms/vm5/current missing?)');
    } finally {
      await sh('mv /var/lib/microvms/vm5/current.lab-aside /var/lib/microvms/vm5/current');
      if (wasActive) await svc.unitAction('start', HOST, ['vm5']);
    }
  });

  it('a host without Comin gets no GitOps status', async () => {
    expect(await svc.cominStatus(HOST)).toBeNull();
  });

  it('the CLI restarts with --yes (exit 0) and refuses under --read-only (exit 3) without touching the unit', async () => {
    const ok = await cli('restart', 'vm2', '--yes');
    expect(ok).toMatchObject({ code: 0, stdout: 'vm2: restarted (active/running)\n' });
    const before = await prop('microvm@vm2', 'InvocationID');
    const refused = await cli('restart', 'vm2', '--yes', '--read-only');
    expect(refused.code).toBe(3);
    expect(refused.stderr).toBe('mvm-tui: vm.restart refused: lab is read-only\n');
    const deploy = await cli('deploy', '--yes', '--read-only');
    expect(deploy.code).toBe(3);
    expect(await prop('microvm@vm2', 'InvocationID')).toBe(before);
    expect(auditLines().slice(-2).map((e) => [e.action, e.outcome])).toEqual([['vm.restart', 'refused'], ['host.deploy', 'refused']]);
  });

  it('the CLI needs --yes without a terminal (exit 2) and does nothing', async () => {
    const before = await prop('microvm@vm2', 'InvocationID');
    const r = await cli('stop', 'vm2');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('add --yes');
    expect(await prop('microvm@vm2', 'InvocationID')).toBe(before);
  });
});
