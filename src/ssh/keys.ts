import { readFile } from 'node:fs/promises';
import ssh2 from 'ssh2';
import type { ParsedKey } from 'ssh2';
import { memoryFile } from './memory-files.js';

// Private keys, read and decrypted once per process: decrypting a new-format key takes ~430 ms and an
// encrypted key must ask for its passphrase only once. A wrong passphrase is remembered too, so a
// reconnect loop does not prompt again and again. Neither passphrases nor key bytes reach any message.

export type AskPassphrase = (keyPath: string) => Promise<string>;

export type KeyResult =
  | { ok: true; key: ParsedKey }
  | { ok: false; reason: 'missing' | 'unreadable' | 'invalid' | 'encrypted-no-prompt' | 'wrong-passphrase' | 'prompt-cancelled' };

export class KeyStore {
  private readonly cache = new Map<string, Promise<KeyResult>>();

  constructor(private readonly ask?: AskPassphrase) {}

  load(path: string): Promise<KeyResult> {
    let p = this.cache.get(path);
    if (!p) {
      p = this.read(path);
      this.cache.set(path, p);
    }
    return p;
  }

  private async read(path: string): Promise<KeyResult> {
    let data: Buffer;
    try {
      const mem = memoryFile(path);
      data = mem !== undefined ? Buffer.from(mem) : await readFile(path);
    } catch (e) {
      return { ok: false, reason: (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : 'unreadable' };
    }
    const plain = first(ssh2.utils.parseKey(data));
    if (!(plain instanceof Error)) return plain.isPrivateKey() ? { ok: true, key: plain } : { ok: false, reason: 'invalid' };
    if (!/encrypted|passphrase/i.test(plain.message)) return { ok: false, reason: 'invalid' };
    if (!this.ask) return { ok: false, reason: 'encrypted-no-prompt' };
    let pass: string;
    try {
      pass = await this.ask(path);
    } catch {
      return { ok: false, reason: 'prompt-cancelled' };
    }
    const dec = first(ssh2.utils.parseKey(data, pass));
    pass = '';
    if (dec instanceof Error) return { ok: false, reason: /bad passphrase|decrypt|integrity/i.test(dec.message) ? 'wrong-passphrase' : 'invalid' };
    return { ok: true, key: dec };
  }
}

function first(k: ParsedKey | ParsedKey[] | Error): ParsedKey | Error {
  return Array.isArray(k) ? (k[0] ?? new Error('no key in file')) : k;
}

/** Short human text for a key that could not be used (never the key or the passphrase). */
export function keyProblem(path: string, reason: Exclude<KeyResult, { ok: true }>['reason']): string {
  switch (reason) {
    case 'missing':
      return `${path} not found`;
    case 'unreadable':
      return `${path} unreadable`;
    case 'invalid':
      return `${path} is not a private key ssh2 can read`;
    case 'encrypted-no-prompt':
      return `${path} is encrypted and no passphrase prompt is available`;
    case 'wrong-passphrase':
      return `wrong passphrase for ${path}`;
    case 'prompt-cancelled':
      return `passphrase for ${path} not given`;
  }
}
