import type { UnitVerb } from '../host/systemctl.js';
import { ActionError, ActionService, type UnitOutcome } from '../services/actions.js';
import { describeRun, runSucceeded, type LocalRunDeps, type RunOptions, type RunResult } from '../services/deploy.js';
import { ReadOnlyError } from '../services/guard.js';
import type { Runtime } from '../services/runtime.js';
import { openCommandRuntime } from './open.js';
import { openOrExit, terminalPrompt } from './io.js';
import { EXIT, UsageError, type CommandContext, type GlobalOptions, type Subcommand } from './types.js';

// `mvm-tui restart|start|stop VM...`, `deploy`, `update VM`: the UI's actions without the UI, through the
// same ActionService (so the same read-only refusal and audit). A change is confirmed: --yes, or y at a
// terminal; with stdin not a terminal and no --yes it is a usage error.

export interface ActionCommandDeps {
  open: (global: GlobalOptions) => Promise<Pick<Runtime, 'inventory' | 'transport' | 'guard' | 'close'>>;
  interactive: () => boolean;
  ask: (question: string) => Promise<string>;
  /** Calls `handler` on Ctrl-C (or SIGTERM/SIGHUP) while a long command runs; returns the unsubscribe. */
  onInterrupt: (handler: () => void) => () => void;
  local?: LocalRunDeps;
}

/**
 * Ctrl-C, and SIGTERM/SIGHUP (a closed terminal, a kill): each cancels the run and waits for its end, so it is
 * audited as cancelled and a local nixos-rebuild (in its own process group) is not left running unseen.
 * Without this, a SIGTERM or SIGHUP ended the process at once, leaving no audit entry (seen on the lab).
 */
export function onInterruptSignals(handler: () => void): () => void {
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  for (const s of signals) process.on(s, handler);
  return () => {
    for (const s of signals) process.off(s, handler);
  };
}

const defaultDeps: ActionCommandDeps = {
  open: (g) => openCommandRuntime(g),
  ...terminalPrompt,
  onInterrupt: onInterruptSignals,
};

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

async function withActions(ctx: CommandContext, deps: ActionCommandDeps, body: (svc: ActionService) => Promise<number>): Promise<number> {
  const rt = await openOrExit(ctx, deps.open);
  if (typeof rt === 'number') return rt;
  try {
    return await body(new ActionService({ inventory: rt.inventory, transport: rt.transport, guard: rt.guard, local: deps.local }));
  } catch (e) {
    if (e instanceof ActionError) throw new UsageError(e.message);
    if (e instanceof UsageError) throw e;
    ctx.stderr.write(`mvm-tui: ${(e as Error).message}\n`);
    return e instanceof ReadOnlyError ? EXIT.readOnly : EXIT.attention;
  } finally {
    await rt.close();
  }
}

/** --yes, or a y from a person at the terminal. Read-only hosts skip the question: the service refuses. */
async function confirmed(ctx: CommandContext, deps: ActionCommandDeps, question: string): Promise<boolean> {
  if (ctx.values.yes) return true;
  if (!deps.interactive()) throw new UsageError('stdin is not a terminal: add --yes to confirm');
  return /^\s*y(es)?\s*$/i.test(await deps.ask(`${question} [y/N] `));
}

function notConfirmed(ctx: CommandContext): number {
  ctx.stderr.write('mvm-tui: not confirmed; nothing done\n');
  return EXIT.attention;
}

function printOutcome(ctx: CommandContext, o: UnitOutcome): void {
  (o.ok ? ctx.stdout : ctx.stderr).write(`${o.message}\n`);
  for (const l of o.journal) ctx.stderr.write(`  ${l}\n`);
}

/** Runs a streamed action, printing lines as they come and cancelling on Ctrl-C. */
async function streamed(ctx: CommandContext, deps: ActionCommandDeps, what: string, run: (opts: RunOptions) => Promise<RunResult>): Promise<RunResult> {
  const ac = new AbortController();
  const off = deps.onInterrupt(() => {
    ctx.stderr.write(`\nmvm-tui: cancelling the ${what}...\n`);
    ac.abort();
  });
  try {
    const r = await run({ signal: ac.signal, onLine: (line, info) => (info.stream === 'stdout' ? ctx.stdout : ctx.stderr).write(line + '\n') });
    ctx.stderr.write(`mvm-tui: ${what} ${describeRun(r)}\n`);
    return r;
  } finally {
    off();
  }
}

