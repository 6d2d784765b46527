// journalctl over the demo's journal: -u (several), -n/--lines, --since/--until, --after-cursor/--cursor,
// -p (level or range), -o json|cat|short|short-iso|..., -f that keeps writing until the channel closes,
// -r, -q, --no-pager, -b (this boot), -g/--grep, --output-fields.

import type { CmdContext } from '../shell.js';
import { Journal, type JournalEntry } from '../journal.js';
import { unitId } from '../units.js';
import { OptError, getopt, has, last } from './getopt.js';

const SPEC = {
  shortArg: 'unpogbS',
  shortFlag: 'frqamxe',
  longArg: ['unit', 'lines', 'output-fields', 'priority', 'output', 'since', 'until', 'after-cursor', 'cursor', 'grep', 'identifier', 'boot'],
  longFlag: ['follow', 'reverse', 'quiet', 'no-pager', 'all', 'merge', 'no-tail', 'utc', 'pager-end', 'no-hostname', 'show-cursor'],
};
const LEVELS = ['emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug'];
const MODES = ['short', 'short-iso', 'short-iso-precise', 'short-precise', 'short-unix', 'short-full', 'short-monotonic', 'cat', 'json', 'json-pretty', 'json-sse', 'json-seq', 'verbose', 'export', 'with-unit'];

export async function journalctl(argv: string[], ctx: CmdContext): Promise<number> {
  let p;
  try {
    // -n takes an optional value in journalctl; a bare -n means 10. Normalise before getopt.
    const args = argv.slice(1).map((a, i, all) => (a === '-n' && (all[i + 1] === undefined || all[i + 1]!.startsWith('-')) ? '-n10' : a));
    p = getopt(args, SPEC);
  } catch (e) {
    ctx.io.err(`journalctl: ${(e as OptError).message}\n`);
    return 1;
  }
  const hv = ctx.hv;
  const now = hv.clock.now();
  const units = [...(p.opts.get('-u') ?? []), ...(p.opts.get('--unit') ?? [])].map(unitId);
  const mode = last(p, '-o', '--output') ?? 'short';
  if (!MODES.includes(mode)) {
    ctx.io.err(`Unknown output format '${mode}'.\n`);
    return 1;
  }
  const pr = last(p, '-p', '--priority');
  let prio: [number, number] = [0, 7];
  if (pr !== undefined) {
    const parsed = pr.split('..').map((x) => (/^\d$/.test(x) ? Number(x) : LEVELS.indexOf(x)));
    if (parsed.some((x) => x < 0 || x > 7)) {
      ctx.io.err(`Failed to parse priority value: ${pr}\n`);
      return 1;
    }
    prio = parsed.length === 2 ? [Math.min(parsed[0]!, parsed[1]!), Math.max(parsed[0]!, parsed[1]!)] : [0, parsed[0]!];
  }
  const sinceArg = last(p, '--since', '-S');
  const untilArg = last(p, '--until');
  const since = sinceArg === undefined ? null : parseTime(sinceArg, now);
  const until = untilArg === undefined ? null : parseTime(untilArg, now);
  if (since === undefined || until === undefined) {
    ctx.io.err(`Failed to parse timestamp: ${since === undefined ? sinceArg : untilArg}\n`);
    return 1;
  }
  const after = last(p, '--after-cursor');
  const at = last(p, '--cursor');
  const cursorSeq = after ?? at;
  let fromSeq = -1;
  if (cursorSeq !== undefined) {
    let s = Journal.seqOf(cursorSeq);
    if (s === null) {
      // A cursor of another journal: seek by its realtime stamp, as journalctl does.
      const t = /(?:^|;)t=([0-9a-f]+)(?:;|$)/.exec(cursorSeq)?.[1];
      if (!t) {
        ctx.io.err(`Failed to seek to cursor: Invalid argument\n`);
        return 1;
      }
      const us = BigInt(`0x${t}`);
      const next = hv.journal.all().find((e) => e.realtimeUs > us);
      s = next ? next.seq - 1 : Number.MAX_SAFE_INTEGER - 1;
      if (after === undefined && next) s++;
    }
    fromSeq = after !== undefined ? s : s - 1;
  }
  const grep = last(p, '-g', '--grep');
  let grepRe: RegExp | null = null;
  if (grep !== undefined) {
    try {
      grepRe = new RegExp(grep, /[A-Z]/.test(grep) ? '' : 'i');
    } catch {
      ctx.io.err(`Bad pattern "${grep}"\n`);
      return 1;
    }
  }
  const idents = [...(p.opts.get('-t') ?? []), ...(p.opts.get('--identifier') ?? [])];
  const match = (e: JournalEntry) =>
    (units.length === 0 || units.includes(e.unit)) &&
    (idents.length === 0 || idents.includes(e.identifier)) &&
    e.priority >= prio[0] &&
    e.priority <= prio[1] &&
    e.seq > fromSeq &&
    (since === null || e.realtimeUs >= BigInt(since) * 1000n) &&
    (until === null || e.realtimeUs <= BigInt(until) * 1000n) &&
    (!grepRe || grepRe.test(e.message));
  const follow = has(p, '-f', '--follow');
  const linesArg = last(p, '-n', '--lines');
  let n: number | null = linesArg === undefined ? (follow && cursorSeq === undefined && since === null ? 10 : null) : linesArg === 'all' ? null : Number(linesArg.replace(/^\+/, ''));
  if (n !== null && !Number.isFinite(n)) {
    ctx.io.err(`Failed to parse lines '${linesArg}'\n`);
    return 1;
  }
  let picked = hv.journal.all().filter(match);
  if (n !== null) picked = n === 0 ? [] : picked.slice(-n);
  if (has(p, '-r', '--reverse')) picked = [...picked].reverse();
  // --output-fields: only those fields, plus the cursor and time stamps journalctl always prints (json modes).
  const only = last(p, '--output-fields')?.split(',');
  const ALWAYS = ['__CURSOR', '__REALTIME_TIMESTAMP', '__MONOTONIC_TIMESTAMP', '_BOOT_ID'];
  const pick = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([k]) => ALWAYS.includes(k) || only!.includes(k)));
  const line = (e: JournalEntry) =>
    only && mode.startsWith('json') ? JSON.stringify(pick(JSON.parse(hv.journal.format(e, 'json')) as Record<string, unknown>), null, mode === 'json-pretty' ? '\t' : undefined) : hv.journal.format(e, mode);
  const emit = (e: JournalEntry) => ctx.io.out(line(e) + '\n');
  const textMode = !mode.startsWith('json') && mode !== 'cat' && mode !== 'export';
  if (picked.length === 0 && textMode && !has(p, '-q', '--quiet') && !follow) ctx.io.out('-- No entries --\n');
  for (const e of picked) emit(e);
  if (!follow) return 0;
  n = null;
  // Follow: write new matching entries until the channel closes (the caller aborts the signal).
  return new Promise<number>((resolve) => {
    const unsub = hv.journal.subscribe((e) => {
      if (!match(e) || (until !== null && e.realtimeUs > BigInt(until) * 1000n)) return;
      emit(e);
    });
    const end = () => {
      unsub();
      resolve(130);
    };
    if (ctx.signal.aborted) end();
    else ctx.signal.addEventListener('abort', end, { once: true });
  });
}

