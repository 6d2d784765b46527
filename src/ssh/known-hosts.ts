import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import ssh2 from 'ssh2';
import { asciiLower, matchPatternList } from './patterns.js';

// OpenSSH known_hosts, read like `ssh -o StrictHostKeyChecking=yes`: plain and hashed (|1|salt|hmac-sha1)
// names, `[host]:port` for ports other than 22 (or the HostKeyAlias as it is), comma lists with `*`/`?`
// wildcards matched byte-wise and `!` negation, `@revoked` keys (always refused). A line OpenSSH would not
// read never matches: a names field starting with `|` that is not a valid hash, a key whose base64 is not
// exactly canonical, or whose type label differs from the type inside the key. `@cert-authority` lines are
// skipped: host certificates are not supported, so such a host is reported unknown. Pure: no file access here.

export interface KnownHostEntry {
  marker?: 'revoked' | 'cert-authority';
  /** Plain patterns; empty when the entry is hashed. */
  patterns: string[];
  hashed?: { salt: Buffer; hash: Buffer };
  keyType: string;
  key: Buffer;
  /** Where it came from, for messages ("~/.ssh/known_hosts:12"). */
  source: string;
}

export type HostKeyCheck =
  | { status: 'ok'; entry: KnownHostEntry }
  | { status: 'unknown' }
  | { status: 'changed'; entry: KnownHostEntry }
  | { status: 'revoked'; entry: KnownHostEntry }
  | { status: 'revoked-file'; file: string }
  | { status: 'revoked-unreadable'; file: string; reason: string };

/** Parses a known_hosts file; odd lines are skipped, never thrown on. */
export function parseKnownHosts(text: string, file = 'known_hosts'): KnownHostEntry[] {
  const out: KnownHostEntry[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const fields = line.split(/[ \t]+/);
    let marker: KnownHostEntry['marker'];
    if (fields[0]?.startsWith('@')) {
      const m = fields.shift();
      if (m === '@revoked') marker = 'revoked';
      else if (m === '@cert-authority') marker = 'cert-authority';
      else return;
    }
    const [names, keyType, b64] = fields;
    if (!names || !keyType || !b64 || !isCanonicalBase64(b64)) return;
    const key = Buffer.from(b64, 'base64');
    if (key.length < 8 || keyTypeOf(key) !== keyType || ssh2.utils.parseKey(`${keyType} ${b64}`) instanceof Error) return;
    const entry: KnownHostEntry = { marker, patterns: [], keyType, key, source: `${file}:${i + 1}` };
    if (names.startsWith('|')) {
      const parts = names.split('|');
      if (parts.length !== 4 || parts[1] !== '1' || !isCanonicalBase64(parts[2]!) || !isCanonicalBase64(parts[3]!)) return;
      entry.hashed = { salt: Buffer.from(parts[2]!, 'base64'), hash: Buffer.from(parts[3]!, 'base64') };
      if (entry.hashed.hash.length !== 20 || entry.hashed.salt.length !== 20) return;
    } else {
      entry.patterns = names.split(',');
    }
    out.push(entry);
  });
  return out;
}

/** base64 that decodes and encodes back to exactly itself (OpenSSH's b64_pton refuses the rest). */
function isCanonicalBase64(s: string): boolean {
  return /^[A-Za-z0-9+/]+={0,2}$/.test(s) && Buffer.from(s, 'base64').toString('base64') === s;
}

/** The name OpenSSH looks up: `host` on port 22, `[host]:port` otherwise, lower-cased; a HostKeyAlias as it is
 *  (lower-cased, never with a port). */
export function hostLookupName(host: string, port: number, alias?: string): string {
  if (alias) return asciiLower(alias);
  const h = asciiLower(host);
  return port === 22 ? h : `[${h}]:${port}`;
}