export function makeActionCommands(deps: ActionCommandDeps = defaultDeps): Subcommand[] {
  const unit = (verb: UnitVerb, summary: string): Subcommand => ({
    name: verb,
    synopsis: `${verb} VM... [--host H] [--yes]`,
    summary,
    options: { host: { type: 'string' }, yes: { type: 'boolean', short: 'y' } },
    run: (ctx) =>
      withActions(ctx, deps, async (svc) => {
        if (!ctx.args.length) throw new UsageError('name at least one VM');
        const targets = ctx.args.map((name) => svc.vm(name, str(ctx.values.host)));
        const byHost = new Map<string, string[]>();
        for (const { host, vm } of targets) byHost.set(host.name, [...(byHost.get(host.name) ?? []), vm.name]);
        const anyWritable = [...byHost.keys()].some((h) => !svc.isReadOnly(h));
        const list = [...byHost].map(([h, vms]) => `${vms.join(', ')} on ${h}`).join('; ');
        if (anyWritable && !(await confirmed(ctx, deps, `${verb[0]!.toUpperCase()}${verb.slice(1)} ${list}?`))) return notConfirmed(ctx);
        let ok = true;
        for (const [host, vms] of byHost) {
          const outcomes = await svc.unitAction(verb, host, vms, { onOutcome: (o) => printOutcome(ctx, o) });
          ok &&= outcomes.every((o) => o.ok);
        }
        return ok ? EXIT.ok : EXIT.attention;
      }),
  });

  const deploy: Subcommand = {
    name: 'deploy',
    synopsis: 'deploy [--host H] [--yes]',
    summary: "deploy the hypervisor's configuration (the inventory's deploy command), streamed; Ctrl-C cancels",
    options: { host: { type: 'string' }, yes: { type: 'boolean', short: 'y' } },
    run: (ctx) =>
      withActions(ctx, deps, async (svc) => {
        if (ctx.args.length) throw new UsageError(`unexpected argument "${ctx.args[0]}"`);
        const host = svc.host(str(ctx.values.host));
        const where = host.deploy.mode === 'local' ? 'from this machine' : 'on the hypervisor';
        if (!svc.isReadOnly(host.name) && !(await confirmed(ctx, deps, `Deploy ${host.name} (${where})?`))) return notConfirmed(ctx);
        const r = await streamed(ctx, deps, `deploy of ${host.name}`, (o) => svc.deploy(host.name, o));
        return runSucceeded(r) ? EXIT.ok : EXIT.attention;
      }),
  };

  const update: Subcommand = {
    name: 'update',
    synopsis: 'update VM [--host H] [--yes]',
    summary: "rebuild a VM's runner on the hypervisor (nix build ... -o current); a restart then applies it",
    options: { host: { type: 'string' }, yes: { type: 'boolean', short: 'y' } },
    run: (ctx) =>
      withActions(ctx, deps, async (svc) => {
        if (ctx.args.length !== 1) throw new UsageError('name one VM');
        const { host, vm } = svc.vm(ctx.args[0]!, str(ctx.values.host));
        if (!svc.isReadOnly(host.name) && !(await confirmed(ctx, deps, `Rebuild the runner of ${vm.name} on ${host.name}?`))) return notConfirmed(ctx);
        const r = await streamed(ctx, deps, `update of ${vm.name}`, (o) => svc.updateRunner(host.name, vm.name, o));
        if (!runSucceeded(r)) return EXIT.attention;
        const links = await svc.runnerLinks(host.name, vm.name).catch(() => undefined);
        if (links?.outdated) ctx.stdout.write(`${vm.name}: restart needed (current != booted): mvm-tui restart ${vm.name}\n`);
        return EXIT.ok;
      }),
  };

  return [
    unit('restart', 'restart VMs (systemctl restart microvm@VM) and wait until they settle'),
    unit('start', 'start VMs and wait until they settle'),
    unit('stop', 'stop VMs (the only way to keep one down: Restart=always)'),
    deploy,
    update,
  ];
}

export const actionCommands = makeActionCommands();
