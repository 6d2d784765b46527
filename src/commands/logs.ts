import type { Inventory } from '../config/types.js';
import { JournalQueryError, validateLines, validateUnit, normalizeSince } from '../host/journal.js';
import type { Runtime } from '../services/runtime.js';
import { openCommandRuntime } from './open.js';
import { compileFilter } from '../model/logs/filter.js';
import { formatJson, formatPlain, type LogEntry } from '../model/logs/format.js';
import type { TailState } from '../model/logs/tail-state.js';
import { tailLogs } from '../services/logs/tail.js';
import { hostUnits, unitKnown } from '../services/units.js';
import { formatDuration } from '../views/format.js';
import { openOrExit } from './io.js';
import { EXIT, UsageError, type CommandContext, type GlobalOptions, type Subcommand } from './types.js';

// `mvm-tui logs`: the log pane's stream without the UI. Following resumes after drops exactly as the pane does.

export const DEFAULT_LINES = 100;
/** Without -f a stream that keeps failing is an error after this many attempts (with -f it retries forever). */
const ONE_SHOT_ATTEMPTS = 3;

export interface LogTarget {
  host: string;
  unit: string;
  /** The VM the unit belongs to, when the name was a VM. */
  vm?: string;
}

/** A VM name maps to its unit (on its host, or the one given); anything else is a unit on the host. */
export function resolveLogTarget(inv: Pick<Inventory, 'hosts'>, name: string, host?: string): LogTarget {
  const hosts = host ? inv.hosts.filter((h) => h.name === host) : inv.hosts;
  if (host && !hosts.length) throw new UsageError(`unknown host "${host}" (known: ${inv.hosts.map((h) => h.name).join(', ')})`);
  for (const h of hosts) {
    const vm = h.vms.find((v) => v.name === name);
    if (vm) return { host: h.name, unit: vm.unit, vm: vm.name };
  }
  const first = hosts[0];
  if (!first) throw new UsageError('the inventory has no hosts');
  return { host: first.name, unit: name };
}

export interface LogsDeps {
  open?: (global: GlobalOptions) => Promise<Runtime>;
  /** Calls back on Ctrl-C / SIGTERM; returns an unsubscribe. */
  onInterrupt?: (stop: () => void) => () => void;
}

const processInterrupt = (stop: () => void) => {
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return () => {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  };
};

function parseOptions(ctx: CommandContext) {
  if (ctx.args.length !== 1) throw new UsageError(ctx.args.length ? `one VM or unit, not ${ctx.args.length}` : 'name a VM or a unit');
  const name = ctx.args[0] as string;
  const v = ctx.values;
  let lines: number | undefined;
  try {
    if (typeof v.lines === 'string') {
      if (!/^\d+$/.test(v.lines)) throw new JournalQueryError(`-n wants a whole number, not "${v.lines}"`);
      lines = validateLines(Number(v.lines));
    }
    if (typeof v.since === 'string') normalizeSince(v.since);
  } catch (e) {
    if (e instanceof JournalQueryError) throw new UsageError(e.message);
    throw e;
  }
  const since = typeof v.since === 'string' ? v.since : undefined;
  if (lines === undefined && since === undefined) lines = DEFAULT_LINES;
  return { name, host: typeof v.host === 'string' ? v.host : undefined, follow: Boolean(v.follow), lines, since, grep: typeof v.grep === 'string' ? v.grep : undefined, json: Boolean(v.json) };
}

