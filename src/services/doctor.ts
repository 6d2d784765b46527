import type { HostConfig, VmConfig } from '../config/types.js';
import { hostDoctorSections, vmDoctorSections } from '../host/doctor.js';
import { renderGatherScript, splitSections, type GatherSection, type SectionOutput } from '../host/gather.js';
import { runnerUpdateCmd } from '../host/nix.js';
import { shJoin } from '../host/quote.js';
import { unitActionCmd } from '../host/systemctl.js';
import type { Transport } from '../ssh/types.js';
import type { ActionService, UnitOutcome } from './actions.js';
import type { Check, DoctorReport, Fix, FixAction, FixCommands } from '../model/doctor.js';
import { hostChecks, vmChecks } from '../checks/doctor-checks.js';
import type { ActionGuard } from './guard.js';
import { setupChecks, setupSections } from '../checks/setup-checks.js';
import { fetchHostStatus } from './status.js';

// The doctor runs one round of remote commands concurrently (a status refresh, the extra evidence, and one
// SSH probe of the VM), each bounded by a timeout, so it never hangs on an unreachable VM.

export const DOCTOR_TIMEOUT_MS = 8_000;

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

const NO_VM = '(this fix needs a VM)';

/**
 * The exact command lines of each fix, built by the functions its action runs them with (runnerUpdateCmd is
 * what ActionService.updateRunner runs, unitActionCmd what unitAction runs): the confirmation shows these and the
 * audit log records the same strings.
 */
export function fixCommands(host: HostConfig, vm?: VmConfig): FixCommands {
  return {
    'vm.start': vm ? [unitActionCmd('start', vm.unit)] : [NO_VM],
    'vm.restart': vm ? [unitActionCmd('restart', vm.unit)] : [NO_VM],
    'vm.update': vm ? [runnerUpdateCmd(host, vm), unitActionCmd('restart', vm.unit)] : [NO_VM],
    'pool.import': [shJoin(['zpool', 'import', host.pool])],
    'storage.restart': [shJoin(['systemctl', 'restart', host.storageUnit])],
    'dataset.mount': vm ? [shJoin(['zfs', 'mount', vm.dataset])] : [NO_VM],
  };
}

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
    : vmChecks({ host: status, vm: vmStatus, sections, ssh, microvmsDir: host.microvmsDir, pool: host.pool, tap: vm.tap, bridge: vm.bridge, storageUnit: host.storageUnit, commands: fixCommands(host, vm) });
  return { host: host.name, vm: vmName, checks, ok: summary(checks), durationMs: now() - started };
}

export async function diagnoseHost(transport: Transport, host: HostConfig, opts: { timeoutMs?: number; now?: () => number } = {}): Promise<DoctorReport> {
  const now = opts.now ?? Date.now;
  const started = now();
  const timeoutMs = opts.timeoutMs ?? DOCTOR_TIMEOUT_MS;
  const [status, sections] = await Promise.all([fetchHostStatus(transport, host, { timeoutMs }), extra(transport, host.name, [...hostDoctorSections(host), ...setupSections(host)], timeoutMs)]);
  // what the inventory points at (remoteFlake, the update/deploy programs): only worth saying when the host answered
  const setup = status.reachable ? setupChecks(host, sections).filter((c) => c.id !== 'setup.pool' && c.id !== 'setup.storageUnit') : [];
  const checks = [...hostChecks({ host: status, sections, pool: host.pool, storageUnit: host.storageUnit, commands: fixCommands(host) }), ...setup];
  return { host: host.name, checks, ok: summary(checks), durationMs: now() - started };
}

export interface FixDeps {
  transport: Transport;
  guard: ActionGuard;
  actions: ActionService;
}

export interface FixOutcome {
  ok: boolean;
  /** One line: what happened, ending in the cause's last line on failure. */
  message: string;
  /** On failure: the command's output (stderr and stdout, last lines) or the unit's journal for this attempt. */
  output: string[];
}

const lastLine = (lines: string[]) => lines.filter((l) => l.trim()).at(-1)?.trim();

/** Carries out a check's fix through the guarded, audited action layer, running exactly fixCommands()' lines. */
export async function applyFix(deps: FixDeps, host: HostConfig, vmName: string | undefined, fix: Fix): Promise<FixOutcome> {
  if (!fix.action) return { ok: false, message: `no automatic fix: ${fix.label}`, output: [] };
  const vm = vmName ? host.vms.find((v) => v.name === vmName) : undefined;
  const needVm = (): VmConfig => {
    if (!vm) throw new Error('this fix needs a VM');
    return vm;
  };
  const action: FixAction = fix.action;
  switch (action) {
    case 'vm.start':
    case 'vm.restart': {
      const v = needVm();
      const [o] = await deps.actions.unitAction(action === 'vm.start' ? 'start' : 'restart', host.name, [v.name]);
      return unitFixOutcome(o, '');
    }
    case 'vm.update': {
      const v = needVm();
      const r = await deps.actions.updateRunner(host.name, v.name);
      if (r.code !== 0) {
        const why = lastLine(r.lastLines);
        return { ok: false, message: `runner rebuild failed (${r.code === null ? 'no exit code' : `exit ${r.code}`})${why ? `: ${why}` : ''}`, output: r.lastLines };
      }
      const [o] = await deps.actions.unitAction('restart', host.name, [v.name]);
      return unitFixOutcome(o, 'runner rebuilt; ');
    }
    case 'pool.import':
    case 'storage.restart':
    case 'dataset.mount': {
      const target = action === 'pool.import' ? host.pool : action === 'storage.restart' ? host.storageUnit : needVm().dataset;
      return hostCommand(deps, host, action, target, fixCommands(host, vm)[action][0]!);
    }
  }
}

function unitFixOutcome(o: UnitOutcome | undefined, prefix: string): FixOutcome {
  if (!o) return { ok: false, message: `${prefix}no outcome`, output: [] };
  return { ok: o.ok, message: `${prefix}${o.message}${!o.ok && o.journal.length ? ` — ${o.journal.at(-1)}` : ''}`, output: o.ok ? [] : [...o.stderr, ...o.journal] };
}

async function hostCommand(deps: FixDeps, host: HostConfig, action: FixAction, target: string, command: string): Promise<FixOutcome> {
  const r = await deps.guard.run({
    host: host.name,
    target,
    action: `doctor.${action}`,
    command,
    run: () => deps.transport.exec({ host: host.name }, command, { timeoutMs: 120_000 }),
    ok: (res) => res.code === 0,
    detail: (res) => (res.code === 0 ? undefined : (res.stderr || res.stdout).trim().split('\n').slice(-3).join(' | ')),
  });
  const output = (r.stderr || r.stdout).trim().split('\n').filter((l) => l.trim());
  const why = lastLine(output);
  return { ok: r.code === 0, message: r.code === 0 ? `${command}: done` : `${command} failed: ${why ?? `exit ${r.code}`}`, output: r.code === 0 ? [] : output };
}
