import { snapshotFull, ZfsNameError } from '../host/zfs.js';
import { ReadOnlyError } from '../services/guard.js';
import { describeRollback } from '../model/rollback.js';
import type { SnapshotListing } from '../model/snapshots.js';
import { executeRollback, planRollback } from '../services/rollback.js';
import type { Runtime } from '../services/runtime.js';
import { openCommandRuntime } from './open.js';
import { SnapshotLookupError, SnapshotService } from '../services/snapshots.js';
import { rollbackConfirmLines } from '../views/snapshot/confirm.js';
import { formatAge, formatBytes, formatTime } from '../views/snapshot/format.js';
import { openOrExit, terminalPrompt } from './io.js';
import { EXIT, UsageError, type CommandContext, type GlobalOptions, type Subcommand } from './types.js';

// `mvm-tui snapshot list|create|rollback|destroy`: the browser's actions without the UI, with the same
// service (so the same validation, read-only refusal, audit and rollback preservation).

export interface SnapshotCommandDeps {
  open: (global: GlobalOptions) => Promise<Pick<Runtime, 'inventory' | 'transport' | 'guard' | 'close'>>;
  /** Whether a person can answer a question (stdin is a terminal). */
  interactive: () => boolean;
  /** Asks one line on stderr and reads the answer from stdin. */
  ask: (question: string) => Promise<string>;
  now?: () => Date;
}

const defaultDeps: SnapshotCommandDeps = {
  open: (g) => openCommandRuntime(g),
  ...terminalPrompt,
};

