import { spawnSync } from 'node:child_process';

// Runs built command lines through the real local /bin/sh (dash on Debian, like the hypervisor's sh -c
// target is POSIX) with every tool replaced by a function that prints its argv, NUL-separated, as one
// record. What the shell prints is therefore exactly what the remote shell would have executed: a
// metacharacter that escapes its quoting shows up as a different or extra record (or a syntax error).

export const TOOLS = ['systemctl', 'journalctl', 'zfs', 'zpool', 'cat', 'df', 'ip', 'stat', 'ls', 'comin', 'nix', 'cd', 'readlink', 'ssh', 'kill', 'id', 'rm', 'touch', 'reboot', 'sh'];
const RS = '\x1e<rs>';
const END = '\x1d<end>';

const preamble = TOOLS.map((t) => `${t}() { printf '%s\\0' ${t} "$@"; printf '${RS}'; }`).join('\n');

/** One argv as the printer functions render it. */
export function rec(argv: readonly string[]): string {
  return argv.map((a) => `${a}\0`).join('') + RS;
}

/** Runs each line (a whole command line, possibly several commands) and returns what each printed. A line
 *  that breaks out of its quoting corrupts its own output and the ones after it; both then mismatch. */
export function runLines(lines: readonly string[]): { outputs: string[]; stderr: string; status: number | null } {
  const script = [preamble, ...lines.flatMap((l) => [l, `printf '${END}'`])].join('\n');
  const r = spawnSync('/bin/sh', ['-s'], { input: Buffer.from(script, 'utf8'), encoding: 'buffer', maxBuffer: 64 * 1024 * 1024, env: { PATH: '/nonexistent' } });
  const out = r.stdout.toString('utf8').split(END);
  out.pop();
  return { outputs: out, stderr: r.stderr.toString('utf8'), status: r.status };
}

/** `sh -n`: does the text parse at all? */
export function parses(text: string): boolean {
  return spawnSync('/bin/sh', ['-n', '-c', text]).status === 0;
}
