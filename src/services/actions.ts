import type { HostConfig, Inventory, VmConfig } from '../config/types.js';
import { expandTemplate, localDeployCommand, remoteDeployCmd, runnerLinksCmd, runnerUpdateCmd, TemplateError, usesVm } from '../host/nix.js';
import { shJoin } from '../host/quote.js';
import { unitActionCmd, unitErrorsCmd, unitSettleCmd, type UnitVerb } from '../host/systemctl.js';
import { parseCominStatus, type CominStatus } from '../parsers/comin.js';
import { parseSystemctlShow } from '../parsers/systemctl.js';
import type { Transport } from '../ssh/types.js';
import { describeRun, runLocal, runOutcome, runRemote, runSucceeded, type LocalRunDeps, type RunOptions, type RunResult } from './deploy.js';
import { ReadOnlyError, type ActionGuard } from './guard.js';
import { expandHome } from './runtime.js';

// The actions behind the keys and the subcommands: VM unit restart/start/stop (waiting for the unit to
// settle), hypervisor deploy, runner update, custom commands and Comin. Every mutating one goes through
// the ActionGuard, so read-only refusal and the audit entry cannot be skipped by any caller.

export class ActionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ActionError';
  }
}

export interface UnitState {
  active: string;
  sub: string;
  result: string;
  /** 'no' when a Condition (the runner's ConditionPathExists) failed: the unit was skipped. */
  condition: string;
  restarts: number;
}

export interface UnitOutcome {
  host: string;
  vm: string;
  unit: string;
  verb: UnitVerb;
  ok: boolean;
  /** One line for a status bar: "vm1: restarted (active/running)". */
  message: string;
  state?: UnitState;
  /** The journal's last error lines of this attempt (logged since it started), on failure. */
  journal: string[];
  /** What `systemctl VERB` wrote on stderr, on failure. */
  stderr: string[];
  durationMs: number;
}

export interface UnitActionOptions {
  /** How long to wait for the unit to leave activating/deactivating (default 30 s). */
  settleTimeoutMs?: number;
  pollMs?: number;
  /** Called when a VM's action finished (the UI stops that card's spinner). */
  onOutcome?(o: UnitOutcome): void;
}

export interface ActionDeps {
  inventory: Inventory;
  transport: Transport;
  guard: ActionGuard;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  local?: LocalRunDeps;
  env?: NodeJS.ProcessEnv;
}

export interface RunnerLinks {
  current: string | null;
  booted: string | null;
  /** Updated but not restarted: microvm.nix's "outdated". */
  outdated: boolean;
}

const TRANSIENT = new Set(['activating', 'deactivating', 'reloading', 'refreshing']);
const PAST: Record<UnitVerb, string> = { restart: 'restarted', start: 'started', stop: 'stopped' };

export function parseUnitState(text: string): UnitState | undefined {
  const rec = parseSystemctlShow(text)[0];
  if (!rec?.ActiveState) return undefined;
  return { active: rec.ActiveState, sub: rec.SubState ?? '', result: rec.Result ?? '', condition: rec.ConditionResult ?? '', restarts: Number(rec.NRestarts) || 0 };
}

