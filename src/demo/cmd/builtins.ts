// Shell builtins and the tiny text tools a command line may pipe through.

import { shJoin } from '../../host/quote.js';
import { sleep as clockSleep } from '../clock.js';
import { type CmdContext, ExitSignal } from '../shell.js';

export function echo(argv: string[], ctx: CmdContext): number {
  let args = argv.slice(1);
  let newline = true;
  let escapes = false;
  while (args[0] && /^-[neE]+$/.test(args[0])) {
    if (args[0].includes('n')) newline = false;
    if (args[0].includes('e')) escapes = true;
    args = args.slice(1);
  }
  let text = args.join(' ');
  if (escapes) text = text.replace(/\\n/g, '\n').replace(/\\t/g, '\t').replace(/\\\\/g, '\\');
  ctx.io.out(text + (newline ? '\n' : ''));
  return 0;
}

export function printf(argv: string[], ctx: CmdContext): number {
  const [fmt = '', ...args] = argv.slice(1);
  let i = 0;
  const one = () =>
    fmt
      .replace(/\\n/g, '\n')
      .replace(/\\t/g, '\t')
      .replace(/%([sd%])/g, (_, c: string) => (c === '%' ? '%' : c === 'd' ? String(parseInt(args[i++] ?? '0', 10) || 0) : (args[i++] ?? '')));
  let out = one();
  while (i > 0 && i < args.length) out += one();
  ctx.io.out(out);
  return 0;
}

export const trueCmd = () => 0;
export const falseCmd = () => 1;

export function cd(argv: string[], ctx: CmdContext): number {
  const dir = argv[1] ?? '/root';
  const known = ['/', '/root', '/tmp', '/etc', '/var/lib/microvms', '/root/simple-microvm-infra', '/nix/store'];
  const abs = dir.startsWith('/') ? dir : `${ctx.env.cwd.replace(/\/$/, '')}/${dir}`;
  const norm = abs.replace(/\/+$/, '') || '/';
  if (!known.includes(norm) && !/^\/var\/lib\/microvms\/[^/]+$/.test(norm)) {
    ctx.io.err(`bash: cd: ${dir}: No such file or directory\n`);
    return 1;
  }
  ctx.env.cwd = norm;
  return 0;
}

export function exit(argv: string[], ctx: CmdContext): never {
  throw new ExitSignal(argv[1] === undefined ? ctx.env.status : Number(argv[1]) & 255);
}

export async function sleep(argv: string[], ctx: CmdContext): Promise<number> {
  const s = Number((argv[1] ?? '').replace(/s$/, ''));
  if (!Number.isFinite(s)) {
    ctx.io.err(`sleep: invalid time interval '${argv[1] ?? ''}'\n`);
    return 1;
  }
  await clockSleep(ctx.hv.clock, s * 1000, ctx.signal);
  return 0;
}

/** timeout [-k D] [-s SIG] DURATION CMD...: CMD under a deadline of the demo clock; 124 when it ran out. */
export async function timeout(argv: string[], ctx: CmdContext): Promise<number> {
  const args = argv.slice(1);
  while (args[0] === '-k' || args[0] === '-s') args.splice(0, 2);
  const s = Number((args[0] ?? '').replace(/s$/, ''));
  if (!Number.isFinite(s) || args.length < 2) {
    ctx.io.err("timeout: usage: timeout [OPTION] DURATION COMMAND [ARG]...\n");
    return 125;
  }
  const ac = new AbortController();
  const onAbort = () => ac.abort();
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  let expired = false;
  const cancel = ctx.hv.clock.setTimer(s * 1000, () => {
    expired = true;
    ac.abort();
  });
  try {
    const code = await ctx.runIn(shJoin(args.slice(1)), ctx.vm, ctx.io, ac.signal);
    return expired ? 124 : code;
  } finally {
    cancel();
    ctx.signal.removeEventListener('abort', onAbort);
  }
}

/** `&` runs in sequence in the demo shell (shell-parse.ts): nothing is left to wait for. */
export const wait = () => 0;

export function whoami(_argv: string[], ctx: CmdContext): number {
  ctx.io.out('root\n');
  return 0;
}

export function id(_argv: string[], ctx: CmdContext): number {
  ctx.io.out('uid=0(root) gid=0(root) groups=0(root)\n');
  return 0;
}

export function date(argv: string[], ctx: CmdContext): number {
  const d = new Date(ctx.hv.clock.now());
  const fmt = argv.find((a) => a.startsWith('+'));
  const p2 = (n: number) => String(n).padStart(2, '0');
  if (fmt) {
    ctx.io.out(
      fmt.slice(1).replace(/%([YmdHMSsFT%])/g, (_, c: string) =>
        ({ Y: String(d.getUTCFullYear()), m: p2(d.getUTCMonth() + 1), d: p2(d.getUTCDate()), H: p2(d.getUTCHours()), M: p2(d.getUTCMinutes()), S: p2(d.getUTCSeconds()), s: String(Math.floor(d.getTime() / 1000)), F: d.toISOString().slice(0, 10), T: d.toISOString().slice(11, 19), '%': '%' })[c]!,
      ) + '\n',
    );
  } else ctx.io.out(d.toUTCString().replace('GMT', 'UTC') + '\n');
  return 0;
}