/** Opens the runtime, runs `body` and maps the errors a user can meet to exit codes. */
async function withService(ctx: CommandContext, deps: SnapshotCommandDeps, body: (svc: SnapshotService) => Promise<number>): Promise<number> {
  const rt = await openOrExit(ctx, deps.open);
  if (typeof rt === 'number') return rt;
  try {
    return await body(new SnapshotService({ inventory: rt.inventory, transport: rt.transport, guard: rt.guard, now: deps.now }));
  } catch (e) {
    const msg = (e as Error).message;
    if (e instanceof UsageError) throw e;
    if (e instanceof ReadOnlyError) {
      ctx.stderr.write(`mvm-tui: ${msg}\n`);
      return EXIT.readOnly;
    }
    if (e instanceof ZfsNameError || e instanceof SnapshotLookupError) throw new UsageError(msg);
    ctx.stderr.write(`mvm-tui: ${msg}\n`);
    return EXIT.attention;
  } finally {
    await rt.close();
  }
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

export function listText(l: SnapshotListing, now: number): string {
  const out: string[] = [];
  for (const d of l.datasets) {
    const total = `${d.snapshots.length} snapshot${d.snapshots.length === 1 ? '' : 's'}, ${formatBytes(d.snapshotsUsed)} used by them`;
    out.push(`${l.host}:${d.name}  (${total}${d.referenced !== undefined ? `, dataset refers ${formatBytes(d.referenced)}` : ''})`);
    for (const s of d.snapshots) {
      out.push(`  @${s.name.padEnd(24)} ${formatTime(s.createdAt)}  ${formatAge(s.createdAt, now).padStart(4)} ago  used ${formatBytes(s.used).padStart(6)}  refer ${formatBytes(s.referenced).padStart(6)}`);
    }
  }
  return out.join('\n') + '\n';
}

export function listJson(listings: SnapshotListing[]) {
  return listings.flatMap((l) =>
    l.datasets.flatMap((d) =>
      d.snapshots.map((s) => ({ name: s.name, dataset: s.dataset, createdAt: new Date(s.createdAt).toISOString(), used: s.used, referenced: s.referenced })),
    ),
  );
}

export function makeSnapshotCommands(deps: SnapshotCommandDeps = defaultDeps): Subcommand[] {
  const list: Subcommand = {
    name: 'snapshot list',
    synopsis: 'snapshot list [VM] [--host H] [--json]',
    summary: "list ZFS snapshots (a VM's dataset, or every dataset of each host), newest first",
    options: { host: { type: 'string' }, json: { type: 'boolean' } },
    run: (ctx) =>
      withService(ctx, deps, async (svc) => {
        if (ctx.args.length > 1) throw new UsageError(`at most one VM, not ${ctx.args.length}`);
        const host = str(ctx.values.host);
        const vmName = ctx.args[0];
        let targets: Array<{ host: string; dataset?: string }>;
        if (vmName) {
          const found = svc.vm(vmName, host);
          targets = [{ host: found.host.name, dataset: found.vm.dataset }];
        } else {
          targets = (host ? [svc.host(host)] : svc.deps.inventory.hosts).map((h) => ({ host: h.name }));
        }
        const listings: SnapshotListing[] = [];
        let failed = false;
        for (const t of targets) {
          try {
            listings.push(await svc.list(t.host, t.dataset));
          } catch (e) {
            if (targets.length === 1) throw e;
            ctx.stderr.write(`mvm-tui: ${(e as Error).message}\n`);
            failed = true;
          }
        }
        const now = svc.now().getTime();
        ctx.stdout.write(ctx.values.json ? JSON.stringify(listJson(listings), null, 2) + '\n' : listings.map((l) => listText(l, now)).join(''));
        return failed ? EXIT.attention : EXIT.ok;
      }),
  };

  const create: Subcommand = {
    name: 'snapshot create',
    synopsis: 'snapshot create VM [--name NAME]',
    summary: "snapshot a VM's dataset (default name YYYYMMDD-HHMM, UTC)",
    options: { host: { type: 'string' }, name: { type: 'string' } },
    run: (ctx) =>
      withService(ctx, deps, async (svc) => {
        if (ctx.args.length !== 1) throw new UsageError('name one VM');
        const { host, vm } = svc.vm(ctx.args[0]!, str(ctx.values.host));
        const full = await svc.create(host.name, vm.name, str(ctx.values.name));
        ctx.stdout.write(`${full}\n`);
        return EXIT.ok;
      }),
  };

  /** --yes, or a person at a terminal who answers; otherwise a usage error naming --yes. */
  const confirmed = async (ctx: CommandContext, question: string, expected: RegExp | string): Promise<boolean> => {
    if (ctx.values.yes) return true;
    if (!deps.interactive()) throw new UsageError('stdin is not a terminal: add --yes to confirm');
    const answer = (await deps.ask(question)).trim();
    return typeof expected === 'string' ? answer === expected : expected.test(answer);
  };

  const rollback: Subcommand = {
    name: 'snapshot rollback',
    synopsis: 'snapshot rollback VM SNAPSHOT [--yes] [--keep-running]',
    summary: 'roll a VM back to a snapshot; the current state and newer snapshots are kept aside',
    options: { host: { type: 'string' }, yes: { type: 'boolean', short: 'y' }, 'keep-running': { type: 'boolean' } },
    run: (ctx) =>
      withService(ctx, deps, async (svc) => {
        if (ctx.args.length !== 2) throw new UsageError('name a VM and a snapshot (the part after @)');
        const [vmName, snap] = ctx.args as [string, string];
        const { host } = svc.vm(vmName, str(ctx.values.host));
        const keepRunning = Boolean(ctx.values['keep-running']);
        const plan = await planRollback(svc, host.name, vmName, snap);
        ctx.stderr.write(rollbackConfirmLines(plan, keepRunning).join('\n') + '\n');
        if (!(await confirmed(ctx, `Type the VM name (${plan.vm}) to roll back: `, plan.vm))) {
          ctx.stderr.write('cancelled; nothing changed\n');
          return EXIT.attention;
        }
        const r = await executeRollback(svc, plan, { keepRunning });
        ctx.stdout.write(describeRollback(r) + '\n');
        return r.warnings.length ? EXIT.attention : EXIT.ok;
      }),
  };

  const destroy: Subcommand = {
    name: 'snapshot destroy',
    synopsis: 'snapshot destroy VM SNAPSHOT... [--yes]',
    summary: 'destroy one or more snapshots of a VM (never a dataset)',
    options: { host: { type: 'string' }, yes: { type: 'boolean', short: 'y' } },
    run: (ctx) =>
      withService(ctx, deps, async (svc) => {
        if (ctx.args.length < 2) throw new UsageError('name a VM and at least one snapshot (the part after @)');
        const [vmName, ...snaps] = ctx.args as [string, ...string[]];
        const { host, vm } = svc.vm(vmName, str(ctx.values.host));
        for (const s of snaps) snapshotFull(vm.dataset, s); // a hostile name is refused as such, before any listing
        // Only names that exist: a typo must not become a half-done destroy.
        const listing = await svc.list(host.name, vm.dataset);
        const have = new Set(listing.datasets.find((d) => d.name === vm.dataset)?.snapshots.map((s) => s.name));
        const missing = snaps.filter((s) => !have.has(s));
        if (missing.length) throw new UsageError(`no such snapshot of ${vm.dataset}: ${missing.map((s) => '@' + s).join(', ')}`);
        ctx.stderr.write(`Destroy ${snaps.map((s) => `${vm.dataset}@${s}`).join(', ')} on ${host.name}?\n`);
        if (!(await confirmed(ctx, 'Destroy? [y/N] ', /^y(es)?$/i))) {
          ctx.stderr.write('cancelled; nothing destroyed\n');
          return EXIT.attention;
        }
        const results = await svc.destroy(host.name, vm.name, snaps);
        for (const r of results) (r.ok ? ctx.stdout : ctx.stderr).write(r.ok ? `destroyed ${r.full}\n` : `mvm-tui: ${r.error}\n`);
        return results.every((r) => r.ok) ? EXIT.ok : EXIT.attention;
      }),
  };

  return [list, create, rollback, destroy];
}

export const snapshotCommands: Subcommand[] = makeSnapshotCommands();