export class ActionService {
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly deps: ActionDeps) {
    this.now = deps.now ?? Date.now;
    this.sleep = deps.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  host(name?: string): HostConfig {
    const hosts = this.deps.inventory.hosts;
    if (name === undefined) {
      if (hosts.length === 1) return hosts[0]!;
      throw new ActionError(`several hosts (${hosts.map((h) => h.name).join(', ')}): name one with --host`);
    }
    const h = hosts.find((x) => x.name === name);
    if (!h) throw new ActionError(`no host "${name}" in the inventory (${hosts.map((x) => x.name).join(', ')})`);
    return h;
  }

  /** Finds a VM by name; without a host name it must be unique across the fleet. */
  vm(vmName: string, hostName?: string): { host: HostConfig; vm: VmConfig } {
    const hosts = hostName === undefined ? this.deps.inventory.hosts : [this.host(hostName)];
    const found = hosts.flatMap((host) => host.vms.filter((v) => v.name === vmName).map((vm) => ({ host, vm })));
    if (found.length === 1) return found[0]!;
    if (found.length > 1) throw new ActionError(`${vmName} is on several hosts (${found.map((f) => f.host.name).join(', ')}): name one with --host`);
    throw new ActionError(`no VM "${vmName}"${hostName ? ` on ${hostName}` : ''} in the inventory`);
  }

  isReadOnly(host: string): boolean {
    return this.deps.guard.isReadOnly(host);
  }

  /**
   * `systemctl VERB UNIT` for each VM (concurrently, each audited on its own), then waits for each unit to
   * settle. Throws ReadOnlyError (after auditing every refusal) when the host is read-only.
   */
  async unitAction(verb: UnitVerb, hostName: string, vmNames: string[], opts: UnitActionOptions = {}): Promise<UnitOutcome[]> {
    const host = this.host(hostName);
    const vms = vmNames.map((n) => this.vm(n, host.name).vm);
    const settled = await Promise.allSettled(vms.map((vm) => this.oneUnit(verb, host, vm, opts)));
    const refused = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected' && s.reason instanceof ReadOnlyError);
    if (refused) throw refused.reason;
    return settled.map((s, i) => {
      if (s.status === 'fulfilled') return s.value;
      const vm = vms[i]!;
      const o: UnitOutcome = { host: host.name, vm: vm.name, unit: vm.unit, verb, ok: false, message: `${vm.name}: ${verb} failed: ${(s.reason as Error).message}`, journal: [], stderr: [], durationMs: 0 };
      opts.onOutcome?.(o);
      return o;
    });
  }

  private async oneUnit(verb: UnitVerb, host: HostConfig, vm: VmConfig, opts: UnitActionOptions): Promise<UnitOutcome> {
    const command = unitActionCmd(verb, vm.unit);
    const started = this.now();
    const outcome = await this.deps.guard.run({
      host: host.name,
      target: vm.name,
      action: `vm.${verb}`,
      command,
      run: async () => {
        const r = await this.deps.transport.exec({ host: host.name }, command, { timeoutMs: 120_000 });
        const state = await this.settle(host, vm, opts);
        const ok = r.code === 0 && state !== undefined && stateOk(verb, state);
        const journal = ok ? [] : await this.journalErrors(host, vm, this.now() - started);
        const why = r.code !== 0 ? `systemctl ${verb} exited ${r.code ?? r.signal ?? 'abnormally'}${firstLine(r.stderr) ? `: ${firstLine(r.stderr)}` : ''}` : '';
        const message = ok ? `${vm.name}: ${PAST[verb]} (${fmtState(state)})` : `${vm.name}: ${verb} failed: ${why || describeState(host, vm, state)}`;
        const stderr = ok ? [] : r.stderr.split('\n').map((l) => l.trimEnd()).filter(Boolean);
        return { host: host.name, vm: vm.name, unit: vm.unit, verb, ok, message, state, journal, stderr, durationMs: this.now() - started } satisfies UnitOutcome;
      },
      ok: (o) => o.ok,
      detail: (o) => (o.ok ? fmtState(o.state) : [o.message, ...o.journal].join(' | ')),
    });
    opts.onOutcome?.(outcome);
    return outcome;
  }

  /** Polls until the unit leaves its transient states, or the bound passes (then the last state is returned). */
  private async settle(host: HostConfig, vm: VmConfig, opts: UnitActionOptions): Promise<UnitState | undefined> {
    const deadline = this.now() + (opts.settleTimeoutMs ?? 30_000);
    let state: UnitState | undefined;
    for (;;) {
      const r = await this.deps.transport.exec({ host: host.name }, unitSettleCmd(vm.unit), { timeoutMs: 15_000 });
      state = r.code === 0 ? parseUnitState(r.stdout) : undefined;
      // auto-restart counts as transient: Restart=always is about to start it again
      const moving = state && (TRANSIENT.has(state.active) || state.sub === 'auto-restart');
      if (state && !moving) return state;
      if (this.now() >= deadline) return state;
      await this.sleep(opts.pollMs ?? 500);
    }
  }

  /** The unit's error lines logged within the attempt (its last `elapsedMs`, and a second for the clocks' rounding). */
  private async journalErrors(host: HostConfig, vm: VmConfig, elapsedMs: number): Promise<string[]> {
    try {
      const r = await this.deps.transport.exec({ host: host.name }, unitErrorsCmd(vm.unit, 5, Math.ceil(elapsedMs / 1000) + 1), { timeoutMs: 15_000 });
      return r.stdout.split('\n').map((l) => l.trimEnd()).filter(Boolean).slice(-5);
    } catch {
      return []; // the journal is a courtesy; the failure itself is already known
    }
  }

  /** Deploys the hypervisor: locally (nixos-rebuild --target-host) or on the host (deploy.mode remote). */
  async deploy(hostName: string | undefined, opts: RunOptions = {}): Promise<RunResult> {
    const host = this.host(hostName);
    const env = this.deps.env ?? process.env;
    const local = host.deploy.mode === 'local' ? localDeployCommand(host, (p) => expandHome(p, env)) : undefined;
    const command = local ? local.display : remoteDeployCmd(host);
    return this.deps.guard.run({
      host: host.name,
      target: host.name,
      action: 'host.deploy',
      command,
      run: () => (local ? runLocal(local, opts, { now: this.now, ...this.deps.local }) : runRemote(this.deps.transport, { host: host.name }, command, opts, this.now)),
      outcome: runOutcome,
      detail: describeRun,
    });
  }

  /** Rebuilds a VM's runner on the hypervisor (`current` then differs from `booted` until a restart). */
  async updateRunner(hostName: string | undefined, vmName: string, opts: RunOptions = {}): Promise<RunResult> {
    const { host, vm } = this.vm(vmName, hostName);
    const command = runnerUpdateCmd(host, vm);
    return this.deps.guard.run({
      host: host.name,
      target: vm.name,
      action: 'vm.update',
      command,
      run: () => runRemote(this.deps.transport, { host: host.name }, command, opts, this.now),
      outcome: runOutcome,
      detail: describeRun,
    });
  }

  /** Where `current` and `booted` point (read-only; no audit). */
  async runnerLinks(hostName: string | undefined, vmName: string): Promise<RunnerLinks> {
    const { host, vm } = this.vm(vmName, hostName);
    const r = await this.deps.transport.exec({ host: host.name }, runnerLinksCmd(host, vm), { timeoutMs: 15_000 });
    const [current, booted] = r.stdout.split('\n').map((l) => l.trim() || null);
    return { current: current ?? null, booted: booted ?? null, outdated: Boolean(current && booted && current !== booted) };
  }

  /** A custom command from the inventory; dangerous ones are guarded (refused read-only, audited). */
  async custom(hostName: string | undefined, name: string, vmName?: string, opts: RunOptions = {}): Promise<RunResult> {
    const host = this.host(hostName);
    const def = host.commands.find((c) => c.name === name);
    if (!def) throw new ActionError(`no command "${name}" on ${host.name}`);
    const vm = vmName === undefined ? undefined : this.vm(vmName, host.name).vm;
    if (!vm && (def.onVm || usesVm(def.command))) throw new ActionError(`${name} acts on a VM: select one`);
    let command: string;
    try {
      command = expandTemplate(def.command, { vm });
    } catch (e) {
      if (e instanceof TemplateError) throw new ActionError(e.message);
      throw e;
    }
    const target = { host: host.name, vm: def.onVm ? vm!.name : undefined };
    const run = () => runRemote(this.deps.transport, target, command, opts, this.now);
    if (!def.dangerous) return run();
    return this.deps.guard.run({ host: host.name, target: vm?.name ?? host.name, action: `custom.${name}`, command, run, outcome: runOutcome, detail: describeRun });
  }

  /** Comin's state, or null where the host has no comin (or it does not answer). Read-only. */
  async cominStatus(hostName?: string): Promise<(CominStatus & { error?: undefined }) | { error: string } | null> {
    const host = this.host(hostName);
    const r = await this.deps.transport.exec({ host: host.name }, 'command -v comin >/dev/null 2>&1 || exit 127; comin status --json', { timeoutMs: 15_000 });
    if (r.code === 127) return null;
    if (r.code !== 0) return { error: firstLine(r.stderr) || `comin status exited ${r.code ?? r.signal}` };
    return parseCominStatus(r.stdout) ?? { error: 'comin status --json: unreadable output' };
  }

  /** Asks Comin to fetch now (guarded: it can lead to a deploy). */
  async cominFetch(hostName?: string): Promise<RunResult> {
    const host = this.host(hostName);
    const command = shJoin(['comin', 'fetch']);
    return this.deps.guard.run({
      host: host.name,
      target: host.name,
      action: 'comin.fetch',
      command,
      run: () => runRemote(this.deps.transport, { host: host.name }, command, {}, this.now),
      ok: runSucceeded,
      detail: describeRun,
    });
  }
}

function stateOk(verb: UnitVerb, s: UnitState): boolean {
  if (verb === 'stop') return s.active === 'inactive';
  return s.active === 'active' && s.condition !== 'no';
}

function fmtState(s: UnitState | undefined): string {
  return s ? `${s.active}/${s.sub}` : 'state unknown';
}

function describeState(host: HostConfig, vm: VmConfig, s: UnitState | undefined): string {
  if (!s) return 'could not read the unit state';
  if (s.condition === 'no') return `skipped: its condition failed (is the runner ${host.microvmsDir}/${vm.name}/current missing?)`;
  if (TRANSIENT.has(s.active) || s.sub === 'auto-restart') return `still ${s.active} (${s.sub}) after waiting; ${s.restarts} restarts`;
  return `${fmtState(s)}${s.result && s.result !== 'success' ? ` (result ${s.result})` : ''}`;
}

function firstLine(s: string): string {
  return (s.split('\n').find((l) => l.trim()) ?? '').trim();
}
