import type { HostConfig } from '../config/types.js';
import { hostDoctorSections, vmDoctorSections } from '../host/doctor.js';
import { renderGatherScript, splitSections, type GatherSection, type SectionOutput } from '../host/gather.js';
import { shJoin } from '../host/quote.js';
import type { Transport } from '../ssh/types.js';
import type { ActionService } from './actions.js';
import { hostChecks, vmChecks, type Check, type Fix } from './doctor-checks.js';
import type { ActionGuard } from './guard.js';
import { fetchHostStatus } from './status.js';

// The doctor runs one round of remote commands concurrently (a status refresh, the extra evidence, and one
// SSH probe of the VM), each bounded by a timeout, so it never hangs on an unreachable VM.

export const DOCTOR_TIMEOUT_MS = 8_000;

export interface DoctorReport {
  host: string;
  vm?: string;
  checks: Check[];
  ok: boolean;
  durationMs: number;
}

async function extra(transport: Transport, host: string, sections: GatherSection[], timeoutMs: number): Promise<Map<string, SectionOutput>> {
  try {
    const r = await transport.exec({ host }, renderGatherScript(sections), { timeoutMs });
    return splitSections(r.stdout);
  } catch {
    return new Map(); // the checks then say "not checked" rather than guess
  }
}

async function probe(transport: Transport, host: string, vm: string, timeoutMs: number): Promise<boolean | 'timeout'> {
  try {
    const r = await transport.exec({ host, vm }, 'true', { timeoutMs });
    return r.timedOut ? 'timeout' : r.code === 0;
  } catch {
    return false;
  }
}

const summary = (checks: Check[]) => checks.every((c) => c.ok !== false);

export async function diagnoseVm(transport: Transport, host: HostConfig, vmName: string, opts: { timeoutMs?: number; now?: () => number } = {}): Promise<DoctorReport> {
  const now = opts.now ?? Date.now;
  const started = now();
  const timeoutMs = opts.timeoutMs ?? DOCTOR_TIMEOUT_MS;
  const vm = host.vms.find((v) => v.name === vmName);
  if (!vm) throw new Error(`no VM "${vmName}" on ${host.name}`);
  const [status, sections, ssh] = await Promise.all([
    fetchHostStatus(transport, host, { timeoutMs }),
    extra(transport, host.name, vmDoctorSections(host, vm), timeoutMs),
    probe(transport, host.name, vm.name, Math.min(timeoutMs, 5_000)),
  ]);
  const vmStatus = status.vms.find((v) => v.name === vmName);
  const checks: Check[] = !status.reachable || !vmStatus
    ? [{ id: 'host.reachable', title: 'Hypervisor answers over SSH', ok: false, evidence: status.error ?? 'unreachable' }]
    : vmChecks({ host: status, vm: vmStatus, sections, ssh, microvmsDir: host.microvmsDir, pool: host.pool, tap: vm.tap, storageUnit: host.storageUnit });
  return { host: host.name, vm: vmName, checks, ok: summary(checks), durationMs: now() - started };
}

export async function diagnoseHost(transport: Transport, host: HostConfig, opts: { timeoutMs?: number; now?: () => number } = {}): Promise<DoctorReport> {
  const now = opts.now ?? Date.now;
  const started = now();
  const timeoutMs = opts.timeoutMs ?? DOCTOR_TIMEOUT_MS;
  const [status, sections] = await Promise.all([fetchHostStatus(transport, host, { timeoutMs }), extra(transport, host.name, hostDoctorSections(host), timeoutMs)]);
  const checks = hostChecks({ host: status, sections, pool: host.pool, storageUnit: host.storageUnit });
  return { host: host.name, checks, ok: summary(checks), durationMs: now() - started };
}

export interface FixDeps {
  transport: Transport;
  guard: ActionGuard;
  actions: ActionService;
}

/** Carries out a check's fix through the guarded, audited action layer. Returns a one-line outcome. */
export async function applyFix(deps: FixDeps, host: HostConfig, vmName: string | undefined, fix: Fix): Promise<{ ok: boolean; message: string }> {
  if (!fix.action) return { ok: false, message: `no automatic fix: ${fix.label}` };
  const vm = vmName ? host.vms.find((v) => v.name === vmName) : undefined;
  switch (fix.action) {
    case 'vm.start':
    case 'vm.restart': {
      if (!vm) throw new Error('this fix needs a VM');
      const [o] = await deps.actions.unitAction(fix.action === 'vm.start' ? 'start' : 'restart', host.name, [vm.name]);
      return { ok: Boolean(o?.ok), message: o?.message ?? 'no outcome' };
    }
    case 'vm.update': {
      if (!vm) throw new Error('this fix needs a VM');
      const r = await deps.actions.updateRunner(host.name, vm.name);
      const ok = r.code === 0;
      if (ok) {
        const [o] = await deps.actions.unitAction('restart', host.name, [vm.name]);
        return { ok: Boolean(o?.ok), message: `runner rebuilt; ${o?.message ?? ''}` };
      }
      return { ok, message: `runner rebuild failed (exit ${r.code ?? 'none'})` };
    }
    case 'pool.import':
      return hostCommand(deps, host, 'pool.import', host.pool, ['zpool', 'import', host.pool]);
    case 'storage.restart':
      return hostCommand(deps, host, 'storage.restart', host.storageUnit, ['systemctl', 'restart', host.storageUnit]);
    case 'dataset.mount': {
      if (!vm) throw new Error('this fix needs a VM');
      return hostCommand(deps, host, 'dataset.mount', vm.dataset, ['zfs', 'mount', vm.dataset]);
    }
  }
}

async function hostCommand(deps: FixDeps, host: HostConfig, action: string, target: string, argv: string[]): Promise<{ ok: boolean; message: string }> {
  const command = shJoin(argv);
  const r = await deps.guard.run({
    host: host.name,
    target,
    action: `doctor.${action}`,
    command,
    run: () => deps.transport.exec({ host: host.name }, command, { timeoutMs: 120_000 }),
    ok: (res) => res.code === 0,
    detail: (res) => (res.code === 0 ? undefined : (res.stderr || res.stdout).trim().split('\n').slice(-3).join(' | ')),
  });
  const why = (r.stderr || r.stdout).trim().split('\n').pop();
  return { ok: r.code === 0, message: r.code === 0 ? `${command}: done` : `${command} failed: ${why ?? `exit ${r.code}`}` };
}