export function createLogsCommand(deps: LogsDeps = {}): Subcommand {
  return {
    name: 'logs',
    synopsis: 'logs VM|UNIT [--host H] [-f] [-n N] [--since T] [--grep RE] [--json]',
    summary: `print a VM's or a unit's journal (last ${DEFAULT_LINES} lines by default; a name that is neither exits 2 listing both); -f follows and resumes after drops`,
    options: {
      host: { type: 'string' },
      follow: { type: 'boolean', short: 'f' },
      lines: { type: 'string', short: 'n' },
      since: { type: 'string' },
      grep: { type: 'string' },
      json: { type: 'boolean' },
    },
    async run(ctx: CommandContext): Promise<number> {
      const o = parseOptions(ctx);
      const filter = compileFilter(o.grep ?? '');
      if (filter.error) ctx.stderr.write(`mvm-tui: --grep: ${filter.error}\n`);
      const rt = await openOrExit(ctx, (deps.open ?? openCommandRuntime));
      if (typeof rt === 'number') return rt;
      try {
        const target = resolveLogTarget(rt.inventory, o.name, o.host);
        try {
          validateUnit(target.unit);
        } catch (e) {
          throw new UsageError((e as Error).message);
        }
        if (!target.vm) await checkUnit(rt, target);
        return await follow(ctx, rt, target, o, filter.test, deps.onInterrupt ?? processInterrupt);
      } finally {
        await rt.close();
      }
    },
  };
}

/** A name that is no VM must be a unit the host knows: journalctl would follow an unknown one in silence. */
async function checkUnit(rt: Runtime, target: LogTarget): Promise<void> {
  const known = await unitKnown(rt.transport, target.host, target.unit).catch(() => null);
  if (known !== false) return;
  const vms = rt.inventory.hosts.flatMap((h) => h.vms.map((v) => (rt.inventory.hosts.length > 1 ? `${v.name} (${h.name})` : v.name)));
  const units = await hostUnits(rt.transport, target.host).catch(() => [] as string[]);
  const SHOWN = 40;
  const unitList = units.length ? `; units on ${target.host}: ${units.slice(0, SHOWN).join(', ')}${units.length > SHOWN ? `, … (${units.length - SHOWN} more)` : ''}` : '';
  throw new UsageError(`no VM or unit named "${target.unit}" on ${target.host}. VMs: ${vms.join(', ') || 'none'}${unitList}`);
}

async function follow(
  ctx: CommandContext,
  rt: Runtime,
  target: LogTarget,
  o: ReturnType<typeof parseOptions>,
  keep: (text: string) => boolean,
  onInterrupt: (stop: () => void) => () => void,
): Promise<number> {
  const fmt = o.json ? formatJson : formatPlain;
  let failed: string | undefined;
  /** When the stream was lost (ms epoch), until it streams again: then the user is told it resumed. */
  let lostAt: number | undefined;
  const handle = tailLogs(
    rt.transport,
    { host: target.host, unit: target.unit, follow: o.follow, lines: o.lines, since: o.since },
    {
      onEntries(batch: LogEntry[]) {
        let out = '';
        for (const e of batch) if (keep(e.message)) out += fmt(e) + '\n';
        if (out) ctx.stdout.write(out);
      },
      onState(s: TailState) {
        if (s.status === 'streaming' && lostAt !== undefined) {
          ctx.stderr.write(`mvm-tui: ${target.host}: ${target.unit}: resumed after ${formatDuration(Date.now() - lostAt)}, after the last line shown\n`);
          lostAt = undefined;
        } else if (s.status === 'reconnecting') {
          lostAt ??= Date.now();
          ctx.stderr.write(`mvm-tui: ${target.host}: ${target.unit}: ${s.message}\n`);
          if (!o.follow && s.drops >= ONE_SHOT_ATTEMPTS) {
            failed = s.message?.replace(/^reconnecting in [^:]*: /, '');
            handle.stop();
          }
        } else if (s.status === 'ended' && s.message) {
          failed = s.message;
        }
      },
    },
  );
  const off = onInterrupt(() => handle.stop());
  // `mvm-tui logs -f vm1 | head`: a closed pipe ends the follow quietly instead of crashing on EPIPE.
  const onPipeError = () => handle.stop();
  ctx.stdout.on('error', onPipeError);
  try {
    await handle.done;
  } finally {
    off();
    ctx.stdout.off('error', onPipeError);
  }
  if (failed) {
    ctx.stderr.write(`mvm-tui: ${target.host}: ${target.unit}: ${failed}\n`);
    return EXIT.attention;
  }
  return EXIT.ok;
}

export const logsCommand = createLogsCommand();
