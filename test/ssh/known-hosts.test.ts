import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkHostKey, fingerprint, hashedLine, hostKeyRefusal, keyTypeOf, parseKnownHosts, knownKeyTypes } from '../../src/ssh/known-hosts.js';
import { verifyHostKey } from '../../src/ssh/host-keys.js';

// Keys and hashed lines come from OpenSSH's own tools (ssh-keygen), so the matcher is checked against
// what real known_hosts files contain, and our hashed lines against what ssh-keygen -F finds.

const dir = mkdtempSync(join(tmpdir(), 'mvm-kh-'));
interface Key {
  line: string;
  blob: Buffer;
  type: string;
}
const keys: Record<string, Key> = {};

function keygen(name: string, type: string): Key {
  const f = join(dir, name);
  execFileSync('ssh-keygen', ['-q', '-t', type, '-N', '', '-f', f]);
  const line = readFileSync(`${f}.pub`, 'utf8').trim();
  const [t, b64] = line.split(' ');
  return { line, blob: Buffer.from(b64!, 'base64'), type: t! };
}

function hashWithSshKeygen(text: string): string {
  const f = join(dir, `kh-${Math.random().toString(36).slice(2)}`);
  writeFileSync(f, text);
  execFileSync('ssh-keygen', ['-q', '-H', '-f', f], { stdio: 'ignore' });
  return readFileSync(f, 'utf8');
}

beforeAll(() => {
  keys.a = keygen('a', 'ed25519');
  keys.b = keygen('b', 'ed25519');
  keys.c = keygen('c', 'ecdsa');
});

const pub = (k: Key) => `${k.type} ${k.blob.toString('base64')}`;

