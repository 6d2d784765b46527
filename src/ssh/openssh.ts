import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { SshConfigError, type SshOptions } from './ssh-config.js';

// The OpenSSH client as the config resolver: `ssh -G` reads the config exactly as `ssh` would (Match exec,
// tokens, defaults, canonicalisation) and prints the result without connecting. Connecting resolves
// synchronously; the transport runs the same commands ahead, asynchronously (findOpenSshAhead, sshGAhead), so
// the event loop is not held while ssh runs (on a loaded machine a synchronous ssh -G held it for 0.7 s, and a
// hang-up arriving then waited for it).

let found: string | null | undefined;

const isOpenSsh = (ok: boolean, stderr: string) => (ok && /OpenSSH/.test(stderr) ? 'ssh' : null);

/** The ssh binary on PATH that answers `ssh -V`, or null (looked up once). */
export function findOpenSsh(): string | null {
  if (found !== undefined) return found;
  const r = spawnSync('ssh', ['-V'], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 5000 });
  found = isOpenSsh(r.status === 0, r.stderr?.toString() ?? '');
  return found;
}

/** findOpenSsh(), run without blocking; later calls of findOpenSsh() answer from it. */
export function findOpenSshAhead(): Promise<string | null> {
  if (found !== undefined) return Promise.resolve(found);
  return new Promise((resolve) => {
    execFile('ssh', ['-V'], { timeout: 5000 }, (err, _out, stderr) => {
      found ??= isOpenSsh(!err, String(stderr));
      resolve(found);
    });
  });
}

/** Answers of `ssh -G` run ahead, by argv; each is used once (a later connection reads the config afresh). */
const ahead = new Map<string, { out: string } | { stderr: string; message: string }>();

function gArgs(alias: string, file: string, cmdline: Array<[string, string]>): string[] {
  const args = ['-G', '-F', file];
  for (const [k, v] of cmdline) args.push('-o', `${k}=${v}`);
  args.push('--', alias);
  return args;
}

/** Runs `ssh -G` for these options without blocking; the next sshG() with the same options takes its answer. */
export function sshGAhead(bin: string, alias: string, file: string, cmdline: Array<[string, string]>): Promise<void> {
  const args = gArgs(alias, file, cmdline);
  return new Promise((resolve) => {
    execFile(bin, args, { encoding: 'utf8', timeout: 30_000 }, (err, out, stderr) => {
      ahead.set(JSON.stringify([bin, args]), err ? { stderr: String(stderr), message: err.message } : { out });
      resolve();
    });
  });
}

/** `ssh -G -F file [cmdline -o's] -- alias`, parsed. Throws SshConfigError with ssh's own message when ssh refuses. */
export function sshG(bin: string, alias: string, file: string, cmdline: Array<[string, string]>): SshOptions {
  const args = gArgs(alias, file, cmdline);
  const key = JSON.stringify([bin, args]);
  const early = ahead.get(key);
  ahead.delete(key);
  let out: string;
  try {
    if (early && 'out' in early) out = early.out;
    else if (early) throw Object.assign(new Error(early.message), { stderr: early.stderr });
    else out = execFileSync(bin, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 });
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