export function entryMatchesHost(entry: KnownHostEntry, lookupName: string): boolean {
  if (entry.hashed) {
    const mac = createHmac('sha1', entry.hashed.salt).update(lookupName).digest();
    return timingSafeEqual(mac, entry.hashed.hash);
  }
  return matchPatternList(lookupName, entry.patterns.join(','), true) === 1;
}

/** Checks a server's raw public key blob against every entry (from all files) for host:port. */
export function checkHostKey(entries: readonly KnownHostEntry[], host: string, port: number, key: Buffer, alias?: string): HostKeyCheck {
  const name = hostLookupName(host, port, alias);
  const mine = entries.filter((e) => e.marker !== 'cert-authority' && entryMatchesHost(e, name));
  const revoked = mine.find((e) => e.marker === 'revoked' && e.key.equals(key));
  if (revoked) return { status: 'revoked', entry: revoked };
  const plain = mine.filter((e) => !e.marker);
  const ok = plain.find((e) => e.key.equals(key));
  if (ok) return { status: 'ok', entry: ok };
  // A different key of the same type, or only keys of other types: either way not the key we know (ssh calls the
  // second new, and records it under accept-new; mvm-tui refuses it, and is stricter there).
  const type = keyTypeOf(key);
  const changed = plain.find((e) => e.keyType === type) ?? plain[0];
  return changed ? { status: 'changed', entry: changed } : { status: 'unknown' };
}

/** Key types already known for host:port, to offer those host key algorithms first (as OpenSSH does). */
export function knownKeyTypes(entries: readonly KnownHostEntry[], host: string, port: number, alias?: string): string[] {
  const name = hostLookupName(host, port, alias);
  const types = entries.filter((e) => !e.marker && entryMatchesHost(e, name)).map((e) => e.keyType);
  return [...new Set(types)];
}

/** The key type named inside an SSH wire-format public key blob ("ssh-ed25519"), or "unknown". */
export function keyTypeOf(blob: Buffer): string {
  if (blob.length < 4) return 'unknown';
  const len = blob.readUInt32BE(0);
  if (len < 1 || len > 64 || 4 + len > blob.length) return 'unknown';
  return blob.subarray(4, 4 + len).toString('latin1');
}

/** `SHA256:...` as OpenSSH prints it (base64 without padding). */
export function fingerprint(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/** A hashed known_hosts line for host:port (what `ssh-keygen -H` / HashKnownHosts=yes writes). */
export function hashedLine(host: string, port: number, key: Buffer, salt: Buffer = randomBytes(20), alias?: string): string {
  const mac = createHmac('sha1', salt).update(hostLookupName(host, port, alias)).digest();
  return `|1|${salt.toString('base64')}|${mac.toString('base64')} ${keyTypeOf(key)} ${key.toString('base64')}`;
}

/** The one-line refusal a user sees, with the fingerprint and what to do. */
export function hostKeyRefusal(label: string, check: Exclude<HostKeyCheck, { status: 'ok' }>, host: string, port: number, key: Buffer, file: string, alias?: string): string {
  const fp = `${keyTypeOf(key)} ${fingerprint(key)}`;
  const name = hostLookupName(host, port, alias);
  switch (check.status) {
    case 'unknown':
      return `${label}: unknown host key for ${name} (${fp}); verify it, then add it to ${file} (e.g. ssh-keyscan) or run with --accept-new`;
    case 'changed':
      return `${label}: HOST KEY CHANGED for ${name}: server offers ${fp}, ${check.entry.source} has ${check.entry.keyType} ${fingerprint(check.entry.key)}; if expected, run ssh-keygen -R '${name}' -f ${file}`;
    case 'revoked':
      return `${label}: host key for ${name} is REVOKED (${fp}, ${check.entry.source}); refusing to connect`;
    case 'revoked-file':
      return `${label}: host key for ${name} is REVOKED (${fp}, RevokedHostKeys ${check.file}); refusing to connect`;
    case 'revoked-unreadable':
      return `${label}: cannot check the host key of ${name} against RevokedHostKeys ${check.file} (${check.reason}); refusing to connect`;
  }
}
