import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sshG } from '../../src/ssh/openssh.js';
import { parseJump, parseJumpList, parseLine, readSshConfig, type SshOptions } from '../../src/ssh/ssh-config.js';
import { resolveSshOptions, resolveSshOptionsAhead } from '../../src/ssh/ssh-options.js';

// The built-in reader against OpenSSH itself: every config below is resolved by `ssh -G -F file` (it reads the
// config and prints the result without connecting) and by readSshConfig, and both must agree on every option
// mvm-tui uses, or both refuse the file. HOME is the password database's home here, as ssh takes it.

const HOME = userInfo().homedir;
const USER = userInfo().username;
const dir = mkdtempSync(join(tmpdir(), 'mvm-sshcfg-'));
let n = 0;
function file(text: string, name = `cfg-${n++}`): string {
  const f = join(dir, name);
  mkdirSync(join(f, '..'), { recursive: true });
  writeFileSync(f, text, { mode: 0o600 });
  return f;
}

const KEYS = [
  'hostname',
  'user',
  'port',
  'identityfile',
  'identitiesonly',
  'certificatefile',
  'proxyjump',
  'proxycommand',
  'hostkeyalias',
  'userknownhostsfile',
  'globalknownhostsfile',
  'revokedhostkeys',
  'stricthostkeychecking',
  'connecttimeout',
  'serveraliveinterval',
  'serveralivecountmax',
  'hostkeyalgorithms',
];

function pick(o: SshOptions): Record<string, string[] | undefined> {
  return Object.fromEntries(KEYS.map((k) => [k, o[k]]));
}

type Verdict = { ok: Record<string, string[] | undefined> } | { refused: string };
function openssh(f: string, alias: string, cmdline: Array<[string, string]> = []): Verdict {
  try {
    return { ok: pick(sshG('ssh', alias, f, cmdline)) };
  } catch (e) {
    return { refused: (e as Error).message };
  }
}
function builtin(f: string, alias: string, cmdline: Array<[string, string]> = []): Verdict {
  try {
    return { ok: pick(readSshConfig(alias, { file: f, home: HOME, localUser: USER, cmdline })) };
  } catch (e) {
    return { refused: (e as Error).message };
  }
}

const inc = (name: string, text: string) => file(text, name);
const incDir = join(dir, 'inc');
inc('inc/inc1.conf', 'Host web\n  Port 2201\n');
inc('inc/inc2.conf', 'Host web\n  User fromInc2\n');
inc('inc/inc3.conf', 'Host web\n  HostName not-this-one\n');

