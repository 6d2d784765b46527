import { parseArgs } from 'node:util';
import { EXIT, UsageError, type GlobalOptions, type Subcommand } from './commands/types.js';
import { VERSION } from './version.js';

const globalOptions = {
  config: { type: 'string', short: 'c' },
  'read-only': { type: 'boolean' },
  demo: { type: 'boolean' },
  'accept-new': { type: 'boolean' },
  'no-mouse': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'V' },
} as const;

// The subcommands (and what they import) load only when argv names one or asks for --help: the UI and
// --version start without them.
async function loadSubcommands(): Promise<Subcommand[]> {
  return (await import('./commands/index.js')).subcommands;
}

function helpText(subcommands: Subcommand[]): string {
  const lines = [
    `mvm-tui ${VERSION} - a keyboard-driven console for microvm.nix hypervisors`,
    '',
    'Usage: mvm-tui [--config PATH] [--read-only] [--demo] [--accept-new] [--no-mouse]',
    '       mvm-tui COMMAND [ARGS...]',
    '',
    'Options:',
    '  -c, --config PATH   inventory file (default: $XDG_CONFIG_HOME/mvm-tui/config.yaml)',
    '      --read-only     refuse every change (restart, snapshot, rollback, deploy, ...)',
    '      --demo          run against a built-in demo hypervisor inside this process',
    '      --accept-new    record unknown host keys (hashed); changed keys are still refused',
    '      --no-mouse      no mouse reporting (clicks and the wheel stay the terminal\'s)',
    '  -h, --help          this help',
    '  -V, --version       print the version',
    '',
    'Commands:',
    // A long synopsis gets its summary on the next line so the column stays readable at 80 columns.
    ...subcommands.flatMap((c) => (c.synopsis.length > 40 ? [`  ${c.synopsis}`, `  ${''.padEnd(40)} ${c.summary}`] : [`  ${c.synopsis.padEnd(40)} ${c.summary}`])),
  ];
  return lines.join('\n') + '\n';
}

/** Finds the longest subcommand name that prefixes argv's leading words ('snapshot list' before 'snapshot'). */
function findSubcommand(subcommands: Subcommand[], words: string[]): { cmd: Subcommand; rest: string[] } | undefined {
  let best: { cmd: Subcommand; rest: string[] } | undefined;
  for (const cmd of subcommands) {
    const parts = cmd.name.split(' ');
    if (parts.every((p, i) => words[i] === p) && (!best || parts.length > best.cmd.name.split(' ').length)) {
      best = { cmd, rest: words.slice(parts.length) };
    }
  }
  return best;
}

/** `--name` or `-n`, as a flag is written. */
const flag = (name: string, short?: string) => (short ? `-${short}/--${name}` : `--${name}`);

/** node:util's parseArgs error as a user's sentence: what was wrong and, for an unknown option, which exist. */
function argvProblem(e: Error & { code?: string }, cmd: Subcommand | undefined): string {
  const quoted = /'([^']+)'/.exec(e.message)?.[1] ?? '';
  const opt = quoted.replace(/ <value>$/, '');
  const where = cmd ? `mvm-tui ${cmd.name}` : 'mvm-tui';
  switch (e.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION': {
      const opts = Object.entries({ ...(cmd?.options ?? {}), ...globalOptions }).map(([n, o]) => flag(n, (o as { short?: string }).short));
      return `unknown option ${opt} for ${where} (its options: ${opts.join(', ')})`;
    }
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return / argument missing/.test(e.message) ? `${opt} needs a value` : `${opt} takes no value`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument "${quoted}"; see mvm-tui --help`;
    default:
      return e.message.split('\n')[0] ?? String(e);
  }
}

export interface MainIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

export async function main(argv: string[], io: MainIo = process): Promise<number> {
  const { stdout, stderr } = io;
  // Global options may come before the subcommand (`mvm-tui -c FILE logs vm1`): skip them (and the value
  // of --config) to find where the command's words start.
  let start = 0;
  while (start < argv.length && argv[start]!.startsWith('-')) start += argv[start] === '-c' || argv[start] === '--config' ? 2 : 1;
  let end = start;
  while (end < argv.length && !argv[end]!.startsWith('-')) end++;
  const words = argv.slice(start, end);
  const found = words.length ? findSubcommand(await loadSubcommands(), words) : undefined;
  if (words.length && !found) {
    stderr.write(`mvm-tui: unknown command "${words.join(' ')}"; see mvm-tui --help\n`);
    return EXIT.usage;
  }
  const rest = found ? [...argv.slice(0, start), ...found.rest, ...argv.slice(end)] : argv;
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      options: { ...globalOptions, ...(found?.cmd.options ?? {}) },
      allowPositionals: Boolean(found),
      strict: true,
    });
  } catch (e) {
    stderr.write(`mvm-tui: ${argvProblem(e as Error & { code?: string }, found?.cmd)}\n`);
    if (found) stderr.write(`usage: mvm-tui ${found.cmd.synopsis}\n`);
    else stderr.write('see mvm-tui --help\n');
    return EXIT.usage;
  }
  const v = parsed.values as Record<string, string | boolean | string[] | undefined>;
  if (v.version) {
    stdout.write(`${VERSION}\n`);
    return EXIT.ok;
  }
  if (v.help) {
    stdout.write(found ? `usage: mvm-tui ${found.cmd.synopsis}\n${found.cmd.summary}\n` : helpText(await loadSubcommands()));
    return EXIT.ok;
  }
  const global: GlobalOptions = {
    config: v.config as string | undefined,
    readOnly: Boolean(v['read-only']),
    demo: Boolean(v.demo),
    acceptNew: Boolean(v['accept-new']),
    noMouse: Boolean(v['no-mouse']),
  };
  try {
    if (found) return await found.cmd.run({ global, args: parsed.positionals, values: v, stdout, stderr });
    // The UI's chunk (ink, react: the biggest) loads while the inventory is read and parsed, not after it.
    const ui = import('./tui.js');
    const opening = import('./start-runtime.js').then((m) => m.openTuiRuntime(global));
    opening.catch(() => undefined); // runTui reports it; this only keeps a failed import of ui from leaving it unhandled
    const { runTui } = await ui;
    return await runTui(global, opening);
  } catch (e) {
    if (e instanceof UsageError) {
      stderr.write(`mvm-tui: ${e.message}\n`);
      if (found) stderr.write(`usage: mvm-tui ${found.cmd.synopsis}\n`);
      return EXIT.usage;
    }
    throw e;
  }
}
