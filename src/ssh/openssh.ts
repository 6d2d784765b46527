import { execFileSync, spawnSync } from 'node:child_process';
import { SshConfigError, type SshOptions } from './ssh-config.js';

// The OpenSSH client as the config resolver: `ssh -G` reads the config exactly as `ssh` would (Match exec,
// tokens, defaults, canonicalisation) and prints the result without connecting.

let found: string | null | undefined;

/** The ssh binary on PATH that answers `ssh -V`, or null (looked up once). */
export function findOpenSsh(): string | null {
  if (found !== undefined) return found;
  const r = spawnSync('ssh', ['-V'], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 5000 });
  found = r.status === 0 && /OpenSSH/.test(r.stderr?.toString() ?? '') ? 'ssh' : null;
  return found;
}

/** `ssh -G -F file [cmdline -o's] -- alias`, parsed. Throws SshConfigError with ssh's own message when ssh refuses. */
export function sshG(bin: string, alias: string, file: string, cmdline: Array<[string, string]>): SshOptions {
  const args = ['-G', '-F', file];
  for (const [k, v] of cmdline) args.push('-o', `${k}=${v}`);
  args.push('--', alias);
  let out: string;
  try {
    out = execFileSync(bin, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 });
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    const msg = (err.stderr ?? '').trim().split('\n').filter((l) => !/^Pseudo-terminal/.test(l)).join('; ') || err.message;
    throw new SshConfigError(`ssh -G: ${msg}`);
  }
  const o: SshOptions = {};
  for (const line of out.split('\n')) {
    const i = line.indexOf(' ');
    if (i <= 0) continue;
    (o[line.slice(0, i)] ??= []).push(line.slice(i + 1));
  }
  return o;
}