/** [what, config text, alias, cmdline?]: at least one case for every difference listed in issue 19. */
const CASES: Array<[string, string, string, Array<[string, string]>?]> = [
  ['plain alias', 'Host web\n  HostName 10.0.0.1\n  User root\n  Port 2222\n', 'web'],
  ['first value wins', 'Host web\n  User a\nHost *\n  User b\n  Port 3\n', 'web'],
  ['IdentityFile accumulates', 'Host web\n  IdentityFile /k/one\nHost *\n  IdentityFile /k/two\n', 'web'],
  ['negated pattern', 'Host w* !web\n  User neg\nHost *\n  User all\n', 'web'],
  ['? pattern', 'Host w?b\n  User q\n', 'web'],
  ['? is one byte, not one character', 'Host w?b\n  User q\n', 'wéb'],
  ['?? matches a two-byte character', 'Host w??b\n  User q\n', 'wéb'],
  ['Host patterns are case-sensitive', 'Host WEB\n  UserKnownHostsFile /tmp/evil\nHost *\n  User x\n', 'web'],
  ['Host patterns: exact case matches', 'Host WEB\n  User upper\n', 'WEB'],
  ['CRLF lines', 'Host good\r\n  User g\r\nHost evil\r\n  UserKnownHostsFile /tmp/x\r\n', 'good'],
  ['CRLF lines, evil block', 'Host good\r\n  User g\r\nHost evil\r\n  UserKnownHostsFile /tmp/x\r\n', 'evil'],
  ['Match all', 'Match all\n  User m\n', 'web'],
  ['Match host on HostName', 'Host web\n  HostName real.example\nMatch host real.*\n  User matched\n', 'web'],
  ['Match originalhost', 'Match originalhost web\n  Port 2000\n', 'web'],
  ['Match user', `Host web\n  User bob\nMatch user bob\n  Port 2001\n`, 'web'],
  ['Match localuser', `Match localuser ${USER}\n  Port 2002\n`, 'web'],
  ['Match negated', `Match !host web\n  Port 2003\nHost *\n  Port 2004\n`, 'web'],
  ['Match exec true', 'Match exec "true"\n  User execd\n', 'web'],
  ['Match exec false', 'Match exec "false"\n  User execd\nHost *\n  User other\n', 'web'],
  ['Match exec with %h', 'Host web\n  HostName h1\nMatch exec "test %h = h1"\n  Port 2005\n', 'web'],
  ['Match sets an option a later block would', 'Match host web\n  UserKnownHostsFile /tmp/right\nHost *\n  UserKnownHostsFile /tmp/wrong\n', 'web'],
  ['UserKnownHostsFile none', 'Host web\n  UserKnownHostsFile none\n', 'web'],
  ['GlobalKnownHostsFile none', 'Host web\n  GlobalKnownHostsFile none\n', 'web'],
  ['several known_hosts files', 'Host web\n  UserKnownHostsFile /a/1 /a/2 ~/x\n  GlobalKnownHostsFile /g/1 /g/2\n', 'web'],
  ['ProxyCommand', 'Host web\n  ProxyCommand nc %h %p # not a comment to ssh\n', 'web'],
  ['ProxyCommand none', 'Host web\n  ProxyCommand none\nHost *\n  ProxyCommand nc %h\n', 'web'],
  ['ProxyCommand then ProxyJump', 'Host web\n  ProxyCommand nc %h %p\n  ProxyJump j\n', 'web'],
  ['ProxyJump then ProxyCommand', 'Host web\n  ProxyJump j\n  ProxyCommand nc %h %p\n', 'web'],
  ['multi-hop ProxyJump', 'Host web\n  ProxyJump a@j1:2222,j2,ssh://u@j3\n', 'web'],
  ['Host * ProxyJump', 'Host *\n  ProxyJump bastion\n', 'web'],
  ['ProxyJump none', 'Host web\n  ProxyJump none\nHost *\n  ProxyJump x\n', 'web'],
  ['Include glob with a class', `Include ${incDir}/inc[12].conf\n`, 'web'],
  ['Include glob *', `Include ${incDir}/*.conf\n`, 'web'],
  ['Include inside a Host block not matching', `Host other\n  Include ${incDir}/inc1.conf\nHost web\n  Port 9\n`, 'web'],
  ['Port https', 'Host web\n  Port https\n', 'web'],
  ['Port ssh', 'Host web\n  Port ssh\n', 'web'],
  ['Port 99999 refused', 'Host web\n  Port 99999\n', 'web'],
  ['Port 0 refused', 'Host web\n  Port 0\n', 'web'],
  ['Port nosuchservice refused', 'Host web\n  Port nosuchservice\n', 'web'],
  ['bare User refused', 'Host web\n  User\n', 'web'],
  ['bare keyword in another block refused too', 'Host other\n  Port\n', 'web'],
  ['unknown keyword refused', 'Host web\n  NoSuchOption yes\n', 'web'],
  ['IgnoreUnknown', 'IgnoreUnknown NoSuch*\nHost web\n  NoSuchOption yes\n  User u\n', 'web'],
  ['quoted value with #', 'Host web\n  User "a #b"\n', 'web'],
  ['unquoted # starts a comment', 'Host web\n  User a #b\n', 'web'],
  ['# inside a word', 'Host web\n  User a#b\n', 'web'],
  ['open quote refused', 'Host web\n  User "a\n', 'web'],
  ['= forms', 'Host=web\n  User=eq\n  Port = 2200\n', 'web'],
  ['extra argument refused', 'Host web\n  User a b\n', 'web'],
  ['tokens in IdentityFile', 'Host web\n  HostName h.example\n  IdentityFile ~/.ssh/%h-%p-%r-%n-%l-%L-%i-%C-%u-%d-%%\n', 'web'],
  ['${HOME} and ~user in IdentityFile', 'Host web\n  IdentityFile ${HOME}/k1\n  IdentityFile ~root/k2\n', 'web'],
  ['tokens in UserKnownHostsFile', 'Host web\n  HostName H.example\n  UserKnownHostsFile /kh/%h/%k/%C/%u\n', 'web'],
  ['HostName with %h', 'Host *.short\n  HostName %h.example.org\n', 'a.short'],
  ['HostName lower-cased', 'Host web\n  HostName MiXeD.Example\n', 'web'],
  ['HostKeyAlias lower-cased', 'Host web\n  HostKeyAlias MyAlias\n', 'web'],
  ['RevokedHostKeys', 'Host web\n  RevokedHostKeys ~/revoked\n', 'web'],
  ['StrictHostKeyChecking no', 'Host web\n  StrictHostKeyChecking no\n', 'web'],
  ['StrictHostKeyChecking accept-new', 'Host web\n  StrictHostKeyChecking accept-new\n', 'web'],
  ['StrictHostKeyChecking bad refused', 'Host web\n  StrictHostKeyChecking maybe\n', 'web'],
  ['IdentitiesOnly bad refused', 'Host web\n  IdentitiesOnly perhaps\n', 'web'],
  ['ConnectTimeout 1m30s', 'Host web\n  ConnectTimeout 1m30s\n  ServerAliveInterval 15\n  ServerAliveCountMax 5\n', 'web'],
  ['ConnectTimeout bad refused', 'Host web\n  ConnectTimeout soon\n', 'web'],
  ['HostKeyAlgorithms list', 'Host web\n  HostKeyAlgorithms ssh-ed25519,rsa-sha2-512\n', 'web'],
  ['HostKeyAlgorithms +', 'Host web\n  HostKeyAlgorithms +ssh-rsa\n', 'web'],
  ['HostKeyAlgorithms -', 'Host web\n  HostKeyAlgorithms -ssh-ed25519,ecdsa*\n', 'web'],
  ['HostKeyAlgorithms ^', 'Host web\n  HostKeyAlgorithms ^ssh-rsa\n', 'web'],
  ['HostKeyAlgorithms unknown refused', 'Host web\n  HostKeyAlgorithms ssh-rsa,nope\n', 'web'],
  ['CertificateFile', 'Host web\n  CertificateFile ~/.ssh/c1\n  CertificateFile /c2\n', 'web'],
  ['command line wins', 'Host web\n  User file\n  Port 1\n', 'web', [['User', 'cmd'], ['Port', '2']]],
  ['command-line HostName seen by Match host', 'Match host cmd.example\n  User viacmd\n', 'web', [['HostName', 'cmd.example']]],
  ['Host with several patterns', 'Host a b web c\n  User several\n', 'web'],
  ['empty file', '', 'web'],
];