describe('known_hosts matching', () => {
  it('accepts a plain entry and a comma list, and reports an unknown host', () => {
    const entries = parseKnownHosts(`lab,192.168.77.2 ${pub(keys.a!)}\n`);
    expect(checkHostKey(entries, '192.168.77.2', 22, keys.a!.blob).status).toBe('ok');
    expect(checkHostKey(entries, 'LAB', 22, keys.a!.blob).status).toBe('ok');
    expect(checkHostKey(entries, 'other', 22, keys.a!.blob).status).toBe('unknown');
  });

  it('matches entries hashed by ssh-keygen -H, for port 22 and [host]:port', () => {
    const hashed = hashWithSshKeygen(`10.1.0.2 ${pub(keys.a!)}\n[10.1.0.2]:2222 ${pub(keys.b!)}\n`);
    expect(hashed).toMatch(/^\|1\|/);
    const entries = parseKnownHosts(hashed);
    expect(entries.every((e) => e.hashed && e.patterns.length === 0)).toBe(true);
    expect(checkHostKey(entries, '10.1.0.2', 22, keys.a!.blob).status).toBe('ok');
    expect(checkHostKey(entries, '10.1.0.2', 2222, keys.b!.blob).status).toBe('ok');
    // The port-22 key is not valid on another port, and vice versa.
    expect(checkHostKey(entries, '10.1.0.2', 2222, keys.a!.blob).status).toBe('changed');
    expect(checkHostKey(entries, '10.1.0.2', 2223, keys.a!.blob).status).toBe('unknown');
    expect(checkHostKey(entries, '10.1.0.3', 22, keys.a!.blob).status).toBe('unknown');
  });

  it('reports a changed key with the fingerprint of both keys and the ssh-keygen -R advice', () => {
    const entries = parseKnownHosts(`lab ${pub(keys.a!)}\n`, '/tmp/kh');
    const check = checkHostKey(entries, 'lab', 22, keys.b!.blob);
    expect(check.status).toBe('changed');
    if (check.status !== 'changed') return;
    const msg = hostKeyRefusal('lab', check, 'lab', 22, keys.b!.blob, '/tmp/kh');
    const fpB = execFileSync('ssh-keygen', ['-l', '-f', join(dir, 'b.pub')], { encoding: 'utf8' }).split(' ')[1]!;
    const fpA = execFileSync('ssh-keygen', ['-l', '-f', join(dir, 'a.pub')], { encoding: 'utf8' }).split(' ')[1]!;
    expect(msg).toContain(fpB);
    expect(msg).toContain(fpA);
    expect(msg).toContain("ssh-keygen -R 'lab' -f /tmp/kh");
    expect(msg).toContain('/tmp/kh:1');
    expect(msg.includes('\n')).toBe(false);
  });

  it('prints fingerprints exactly as ssh-keygen -l does', () => {
    for (const n of ['a', 'c']) {
      const fp = execFileSync('ssh-keygen', ['-l', '-f', join(dir, `${n}.pub`)], { encoding: 'utf8' }).split(' ')[1];
      expect(fingerprint(keys[n]!.blob)).toBe(fp);
    }
    expect(keyTypeOf(keys.c!.blob)).toBe('ecdsa-sha2-nistp256');
  });

  it('refuses a @revoked key even when another line accepts it', () => {
    const entries = parseKnownHosts(`lab ${pub(keys.a!)}\n@revoked * ${pub(keys.a!)}\n`);
    expect(checkHostKey(entries, 'lab', 22, keys.a!.blob).status).toBe('revoked');
    expect(checkHostKey(entries, 'lab', 22, keys.b!.blob).status).toBe('changed');
  });

  it('ignores @cert-authority lines (certificates unsupported): the host stays unknown', () => {
    const entries = parseKnownHosts(`@cert-authority *.example ${pub(keys.a!)}\n`);
    expect(checkHostKey(entries, 'h.example', 22, keys.a!.blob).status).toBe('unknown');
  });

  it('honours wildcards and negation', () => {
    const entries = parseKnownHosts(`10.?.0.2,!10.4.0.2 ${pub(keys.a!)}\n*.lab ${pub(keys.b!)}\n`);
    expect(checkHostKey(entries, '10.1.0.2', 22, keys.a!.blob).status).toBe('ok');
    expect(checkHostKey(entries, '10.4.0.2', 22, keys.a!.blob).status).toBe('unknown');
    expect(checkHostKey(entries, '10.11.0.2', 22, keys.a!.blob).status).toBe('unknown');
    expect(checkHostKey(entries, 'vm1.lab', 22, keys.b!.blob).status).toBe('ok');
  });

  it('treats a host known only by another key type as changed, and lists the known types', () => {
    const entries = parseKnownHosts(`lab ${pub(keys.c!)}\n`);
    expect(checkHostKey(entries, 'lab', 22, keys.a!.blob).status).toBe('changed');
    expect(knownKeyTypes(entries, 'lab', 22)).toEqual(['ecdsa-sha2-nistp256']);
  });

  it('skips garbage lines without throwing', () => {
    const text = `# comment\n\ngarbage\n@bogus lab ${pub(keys.a!)}\nlab ssh-ed25519 !!!notbase64\n|1|onlysalt ssh-ed25519 AAAA\n\u0000\u0001\nlab ${pub(keys.a!)}\n`;
    const entries = parseKnownHosts(text, 'f');
    expect(entries).toHaveLength(1);
    expect(entries[0]!.source).toBe('f:8');
  });

  it('writes hashed lines that ssh-keygen -F finds (accept-new)', () => {
    const f = join(dir, 'accept-new', 'known_hosts');
    const policy = { label: 'lab', host: '127.0.0.1', port: 2222, files: [f], writeFile: f, acceptNew: true };
    expect(verifyHostKey(policy, keys.a!.blob)).toBeUndefined();
    expect(existsSync(f)).toBe(true);
    expect(statSync(f).mode & 0o777).toBe(0o600);
    const text = readFileSync(f, 'utf8');
    expect(text).toMatch(/^\|1\|[A-Za-z0-9+/=]+\|[A-Za-z0-9+/=]+ ssh-ed25519 /);
    expect(text).not.toContain('127.0.0.1');
    const found = execFileSync('ssh-keygen', ['-F', '[127.0.0.1]:2222', '-f', f], { encoding: 'utf8' });
    expect(found).toContain(keys.a!.blob.toString('base64'));
    // Recorded once; the same key is now simply ok, a different one is still refused.
    expect(verifyHostKey(policy, keys.a!.blob)).toBeUndefined();
    expect(readFileSync(f, 'utf8').trim().split('\n')).toHaveLength(1);
    const changed = verifyHostKey(policy, keys.b!.blob);
    expect(changed?.kind).toBe('hostkey');
    expect(changed?.message).toContain('HOST KEY CHANGED');
    expect(readFileSync(f, 'utf8').trim().split('\n')).toHaveLength(1);
  });

  it('in strict mode refuses an unknown key and writes nothing', () => {
    const f = join(dir, 'strict-kh');
    const err = verifyHostKey({ label: 'lab', host: 'lab', port: 22, files: [f], writeFile: f, acceptNew: false }, keys.a!.blob);
    expect(err?.message).toMatch(/^lab: unknown host key for lab \(ssh-ed25519 SHA256:[A-Za-z0-9+/]+\);.*--accept-new$/);
    expect(existsSync(f)).toBe(false);
  });

  it('hashedLine uses the given salt deterministically (same as OpenSSH for the same salt)', () => {
    const salt = Buffer.alloc(20, 7);
    const ours = hashedLine('lab', 22, keys.a!.blob, salt);
    const entries = parseKnownHosts(ours);
    expect(entries[0]!.hashed!.salt.equals(salt)).toBe(true);
    expect(checkHostKey(entries, 'lab', 22, keys.a!.blob).status).toBe('ok');
  });
});

