import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseJump, parseLine, resolveSshConfig } from '../../src/ssh/ssh-config.js';

// Where OpenSSH can judge, the same file is also resolved by `ssh -G` (which reads the config and
// prints the result without connecting) and both answers must agree.

function home(files: Record<string, string>): string {
  const h = mkdtempSync(join(tmpdir(), 'mvm-sshcfg-'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(h, rel, '..'), { recursive: true });
    writeFileSync(join(h, rel), text);
  }
  return h;
}

function sshG(file: string, alias: string): Record<string, string> {
  const out = execFileSync('ssh', ['-G', '-F', file, alias], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const r: Record<string, string> = {};
  for (const line of out.split('\n')) {
    const i = line.indexOf(' ');
    if (i > 0 && !(line.slice(0, i) in r)) r[line.slice(0, i)] = line.slice(i + 1);
  }
  return r;
}

const CONFIG = `# the seed's hypervisor under an alias
Host hv hv-* !hv-off
  HostName 192.168.77.2
  User root
  IdentityFile ~/.ssh/rw-ssh-key

Host hv-2
  Port 2222
  HostName=10.9.9.9

Host ?m?
  ProxyJump root@hv:2200
  User=admin

Host *
  User nobody
  Port 22
  UserKnownHostsFile /tmp/kh1 /tmp/kh2
  StrictHostKeyChecking accept-new
  IdentityFile "~/.ssh/id_%h"
`;

describe('ssh_config resolution', () => {
  const h = home({ '.ssh/config': CONFIG });
  const file = join(h, '.ssh/config');
  const opts = { file, home: h, localUser: 'me' };

  it.each(['hv', 'hv-2', 'hv-off', 'vm1', 'other'])('agrees with ssh -G on %s (first value wins, patterns, negation)', (alias) => {
    const ours = resolveSshConfig(alias, opts);
    const theirs = sshG(file, alias);
    expect(ours.hostname).toBe(theirs.hostname);
    expect(ours.user).toBe(theirs.user);
    expect(String(ours.port ?? 22)).toBe(theirs.port);
    expect(ours.proxyJump).toBe(theirs.proxyjump);
    expect(ours.userKnownHostsFiles?.join(' ')).toBe(theirs.userknownhostsfile);
  });

  it('resolves the hypervisor alias with IdentityFiles accumulated in order and ~ expanded', () => {
    const r = resolveSshConfig('hv-2', opts);
    expect(r).toMatchObject({ hostname: '192.168.77.2', user: 'root', port: 2222, strictHostKeyChecking: 'accept-new' });
    expect(r.identityFiles).toEqual([join(h, '.ssh/rw-ssh-key'), join(h, '.ssh/id_192.168.77.2')]);
  });

  it('a negated pattern keeps the whole block from applying', () => {
    const r = resolveSshConfig('hv-off', opts);
    expect(r.hostname).toBe('hv-off');
    expect(r.user).toBe('nobody');
  });

  it('expands %h %u %r %d %p %n %% tokens', () => {
    const hh = home({ '.ssh/config': 'Host t\n  HostName real.example\n  User remote\n  Port 2022\n  IdentityFile %d/k-%h-%u-%r-%p-%n-%%\n' });
    const r = resolveSshConfig('t', { home: hh, localUser: 'me' });
    expect(r.identityFiles).toEqual([`${hh}/k-real.example-me-remote-2022-t-%`]);
  });

  it('HostName may use %h for the alias', () => {
    const hh = home({ '.ssh/config': 'Host *.short\n  HostName %h.example.org\n' });
    expect(resolveSshConfig('a.short', { home: hh, localUser: 'me' }).hostname).toBe('a.short.example.org');
  });

  it('follows Include with globs relative to ~/.ssh, in sorted order, and conditional inside a Host block', () => {
    const hh = home({
      '.ssh/config': 'Include conf.d/*.conf\nHost cond\n  Include cond.inc\nHost *\n  User last\n',
      '.ssh/conf.d/10-a.conf': 'Host lab\n  HostName 10.0.0.10\n',
      '.ssh/conf.d/20-b.conf': 'Host lab\n  HostName 10.0.0.20\n  Port 2000\n',
      '.ssh/conf.d/ignored.txt': 'Host lab\n  User wrong\n',
      '.ssh/cond.inc': 'User fromcond\n',
    });
    const lab = resolveSshConfig('lab', { home: hh, localUser: 'me' });
    expect(lab).toMatchObject({ hostname: '10.0.0.10', port: 2000, user: 'last' });
    expect(resolveSshConfig('cond', { home: hh, localUser: 'me' }).user).toBe('fromcond');
  });

  it('survives an Include loop and a missing file', () => {
    const hh = home({ '.ssh/config': 'Include config\nHost x\n  User u\n' });
    const r = resolveSshConfig('x', { home: hh, localUser: 'me' });
    expect(r.user).toBe('u');
    expect(r.warnings.join()).toMatch(/nested too deeply/);
    expect(resolveSshConfig('x', { home: hh, file: join(hh, 'nope'), localUser: 'me' }).hostname).toBe('x');
  });

  it('skips Match blocks (unsupported) but says so', () => {
    const hh = home({ '.ssh/config': 'Match user root\n  User matched\nHost *\n  User plain\n' });
    const r = resolveSshConfig('x', { home: hh, localUser: 'me' });
    expect(r.user).toBe('plain');
    expect(r.warnings.join()).toMatch(/Match/);
  });

  it('reads IdentitiesOnly, IdentityAgent, ConnectTimeout', () => {
    const hh = home({ '.ssh/config': 'Host x\n  IdentitiesOnly yes\n  IdentityAgent none\n  ConnectTimeout 7\n' });
    expect(resolveSshConfig('x', { home: hh, localUser: 'me' })).toMatchObject({ identitiesOnly: true, identityAgent: 'none', connectTimeoutMs: 7000 });
  });

  it('parses lines with =, quotes and trailing comments', () => {
    expect(parseLine('  IdentityFile = "/a b/c"  # key')).toEqual(['identityfile', ['/a b/c']]);
    expect(parseLine('# only a comment')).toBeUndefined();
    expect(parseLine('')).toBeUndefined();
  });

  it('parses ProxyJump: user@host:port, first hop only', () => {
    expect(parseJump('root@hv:2200')).toEqual({ user: 'root', host: 'hv', port: 2200, extraHops: false });
    expect(parseJump('hv')).toEqual({ user: undefined, host: 'hv', port: undefined, extraHops: false });
    expect(parseJump('a@[::1]:22,b')).toEqual({ user: 'a', host: '::1', port: 22, extraHops: true });
  });
});
