import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import ssh2 from 'ssh2';

// RevokedHostKeys (ssh_config(5)), checked as OpenSSH's sshkey_check_revoked does: the file is an OpenSSH KRL
// (`ssh-keygen -k`, PROTOCOL.krl: explicit keys, SHA-1 and SHA-256 fingerprints) when it starts with the KRL
// magic, otherwise a list of public keys, one a line. A file that cannot be read, or a list line that is not a
// public key, makes the check fail, and the connection is refused (fail closed, as ssh does).

const KRL_MAGIC = Buffer.from('SSHKRL\n\0', 'latin1');
const SECTION = { certificates: 1, explicitKey: 2, sha1: 3, signature: 4, sha256: 5 } as const;

export type RevokedResult = { revoked: boolean } | { error: string };

export function checkRevoked(file: string, key: Buffer): RevokedResult {
  let data: Buffer;
  try {
    data = readFileSync(file);
  } catch (e) {
    return { error: (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message };
  }
  if (data.subarray(0, 8).equals(KRL_MAGIC)) return krlContains(data, key);
  return listContains(data.toString('utf8'), key);
}

function listContains(text: string, key: Buffer): RevokedResult {
  for (const raw of text.split('\n')) {
    const line = raw.replace(/^[ \t]+/, '');
    if (!line || line.startsWith('#')) continue;
    const [type, b64] = line.split(/[ \t]+/);
    const parsed = type && b64 ? ssh2.utils.parseKey(`${type} ${b64}`) : new Error('not a key');
    if (parsed instanceof Error || Array.isArray(parsed)) return { error: `not a public key: ${line.slice(0, 40)}` };
    if (parsed.getPublicSSH().equals(key)) return { revoked: true };
  }
  return { revoked: false };
}

class Reader {
  off = 0;
  constructor(readonly b: Buffer) {}
  need(n: number): void {
    if (this.off + n > this.b.length) throw new Error('truncated KRL');
  }
  u8(): number {
    this.need(1);
    return this.b[this.off++]!;
  }
  u32(): number {
    this.need(4);
    const v = this.b.readUInt32BE(this.off);
    this.off += 4;
    return v;
  }
  u64(): bigint {
    this.need(8);
    const v = this.b.readBigUInt64BE(this.off);
    this.off += 8;
    return v;
  }
  str(): Buffer {
    const n = this.u32();
    this.need(n);
    const v = this.b.subarray(this.off, this.off + n);
    this.off += n;
    return v;
  }
  get done(): boolean {
    return this.off >= this.b.length;
  }
}

function krlContains(data: Buffer, key: Buffer): RevokedResult {
  try {
    const r = new Reader(data);
    r.off = 8;
    if (r.u32() !== 1) return { error: 'unsupported KRL format version' };
    r.u64(); // krl version
    r.u64(); // generated date
    r.u64(); // flags
    r.str(); // reserved
    r.str(); // comment
    const sha1 = createHash('sha1').update(key).digest();
    const sha256 = createHash('sha256').update(key).digest();
    let revoked = false;
    while (!r.done) {
      const type = r.u8();
      const body = new Reader(r.str());
      if (type === SECTION.signature) break; // what follows is signatures, not revocations
      if (type === SECTION.certificates) continue; // host certificates are not supported
      if (type !== SECTION.explicitKey && type !== SECTION.sha1 && type !== SECTION.sha256) return { error: `unknown KRL section ${type}` };
      while (!body.done) {
        const item = body.str();
        if (type === SECTION.explicitKey ? item.equals(key) : type === SECTION.sha1 ? item.equals(sha1) : item.equals(sha256)) revoked = true;
      }
    }
    return { revoked };
  } catch (e) {
    return { error: (e as Error).message };
  }
}