export function command(argv: string[], ctx: CmdContext, known: Set<string>): number {
  if (argv[1] !== '-v') {
    ctx.io.err('bash: command: only -v is supported by the demo shell\n');
    return 2;
  }
  let code = 0;
  for (const name of argv.slice(2)) {
    if (known.has(name)) ctx.io.out(`/run/current-system/sw/bin/${name}\n`);
    else code = 1;
  }
  return code;
}

// ---- filters (for simple pipes) ------------------------------------------------------------------

function lines(text: string): string[] {
  const ls = text.split('\n');
  if (ls.at(-1) === '') ls.pop();
  return ls;
}

export function head(argv: string[], ctx: CmdContext): number {
  const n = Number(argv.find((a, i) => argv[i - 1] === '-n') ?? argv.find((a) => /^-\d+$/.test(a))?.slice(1) ?? 10);
  ctx.io.out(lines(ctx.stdin).slice(0, n).map((l) => l + '\n').join(''));
  return 0;
}

export function tail(argv: string[], ctx: CmdContext): number {
  const n = Number(argv.find((a, i) => argv[i - 1] === '-n') ?? argv.find((a) => /^-\d+$/.test(a))?.slice(1) ?? 10);
  ctx.io.out(n === 0 ? '' : lines(ctx.stdin).slice(-n).map((l) => l + '\n').join(''));
  return 0;
}

export function grep(argv: string[], ctx: CmdContext): number {
  const flags = argv.slice(1).filter((a) => a.startsWith('-'));
  const [pattern, ...files] = argv.slice(1).filter((a) => !a.startsWith('-'));
  if (pattern === undefined || files.length) {
    ctx.io.err('grep: the demo shell only greps its standard input\n');
    return 2;
  }
  const ci = flags.some((f) => f.includes('i'));
  const inv = flags.some((f) => f.includes('v'));
  const count = flags.some((f) => f.includes('c'));
  const quiet = flags.some((f) => f.includes('q'));
  let re: RegExp;
  try {
    re = new RegExp(flags.some((f) => f.includes('F')) ? pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') : pattern, ci ? 'i' : '');
  } catch {
    ctx.io.err('grep: Unmatched ( or \\(\n');
    return 2;
  }
  const hits = lines(ctx.stdin).filter((l) => re.test(l) !== inv);
  if (!quiet) ctx.io.out(count ? `${hits.length}\n` : hits.map((l) => l + '\n').join(''));
  return hits.length ? 0 : 1;
}

export function wc(argv: string[], ctx: CmdContext): number {
  if (argv.includes('-l')) ctx.io.out(`${lines(ctx.stdin).length}\n`);
  else ctx.io.out(`${String(lines(ctx.stdin).length).padStart(7)} ${String(ctx.stdin.split(/\s+/).filter(Boolean).length).padStart(7)} ${String(ctx.stdin.length).padStart(7)}\n`);
  return 0;
}

const SIGNALS: Record<string, number> = { HUP: 1, INT: 2, KILL: 9, TERM: 15, '0': 0 };

/** kill [-SIG | -s SIG | -n N] PID|-PGID...: ends a running command line of this demo host; -0 tests it. */
export function kill(argv: string[], ctx: CmdContext): number {
  const args = argv.slice(1);
  let sig = 15;
  if (args[0] === '-s' || args[0] === '-n') {
    sig = SIGNALS[(args[1] ?? '').replace(/^SIG/, '')] ?? Number(args[1]);
    args.splice(0, 2);
  } else if (args[0] && /^-([A-Z]+|\d+)$/.test(args[0]) && !(args.length === 1 && /^-\d+$/.test(args[0]))) {
    const name = args.shift()!.slice(1).replace(/^SIG/, '');
    sig = SIGNALS[name] ?? Number(name);
  }
  if (args[0] === '--') args.shift();
  if (!Number.isFinite(sig) || args.length === 0) {
    ctx.io.err('kill: usage: kill [-s sigspec | -n signum | -sigspec] pid | jobspec ... or kill -l [sigspec]\n');
    return 2;
  }
  let code = 0;
  for (const a of args) {
    const pid = Math.abs(Number(a));
    const proc = ctx.procs.get(pid);
    if (!Number.isInteger(pid) || !proc || proc.signal.aborted) {
      ctx.io.err(`bash: kill: (${a}) - No such process\n`);
      code = 1;
      continue;
    }
    if (sig !== 0) proc.abort();
  }
  return code;
}
