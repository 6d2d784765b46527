import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

// OpenSSH known_hosts, read like `ssh -o StrictHostKeyChecking=yes`: plain and hashed (|1|salt|hmac-sha1)
// names, `[host]:port` for ports other than 22, comma lists with `*`/`?` wildcards and `!` negation,
// `@revoked` keys (always refused). `@cert-authority` lines are skipped: host certificates are not
// supported, so such a host is reported unknown. Pure: no file access here.

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
  | { status: 'revoked'; entry: KnownHostEntry };

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
    if (!names || !keyType || !b64 || !/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) return;
    const key = Buffer.from(b64, 'base64');
    if (key.length < 8) return;
    const entry: KnownHostEntry = { marker, patterns: [], keyType, key, source: `${file}:${i + 1}` };
    if (names.startsWith('|1|')) {
      const [, , salt, hash] = names.split('|');
      if (!salt || !hash) return;
      entry.hashed = { salt: Buffer.from(salt, 'base64'), hash: Buffer.from(hash, 'base64') };
      if (entry.hashed.hash.length !== 20) return;
    } else {
      entry.patterns = names.split(',').filter(Boolean);
    }
    out.push(entry);
  });
  return out;
}

/** The name OpenSSH looks up: `host` on port 22, `[host]:port` otherwise, lower-cased. */
export function hostLookupName(host: string, port: number): string {
  const h = host.toLowerCase();
  return port === 22 ? h : `[${h}]:${port}`;
}

/** OpenSSH wildcard match (`*`, `?`), case-insensitive unless told otherwise. */
export function wildcardMatch(text: string, pattern: string, ignoreCase = true): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, ignoreCase ? 'is' : 's');
  return re.test(text);
}

/** A pattern list matches when a positive pattern matches and no negated one does. */
export function matchPatternList(name: string, patterns: readonly string[]): boolean {
  let positive = false;
  for (const p of patterns) {
    if (p.startsWith('!')) {
      if (wildcardMatch(name, p.slice(1))) return false;
    } else if (wildcardMatch(name, p)) positive = true;
  }
  return positive;
}

export function entryMatchesHost(entry: KnownHostEntry, lookupName: string): boolean {
  if (entry.hashed) {
    const mac = createHmac('sha1', entry.hashed.salt).update(lookupName).digest();
    return timingSafeEqual(mac, entry.hashed.hash);
  }
  return matchPatternList(lookupName, entry.patterns);
}

/** Checks a server's raw public key blob against every entry (from all files) for host:port. */
export function checkHostKey(entries: readonly KnownHostEntry[], host: string, port: number, key: Buffer): HostKeyCheck {
  const name = hostLookupName(host, port);
  const mine = entries.filter((e) => e.marker !== 'cert-authority' && entryMatchesHost(e, name));
  const revoked = mine.find((e) => e.marker === 'revoked' && e.key.equals(key));
  if (revoked) return { status: 'revoked', entry: revoked };
  const plain = mine.filter((e) => !e.marker);
  const ok = plain.find((e) => e.key.equals(key));
  if (ok) return { status: 'ok', entry: ok };
  // A different key of the same type, or only keys of other types: either way not the key we know.
  const type = keyTypeOf(key);
  const changed = plain.find((e) => e.keyType === type) ?? plain[0];
  return changed ? { status: 'changed', entry: changed } : { status: 'unknown' };
}

/** Key types already known for host:port, to offer those host key algorithms first (as OpenSSH does). */
export function knownKeyTypes(entries: readonly KnownHostEntry[], host: string, port: number): string[] {
  const name = hostLookupName(host, port);
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
export function hashedLine(host: string, port: number, key: Buffer, salt: Buffer = randomBytes(20)): string {
  const mac = createHmac('sha1', salt).update(hostLookupName(host, port)).digest();
  return `|1|${salt.toString('base64')}|${mac.toString('base64')} ${keyTypeOf(key)} ${key.toString('base64')}`;
}

/** The one-line refusal a user sees, with the fingerprint and what to do. */
export function hostKeyRefusal(label: string, check: Exclude<HostKeyCheck, { status: 'ok' }>, host: string, port: number, key: Buffer, file: string): string {
  const fp = `${keyTypeOf(key)} ${fingerprint(key)}`;
  const name = hostLookupName(host, port);
  switch (check.status) {
    case 'unknown':
      return `${label}: unknown host key for ${name} (${fp}); verify it, then add it to ${file} (e.g. ssh-keyscan) or run with --accept-new`;
    case 'changed':
      return `${label}: HOST KEY CHANGED for ${name}: server offers ${fp}, ${check.entry.source} has ${check.entry.keyType} ${fingerprint(check.entry.key)}; if expected, run ssh-keygen -R '${name}' -f ${file}`;
    case 'revoked':
      return `${label}: host key for ${name} is REVOKED (${fp}, ${check.entry.source}); refusing to connect`;
  }
}