describe('built-in ssh_config reader agrees with ssh -G', () => {
  it(`has at least 50 config files (${CASES.length})`, () => expect(CASES.length).toBeGreaterThanOrEqual(50));

  it.each(CASES)('%s', (_what, text, alias, cmdline) => {
    const f = file(text);
    const theirs = openssh(f, alias, cmdline);
    const ours = builtin(f, alias, cmdline);
    if ('refused' in theirs) expect(ours, `ssh refused: ${theirs.refused}`).toHaveProperty('refused');
    else expect(ours).toEqual(theirs);
  });
});

describe('resolving for a connection', () => {
  it('says which resolved, and turns ~ and %d into $HOME in both', () => {
    const home = mkdtempSync(join(tmpdir(), 'mvm-home-'));
    const f = file('Host web\n  HostName 10.0.0.1\n  IdentityFile ~/.ssh/k-%h\n  UserKnownHostsFile ~/kh %d/kh2\n  RevokedHostKeys ~/rev\n');
    for (const resolver of ['openssh', 'builtin'] as const) {
      const r = resolveSshOptions('web', { file: f, home, localUser: USER, cmdline: [], resolver });
      expect(r).toMatchObject({
        resolver,
        hostname: '10.0.0.1',
        identityFiles: [join(home, '.ssh/k-10.0.0.1')],
        explicitIdentityFiles: [join(home, '.ssh/k-10.0.0.1')],
        userKnownHostsFiles: [join(home, 'kh'), join(home, 'kh2')],
        globalKnownHostsFiles: ['/etc/ssh/ssh_known_hosts', '/etc/ssh/ssh_known_hosts2'],
        revokedHostKeys: join(home, 'rev'),
      });
    }
  });

  it('a missing configured file is an error; none reads no file', () => {
    expect(() => resolveSshOptions('web', { file: join(dir, 'nope'), home: HOME, localUser: USER, cmdline: [] })).toThrow(/no such ssh config file/);
    expect(resolveSshOptions('web', { file: 'none', home: HOME, localUser: USER, cmdline: [], resolver: 'builtin' }).hostname).toBe('web');
  });

  it('follows Include relative to ~/.ssh (the given home), in sorted order', () => {
    const home = mkdtempSync(join(tmpdir(), 'mvm-home-'));
    mkdirSync(join(home, '.ssh/conf.d'), { recursive: true });
    writeFileSync(join(home, '.ssh/config'), 'Include conf.d/*.conf\nHost *\n  User last\n');
    writeFileSync(join(home, '.ssh/conf.d/10-a.conf'), 'Host lab\n  HostName 10.0.0.10\n');
    writeFileSync(join(home, '.ssh/conf.d/20-b.conf'), 'Host lab\n  HostName 10.0.0.20\n  Port 2000\n');
    const r = readSshConfig('lab', { file: join(home, '.ssh/config'), home, localUser: 'me' });
    expect([r.hostname, r.port, r.user]).toEqual([['10.0.0.10'], ['2000'], ['last']]);
  });

  it('an Include loop is refused, not followed forever', () => {
    const f = file('');
    writeFileSync(f, `Include ${f}\n`);
    expect(() => readSshConfig('x', { file: f, home: HOME, localUser: 'me' })).toThrow(/nested too deeply/);
  });

  it('Match canonical/final and CanonicalizeHostname are refused by the built-in reader (they need DNS)', () => {
    expect(() => readSshConfig('x', { file: file('Match final\n  User u\n'), home: HOME, localUser: 'me' })).toThrow(/install an OpenSSH client/);
    expect(() => readSshConfig('x', { file: file('CanonicalizeHostname yes\n'), home: HOME, localUser: 'me' })).toThrow(/install an OpenSSH client/);
  });

  it('parses lines with =, quotes and trailing comments', () => {
    expect(parseLine('  IdentityFile = "/a b/c"  # key')).toEqual(['identityfile', ['/a b/c']]);
    expect(parseLine('# only a comment')).toBeUndefined();
    expect(parseLine('')).toBeUndefined();
  });

  it('parses ProxyJump hops: user@host:port, ssh:// URIs, [v6]:port', () => {
    expect(parseJumpList('root@hv:2200,b,ssh://u@[::1]:22')).toEqual([
      { user: 'root', host: 'hv', port: 2200 },
      { user: undefined, host: 'b', port: undefined },
      { user: 'u', host: '::1', port: 22 },
    ]);
    expect(parseJump('a,b')).toMatchObject({ host: 'a', extraHops: true });
    expect(parseJumpList('a,-oProxyCommand=x')).toBeUndefined();
  });

  it('ssh -G itself is what resolves when installed (it never connects)', () => {
    expect(execFileSync('ssh', ['-V'], { stdio: ['ignore', 'ignore', 'pipe'] })).toBeDefined();
    expect(resolveSshOptions('web', { file: file('Host web\n  HostName x.example\n'), home: HOME, localUser: USER, cmdline: [] }).resolver).toBe('openssh');
  });

  it('ssh -G run ahead (without blocking) answers the next resolution of the same options, once', async () => {
    const f = file('Host web\n  HostName before.example\n');
    const input = { file: f, home: HOME, localUser: USER, cmdline: [['User', 'ops']] as Array<[string, string]> };
    await resolveSshOptionsAhead('web', input);
    writeFileSync(f, 'Host web\n  HostName after.example\n');
    const first = resolveSshOptions('web', input);
    expect([first.resolver, first.hostname, first.user]).toEqual(['openssh', 'before.example', 'ops']); // the answer run ahead
    expect(resolveSshOptions('web', input).hostname).toBe('after.example'); // then the file is read afresh
  });
});
