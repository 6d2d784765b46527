import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { memoryFile } from './memory-files.js';
import { checkHostKey, hashedLine, hostKeyRefusal, knownKeyTypes, parseKnownHosts, type HostKeyCheck, type KnownHostEntry } from './known-hosts.js';
import { checkRevoked } from './revoked.js';
import { SshError } from './types.js';

// The file side of host key checking: which known_hosts files are read (fresh on every connect, so an
// `ssh-keygen -R` takes effect without a restart), RevokedHostKeys, and where accept-new records a key.

export interface HostKeyPolicy {
  /** Label for messages ("lab", "lab/vm1"). */
  label: string;
  /** The name and port the key is recorded under (the real HostName, not an alias). */
  host: string;
  port: number;
  /** HostKeyAlias: looked up and recorded under this name instead of host/port. */
  alias?: string;
  /** known_hosts files to read, in order; missing ones are skipped. */
  files: string[];
  /** RevokedHostKeys: a KRL or a list of public keys; a key in it is refused, and so is every key when it
   *  cannot be read. */
  revokedFile?: string;
  /** Where accept-new writes. */
  writeFile: string;
  acceptNew: boolean;
  /** HostKeyAlgorithms allowed, in preference order (undefined: ssh2's defaults). */
  algorithms?: string[];
}

export function loadKnownHosts(files: readonly string[]): KnownHostEntry[] {
  const out: KnownHostEntry[] = [];
  for (const f of files) {
    let text: string;
    try {
      text = memoryFile(f) ?? readFileSync(f, 'utf8');
    } catch {
      continue;
    }
    out.push(...parseKnownHosts(text, f));
  }
  return out;
}

/** The verdict on a server key, RevokedHostKeys first (as ssh checks it). */
export function hostKeyVerdict(policy: HostKeyPolicy, key: Buffer): HostKeyCheck {
  if (policy.revokedFile) {
    const r = checkRevoked(policy.revokedFile, key);
    if ('error' in r) return { status: 'revoked-unreadable', file: policy.revokedFile, reason: r.error };
    if (r.revoked) return { status: 'revoked-file', file: policy.revokedFile };
  }
  const entries = loadKnownHosts(policy.files);
  const check = checkHostKey(entries, policy.host, policy.port, key, policy.alias);
  // ssh's fallback: nothing known for [host]:port (and no HostKeyAlias): the key recorded for the bare host counts.
  if (check.status === 'unknown' && !policy.alias && policy.port !== 22 && checkHostKey(entries, policy.host, 22, key).status === 'ok') return checkHostKey(entries, policy.host, 22, key);
  return check;
}

/** Verifies a server key; returns the refusal as an SshError, or undefined when the key is accepted. */
export function verifyHostKey(policy: HostKeyPolicy, key: Buffer): SshError | undefined {
  const check = hostKeyVerdict(policy, key);
  if (check.status === 'ok') return undefined;
  if (check.status === 'unknown' && policy.acceptNew) {
    try {
      mkdirSync(dirname(policy.writeFile), { recursive: true, mode: 0o700 });
      appendFileSync(policy.writeFile, `${hashedLine(policy.host, policy.port, key, undefined, policy.alias)}\n`, { mode: 0o600 });
      return undefined;
    } catch (e) {
      return new SshError('hostkey', policy.label, `${policy.label}: cannot record the new host key in ${policy.writeFile}: ${(e as Error).message}`);
    }
  }
  return new SshError('hostkey', policy.label, hostKeyRefusal(policy.label, check, policy.host, policy.port, key, policy.writeFile, policy.alias));
}

/** Host key algorithms ssh2 can verify. */
const SSH2_HOSTKEY_ALGOS = ['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521', 'rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa', 'ssh-dss'];

/** The host key algorithms to offer, in order: the allowed ones ssh2 supports, those whose keys are already
 *  known first (as OpenSSH orders them). Empty when none is left (the handshake then fails, as ssh's would). */
export function hostKeyAlgorithmOrder(policy: HostKeyPolicy): string[] {
  const allowed = (policy.algorithms ?? SSH2_HOSTKEY_ALGOS).filter((a) => SSH2_HOSTKEY_ALGOS.includes(a));
  const known = new Set<string>();
  for (const t of knownKeyTypes(loadKnownHosts(policy.files), policy.host, policy.port, policy.alias)) {
    if (t === 'ssh-rsa') ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'].forEach((a) => known.add(a));
    else known.add(t);
  }
  return [...allowed.filter((a) => known.has(a)), ...allowed.filter((a) => !known.has(a))];
}