/** journalctl's time specs: "-15m", "15 min ago", "@EPOCH", "YYYY-MM-DD [HH:MM[:SS]]", today, yesterday, now. */
export function parseTime(s: string, now: number): number | undefined {
  const t = s.trim();
  if (t === 'now') return now;
  if (t === 'today' || t === 'yesterday' || t === 'tomorrow') {
    const d = new Date(now);
    d.setUTCHours(0, 0, 0, 0);
    return d.getTime() + (t === 'yesterday' ? -86400_000 : t === 'tomorrow' ? 86400_000 : 0);
  }
  const epoch = /^@(\d+(?:\.\d+)?)$/.exec(t);
  if (epoch) return Math.round(Number(epoch[1]) * 1000);
  const rel = /^([+-])?\s*(\d+)\s*(s|sec|second|seconds|m|min|minute|minutes|h|hour|hours|d|day|days|w|week|weeks)(?:\s+ago)?$/.exec(t);
  const rel2 = /^(\d+)\s*(s|sec|second|seconds|m|min|minute|minutes|h|hour|hours|d|day|days|w|week|weeks)\s+ago$/.exec(t);
  const r = rel ?? (rel2 ? [rel2[0], '-', rel2[1], rel2[2]] : null);
  if (r) {
    const unit = r[3]!;
    const mult = unit.startsWith('s') ? 1000 : unit.startsWith('m') ? 60_000 : unit.startsWith('h') ? 3600_000 : unit.startsWith('d') ? 86400_000 : 7 * 86400_000;
    const sign = r[1] === '+' && !t.endsWith('ago') ? 1 : -1;
    return now + sign * Number(r[2]) * mult;
  }
  const abs = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?(?:\s*UTC)?$/.exec(t);
  if (abs) return Date.UTC(Number(abs[1]), Number(abs[2]) - 1, Number(abs[3]), Number(abs[4] ?? 0), Number(abs[5] ?? 0), Number(abs[6] ?? 0));
  return undefined;
}
