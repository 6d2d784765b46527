import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// Where the benchmarks find the repository and the lab, and the machine/versions header every run prints.

/** The repository root: the nearest package.json above this file (a bundle in bench/out/run.X/ or the source). */
function repoRoot(dir: string): string {
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}
export const ROOT = repoRoot(dirname(fileURLToPath(import.meta.url)));
export const LAB_RUN = join(ROOT, 'test/lab/run-nspawn');
export const INVENTORY = join(LAB_RUN, 'inventory.yaml');
export const SSH_CONFIG = join(LAB_RUN, 'ssh_config');
export const OUT = join(ROOT, 'bench/out');
/** This run's builds: bench/run.sh makes a directory per run (two runs at once must not delete each other's). */
const BUILD = process.env.MVM_BENCH_BUILD ?? OUT;
/** mvm-tui as it ships: bench/run.sh runs `npm run build` into BUILD/dist and copies bin/mvm-tui to BUILD/bin. */
export const CLI = join(BUILD, 'bin/mvm-tui');
/** The same sources with ink, react, zod, yaml ... loaded from node_modules (dist/ before they were bundled). */
export const CLI_BEFORE = join(BUILD, 'before/mvm-tui.mjs');

/** The node flags bin/mvm-tui's `#!/usr/bin/env -S node ...` line runs with: a bench that starts the CLI with
 *  process.execPath (to time node, not env) passes them too, so it measures the process a user gets. */
export function nodeFlags(): string[] {
  const shebang = readFileSync(join(ROOT, 'bin/mvm-tui'), 'utf8').split('\n')[0] ?? '';
  return shebang.replace(/^#!.*?\bnode\b/, '').split(/\s+/).filter(Boolean);
}

/** process.execPath's arguments to run `cli` (as shipped or before) as bin/mvm-tui would. */
export const cliArgs = (cli: string, ...args: string[]): string[] => [...nodeFlags(), cli, ...args];

export function labReady(): boolean {
  return existsSync(INVENTORY) && existsSync(SSH_CONFIG);
}

function safe(fn: () => string): string {
  try {
    return fn().trim();
  } catch (e) {
    return `unknown (${(e as Error).message.split('\n')[0]})`;
  }
}

export function machineHeader(): string {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
  const git = safe(() => execFileSync('git', ['-C', ROOT, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }));
  const dirty = safe(() => execFileSync('git', ['-C', ROOT, 'status', '--porcelain', '--untracked-files=no', 'src'], { encoding: 'utf8' })) ? ' (src has uncommitted changes)' : '';
  // `ssh -V` prints to stderr
  const openssh = safe(() => execFileSync('ssh', ['-V'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }) || '');
  const opensshV = openssh || safe(() => execFileSync('sh', ['-c', 'ssh -V 2>&1'], { encoding: 'utf8' }));
  const c = cpus();
  return [
    `machine: ${c.length} CPUs (nproc ${safe(() => execFileSync('nproc', { encoding: 'utf8' }))}), ${c[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM`,
    `versions: node ${process.version}, ${opensshV}, mvm-tui ${pkg.version} @ ${git}${dirty}`,
    `date: ${new Date().toISOString()}; ${load()}`,
  ].join('\n');
}

/** The machine is shared (other test runs): every result says how busy it was. */
export function load(): string {
  return `load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`;
}