describe('lines OpenSSH does not read never match; aliases and revocation lists', () => {
  it('ignores a line whose type label differs from the key, whose base64 has extra padding, or whose | name is no hash', () => {
    const [t, b64] = pub(keys.a!).split(' ') as [string, string];
    expect(checkHostKey(parseKnownHosts(`h ${t} ${b64}\n`), 'h', 22, keys.a!.blob).status).toBe('ok');
    expect(checkHostKey(parseKnownHosts(`h ecdsa-sha2-nistp256 ${b64}\n`), 'h', 22, keys.a!.blob).status).toBe('unknown');
    expect(checkHostKey(parseKnownHosts(`h ${t} ${b64}==\n`), 'h', 22, keys.a!.blob).status).toBe('unknown');
    expect(checkHostKey(parseKnownHosts(`|h ${t} ${b64}\n|2|x|y ${t} ${b64}\n`), '|h', 22, keys.a!.blob).status).toBe('unknown');
  });

  it('matches ? against one byte (two for a two-byte character), patterns lower-cased', () => {
    expect(checkHostKey(parseKnownHosts(`w?b ${pub(keys.a!)}\n`), 'wéb', 22, keys.a!.blob).status).toBe('unknown');
    expect(checkHostKey(parseKnownHosts(`w??b ${pub(keys.a!)}\n`), 'wéb', 22, keys.a!.blob).status).toBe('ok');
    expect(checkHostKey(parseKnownHosts(`WEB ${pub(keys.a!)}\n`), 'web', 22, keys.a!.blob).status).toBe('ok');
  });

  it('looks a HostKeyAlias up as it is (no port), and records it so; ssh-keygen -F finds it', () => {
    const entries = parseKnownHosts(`myalias ${pub(keys.a!)}\n`);
    expect(checkHostKey(entries, '10.0.0.1', 2222, keys.a!.blob, 'MyAlias').status).toBe('ok');
    expect(checkHostKey(entries, '10.0.0.1', 2222, keys.a!.blob).status).toBe('unknown');
    const f = join(dir, 'kh-alias');
    const policy = { label: 'x', host: '10.0.0.1', port: 2222, alias: 'myalias', files: [f], writeFile: f, acceptNew: true };
    expect(verifyHostKey(policy, keys.b!.blob)).toBeUndefined();
    expect(execFileSync('ssh-keygen', ['-F', 'myalias', '-f', f], { encoding: 'utf8' })).toContain('Host myalias found');
  });

  it('RevokedHostKeys: a key in a KRL (ssh-keygen -k) or a plain list is refused; an unreadable file refuses all', () => {
    const krl = join(dir, 'revoked.krl');
    execFileSync('ssh-keygen', ['-q', '-k', '-f', krl, join(dir, 'a.pub')]);
    const list = join(dir, 'revoked.list');
    writeFileSync(list, `# revoked\n${pub(keys.b!)} old\n`);
    const f = join(dir, 'kh-rev');
    writeFileSync(f, `h ${pub(keys.a!)}\nh ${pub(keys.b!)}\nh ${pub(keys.c!)}\n`);
    const policy = (revokedFile: string) => ({ label: 'x', host: 'h', port: 22, files: [f], writeFile: f, acceptNew: false, revokedFile });
    expect(verifyHostKey(policy(krl), keys.a!.blob)?.message).toMatch(/REVOKED .*RevokedHostKeys/);
    expect(verifyHostKey(policy(krl), keys.b!.blob)).toBeUndefined();
    expect(verifyHostKey(policy(list), keys.b!.blob)?.message).toMatch(/REVOKED/);
    expect(verifyHostKey(policy(list), keys.c!.blob)).toBeUndefined();
    expect(verifyHostKey(policy(join(dir, 'missing')), keys.c!.blob)?.message).toMatch(/cannot check .*\(no such file\)/);
  });
});
