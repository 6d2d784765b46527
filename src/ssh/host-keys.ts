import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { checkHostKey, hashedLine, hostKeyRefusal, knownKeyTypes, parseKnownHosts, type KnownHostEntry } from './known-hosts.js';
import { SshError } from './types.js';

// The file side of host key checking: which known_hosts files are read (fresh on every connect, so an
// `ssh-keygen -R` takes effect without a restart) and where accept-new records a key.

export interface HostKeyPolicy {
  /** Label for messages ("lab", "lab/vm1"). */
  label: string;
  /** The name and port the key is recorded under (the real HostName, not an alias). */
  host: string;
  port: number;
  /** known_hosts files to read, in order; missing ones are skipped. */
  files: string[];
  /** Where accept-new writes. */
  writeFile: string;
  acceptNew: boolean;
}

export function loadKnownHosts(files: readonly string[]): KnownHostEntry[] {
  const out: KnownHostEntry[] = [];
  for (const f of files) {
    let text: string;
    try {
      text = readFileSync(f, 'utf8');
    } catch {
      continue;
    }
    out.push(...parseKnownHosts(text, f));
  }
  return out;
}

/** Verifies a server key; returns the refusal as an SshError, or undefined when the key is accepted. */
export function verifyHostKey(policy: HostKeyPolicy, key: Buffer): SshError | undefined {
  const check = checkHostKey(loadKnownHosts(policy.files), policy.host, policy.port, key);
  if (check.status === 'ok') return undefined;
  if (check.status === 'unknown' && policy.acceptNew) {
    try {
      mkdirSync(dirname(policy.writeFile), { recursive: true, mode: 0o700 });
      appendFileSync(policy.writeFile, `${hashedLine(policy.host, policy.port, key)}\n`, { mode: 0o600 });
      return undefined;
    } catch (e) {
      return new SshError('hostkey', policy.label, `${policy.label}: cannot record the new host key in ${policy.writeFile}: ${(e as Error).message}`);
    }
  }
  return new SshError('hostkey', policy.label, hostKeyRefusal(policy.label, check, policy.host, policy.port, key, policy.writeFile));
}

/** Host key algorithms to offer first: those whose keys are already known (as OpenSSH orders them). */
export function preferredHostKeyAlgorithms(policy: HostKeyPolicy): string[] {
  const algos: string[] = [];
  for (const t of knownKeyTypes(loadKnownHosts(policy.files), policy.host, policy.port)) {
    if (t === 'ssh-rsa') algos.push('rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa');
    else if (t === 'ssh-ed25519' || /^ecdsa-sha2-nistp(256|384|521)$/.test(t)) algos.push(t);
  }
  return algos;
}
