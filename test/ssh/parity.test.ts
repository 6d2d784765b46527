import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveInventory } from '../../src/config/resolve.js';
import { inventorySchema } from '../../src/config/schema.js';
import { createSshTransport } from '../../src/ssh/index.js';
import { hashedLine } from '../../src/ssh/known-hosts.js';
import { startSshd, type RealSshd } from './helpers/real-sshd.js';

// Parity with OpenSSH on whole connections (issue 19): a throwaway sshd on 127.0.0.1, and for every case a config
// file and known_hosts files written twice, once for `ssh -o BatchMode=yes` and once for mvm-tui's real
// connection (with each resolver: ssh -G and the built-in reader). mvm-tui must never accept what OpenSSH
// refuses; where it refuses what OpenSSH accepts, the case names why (docs/ssh.md says so too).

const PW_HOME = userInfo().homedir;
let sshd: RealSshd;
const root = mkdtempSync(join(tmpdir(), 'mvm-parity-'));

interface Ctx {
  /** The case's own directory (config, known_hosts files; the working directory of both clients). */
  d: string;
  port: number;
  /** The lookup name of the server: [127.0.0.1]:PORT */
  t: string;
  ed: string;
  ec: string;
  wrong: string;
  key: string;
  node: string;
  pipe: string;
  krlEd: string;
  krlOther: string;
}

interface Case {
  name: string;
  config: (c: Ctx) => string;
  files?: (c: Ctx) => Record<string, string>;
  alias?: string;
  /** OpenSSH's verdict, where the case exists to show it (the cases of issue 19). */
  ssh?: 'accept' | 'refuse';
  /** Why mvm-tui may refuse here where OpenSSH accepts. */
  stricter?: string;
}

/** A Host block for the sshd with the client key; `extra` lines come first, so they win. */
function web(c: Ctx, extra = '', opts: { kh?: string; strict?: string } = {}): string {
  return (
    `Host web\n${extra}  HostName 127.0.0.1\n  Port ${c.port}\n  User root\n  IdentityFile ${c.key}\n  IdentitiesOnly yes\n` +
    `  UserKnownHostsFile ${opts.kh ?? `${c.d}/kh`}\n  GlobalKnownHostsFile ${c.d}/global-none\n  StrictHostKeyChecking ${opts.strict ?? 'yes'}\n`
  );
}
/** The same, with no known_hosts lines of its own (a later block or Match supplies them). */
function webBare(c: Ctx, extra = ''): string {
  return `Host web\n${extra}  HostName 127.0.0.1\n  Port ${c.port}\n  User root\n  IdentityFile ${c.key}\n  IdentitiesOnly yes\n  GlobalKnownHostsFile ${c.d}/global-none\n  StrictHostKeyChecking yes\n`;
}
const right = (c: Ctx) => `${c.t} ${c.ed}\n`;

// ---- known_hosts cases: one config, the known_hosts file varies; each under strict checking and accept-new ----
const KH: Array<[string, (c: Ctx) => string, 'accept' | 'refuse']> = [
  ['the right key', right, 'accept'],
  ['a wrong key', (c) => `${c.t} ${c.wrong}\n`, 'refuse'],
  ['no entry', () => '', 'refuse'],
  ['hashed, right key', (c) => `${hashedLine('127.0.0.1', c.port, Buffer.from(c.ed.split(' ')[1]!, 'base64'))}\n`, 'accept'],
  ['hashed, wrong key', (c) => `${hashedLine('127.0.0.1', c.port, Buffer.from(c.wrong.split(' ')[1]!, 'base64'))}\n`, 'refuse'],
  // nothing for [host]:port: ssh takes what is recorded for the bare host
  ['hashed under the port-22 name', (c) => `${hashedLine('127.0.0.1', 22, Buffer.from(c.ed.split(' ')[1]!, 'base64'))}\n`, 'accept'],
  ['a wrong key under the port-22 name', (c) => `127.0.0.1 ${c.wrong}\n`, 'refuse'],
  ['a wrong key for [host]:port, the right one for the bare host', (c) => `${c.t} ${c.wrong}\n127.0.0.1 ${c.ed}\n`, 'refuse'],
  ['wildcard *', (c) => `[127.0.0.*]:${c.port} ${c.ed}\n`, 'accept'],
  ['wildcard ?', (c) => `[127.0.0.?]:${c.port} ${c.ed}\n`, 'accept'],
  ['wildcard port', (c) => `[127.0.0.1]:* ${c.ed}\n`, 'accept'],
  ['a bare *', (c) => `* ${c.ed}\n`, 'accept'],
  ['negated after a match (the bare host still matches *)', (c) => `*,!${c.t} ${c.ed}\n`, 'accept'],
  ['negated for both names', (c) => `*,!${c.t},!127.0.0.1 ${c.ed}\n`, 'refuse'],
  ['negation only', (c) => `!${c.t} ${c.ed}\n`, 'refuse'],
  ['a comma list', (c) => `other,${c.t},more ${c.ed}\n`, 'accept'],
  ['the port-22 form', (c) => `127.0.0.1 ${c.ed}\n`, 'accept'],
  ['the port-22 form, @revoked', (c) => `127.0.0.1 ${c.ed}\n@revoked 127.0.0.1 ${c.ed}\n`, 'refuse'],
  ['only the ecdsa key, under the bare host (ssh offers ed25519 first: no fallback match)', (c) => `127.0.0.1 ${c.ec}\n`, 'refuse'],
  ['@revoked and the right key', (c) => `${c.t} ${c.ed}\n@revoked ${c.t} ${c.ed}\n`, 'refuse'],
  ['@revoked by wildcard only', (c) => `@revoked * ${c.ed}\n`, 'refuse'],
  ['@revoked another key, and the right key', (c) => `@revoked * ${c.wrong}\n${c.t} ${c.ed}\n`, 'accept'],
  ['@cert-authority only', (c) => `@cert-authority * ${c.ed}\n`, 'refuse'],
  ['a misspelt marker', (c) => `@revokd ${c.t} ${c.ed}\n`, 'refuse'],
  ['a misspelt marker, then the right key', (c) => `@revokd ${c.t} ${c.wrong}\n${c.t} ${c.ed}\n`, 'accept'],
  ['type label not the key type', (c) => `${c.t} ecdsa-sha2-nistp256 ${c.ed.split(' ')[1]}\n`, 'refuse'],
  ['extra base64 padding', (c) => `${c.t} ${c.ed}=\n`, 'refuse'],
  ['base64 cut short', (c) => `${c.t} ${c.ed.slice(0, -4)}\n`, 'refuse'],
  ['a | name that is not a hash', (c) => `|* ${c.ed}\n`, 'refuse'],
  ['a |1| name with garbage', (c) => `|1|garbage|garbage ${c.ed}\n`, 'refuse'],
  ['a wrong key, then the right one', (c) => `${c.t} ${c.wrong}\n${c.t} ${c.ed}\n`, 'accept'],
  ['only the ecdsa key (known types are offered first)', (c) => `${c.t} ${c.ec}\n`, 'accept'],
  ['comments, blanks and a trailing comment', (c) => `# hosts\n\n${c.t} ${c.ed} the lab\n`, 'accept'],
  ['leading blanks and tabs', (c) => `  \t${c.t}\t${c.ed}\n`, 'accept'],
  ['CRLF line endings', (c) => `# x\r\n${c.t} ${c.ed}\r\n`, 'accept'],
  ['upper-case pattern (patterns are lower-cased)', (c) => `[127.0.0.1]:${c.port} ${c.ed}\n`.toUpperCase().replace(c.ed.toUpperCase(), c.ed), 'accept'],
  ['a bare name field', (c) => `${c.t}\n`, 'refuse'],
];

// ---- config cases: whole config files, each its own ----
const CONFIGS: Case[] = [
  { name: 'plain', config: (c) => web(c), files: (c) => ({ kh: right(c) }), ssh: 'accept' },
  {
    name: 'issue 1: HostKeyAlias is what is looked up',
    config: (c) => web(c, '  HostKeyAlias hkalias\n'),
    files: (c) => ({ kh: `${c.t} ${c.ed}\nhkalias ${c.wrong}\n` }),
    ssh: 'refuse',
  },
  { name: 'HostKeyAlias with its key', config: (c) => web(c, '  HostKeyAlias hkalias\n'), files: (c) => ({ kh: `hkalias ${c.ed}\n` }), ssh: 'accept' },
  { name: 'HostKeyAlias is never looked up with the port', config: (c) => web(c, '  HostKeyAlias hkalias\n'), files: (c) => ({ kh: `[hkalias]:${c.port} ${c.ed}\n` }), ssh: 'refuse' },
  { name: 'HostKeyAlias upper-case', config: (c) => web(c, '  HostKeyAlias HKAlias\n'), files: (c) => ({ kh: `hkalias ${c.ed}\n` }), ssh: 'accept' },
  {
    name: 'HostKeyAlias hashed',
    config: (c) => web(c, '  HostKeyAlias hkalias\n'),
    files: (c) => ({ kh: `${hashedLine('x', 22, Buffer.from(c.ed.split(' ')[1]!, 'base64'), undefined, 'hkalias')}\n` }),
    ssh: 'accept',
  },
  { name: 'issue 2: RevokedHostKeys (a key list) holds the key', config: (c) => web(c, `  RevokedHostKeys ${c.d}/revoked\n`), files: (c) => ({ kh: right(c), revoked: `${c.ed}\n` }), ssh: 'refuse' },
  { name: 'RevokedHostKeys: a KRL with the key', config: (c) => web(c, `  RevokedHostKeys ${c.krlEd}\n`), files: (c) => ({ kh: right(c) }), ssh: 'refuse' },
  { name: 'RevokedHostKeys: a KRL without it', config: (c) => web(c, `  RevokedHostKeys ${c.krlOther}\n`), files: (c) => ({ kh: right(c) }), ssh: 'accept' },
  { name: 'RevokedHostKeys: a list without it', config: (c) => web(c, `  RevokedHostKeys ${c.d}/revoked\n`), files: (c) => ({ kh: right(c), revoked: `# old\n${c.wrong}\n` }), ssh: 'accept' },
  { name: 'RevokedHostKeys: a missing file', config: (c) => web(c, `  RevokedHostKeys ${c.d}/nonexistent\n`), files: (c) => ({ kh: right(c) }), ssh: 'refuse' },
  { name: 'RevokedHostKeys: a list with a line that is no key', config: (c) => web(c, `  RevokedHostKeys ${c.d}/revoked\n`), files: (c) => ({ kh: right(c), revoked: 'not a key\n' }), ssh: 'refuse' },
  {
    name: 'issue 3: CRLF: the evil block does not leak into the good one',
    alias: 'good',
    config: (c) =>
      `Host good\r\n  HostName 127.0.0.1\r\n  Port ${c.port}\r\n  User root\r\n  IdentityFile ${c.key}\r\n  IdentitiesOnly yes\r\n  GlobalKnownHostsFile ${c.d}/global-none\r\n  StrictHostKeyChecking yes\r\n` +
      `Host evil\r\n  UserKnownHostsFile ${c.d}/evil\r\nHost *\r\n  UserKnownHostsFile ${c.d}/kh\r\n`,
    files: (c) => ({ kh: '', evil: right(c) }),
    ssh: 'refuse',
  },
  {
    name: 'issue 4: a Match block sets the option for this host',
    config: (c) => `Match originalhost web\n  UserKnownHostsFile ${c.d}/kh\n${webBare(c)}Host *\n  UserKnownHostsFile ${c.d}/evil\n`,
    files: (c) => ({ kh: '', evil: right(c) }),
    ssh: 'refuse',
  },
  {
    name: 'issue 5: Host patterns are case-sensitive',
    config: (c) => `Host WEB\n  UserKnownHostsFile ${c.d}/evil\n${webBare(c)}Host *\n  UserKnownHostsFile ${c.d}/kh\n`,
    files: (c) => ({ kh: '', evil: right(c) }),
    ssh: 'refuse',
  },
  { name: 'issue 6: UserKnownHostsFile none is no file (not ./none)', config: (c) => web(c, '', { kh: 'none' }), files: (c) => ({ none: right(c) }), ssh: 'refuse' },
  { name: 'UserKnownHostsFile none, the key in a global file', config: (c) => web(c, `  GlobalKnownHostsFile ${c.d}/g1\n`, { kh: 'none' }), files: (c) => ({ g1: right(c) }), ssh: 'accept' },
  { name: 'second user known_hosts file', config: (c) => web(c, '', { kh: `${c.d}/kh ${c.d}/kh2` }), files: (c) => ({ kh: '', kh2: right(c) }), ssh: 'accept' },
  { name: 'second global file (ssh_known_hosts2)', config: (c) => web(c, `  GlobalKnownHostsFile ${c.d}/g1 ${c.d}/g2\n`), files: (c) => ({ kh: '', g2: right(c) }), ssh: 'accept' },
  { name: 'tokens in UserKnownHostsFile', config: (c) => web(c, '', { kh: `${c.d}/kh-%h-%p-%r-%n-%k` }), files: (c) => ({ [`kh-127.0.0.1-${c.port}-root-web-web`]: right(c) }), ssh: 'accept' },
  { name: 'quoted UserKnownHostsFile with a space', config: (c) => web(c, '', { kh: `"${c.d}/a b"` }), files: (c) => ({ 'a b': right(c) }), ssh: 'accept' },
  { name: 'a trailing comment', config: (c) => web(c, '', { kh: `${c.d}/kh # the lab` }), files: (c) => ({ kh: right(c) }), ssh: 'accept' },
  { name: 'first value wins', config: (c) => `${webBare(c, `  UserKnownHostsFile ${c.d}/kh\n`)}Host *\n  UserKnownHostsFile ${c.d}/evil\n`, files: (c) => ({ kh: '', evil: right(c) }), ssh: 'refuse' },
  { name: 'Host * supplies it', config: (c) => `${webBare(c)}Host *\n  UserKnownHostsFile ${c.d}/kh\n`, files: (c) => ({ kh: right(c) }), ssh: 'accept' },
  {
    name: 'a negated pattern',
    config: (c) => `Host * !web\n  UserKnownHostsFile ${c.d}/evil\n${webBare(c)}Host *\n  UserKnownHostsFile ${c.d}/kh\n`,
    files: (c) => ({ kh: '', evil: right(c) }),
    ssh: 'refuse',
  },
  { name: 'Host w?b', config: (c) => `Host w?b\n  UserKnownHostsFile ${c.d}/kh\n${webBare(c)}`, files: (c) => ({ kh: right(c) }), ssh: 'accept' },
  { name: 'Host=web and Key=value', config: (c) => web(c).replace('Host web', 'Host=web').replace('  Port ', '  Port='), files: (c) => ({ kh: right(c) }), ssh: 'accept' },
  { name: 'CRLF throughout', config: (c) => web(c).replace(/\n/g, '\r\n'), files: (c) => ({ kh: right(c) }), ssh: 'accept' },
  { name: 'Match all', config: (c) => `${webBare(c)}Match all\n  UserKnownHostsFile ${c.d}/kh\n`, files: (c) => ({ kh: right(c) }), ssh: 'accept' },
  { name: 'Match host on the HostName', config: (c) => `${webBare(c)}Match host 127.0.0.1\n  UserKnownHostsFile ${c.d}/kh\n`, files: (c) => ({ kh: right(c) }), ssh: 'accept' },
  { name: 'Match user', config: (c) => `${webBare(c)}Match user root\n  UserKnownHostsFile ${c.d}/kh\n`, files: (c) => ({ kh: right(c) }), ssh: 'accept' },
  { name: 'Match localuser', config: (c) => `${webBare(c)}Match localuser ${userInfo().username}\n  UserKnownHostsFile ${c.d}/kh\n`, files: (c) => ({ kh: right(c) }), ssh: 'accept' },
  {
    name: 'Match !originalhost does not apply',
    config: (c) => `Match !originalhost web\n  UserKnownHostsFile ${c.d}/evil\n${webBare(c)}Host *\n  UserKnownHostsFile ${c.d}/kh\n`,
    files: (c) => ({ kh: '', evil: right(c) }),
    ssh: 'refuse',
  },
  { name: 'Match exec true', config: (c) => `${webBare(c)}Match exec "test %h = 127.0.0.1"\n  UserKnownHostsFile ${c.d}/kh\n`, files: (c) => ({ kh: right(c) }), ssh: 'accept' },
  {
    name: 'Match exec false',
    config: (c) => `Match exec "false"\n  UserKnownHostsFile ${c.d}/evil\n${webBare(c)}Host *\n  UserKnownHostsFile ${c.d}/kh\n`,
    files: (c) => ({ kh: '', evil: right(c) }),
    ssh: 'refuse',
  },
  {
    name: 'Include with a glob class',
    config: (c) => `Include ${c.d}/inc[12].conf\n${webBare(c)}Host *\n  UserKnownHostsFile ${c.d}/kh\n`,
    files: (c) => ({ kh: '', 'inc1.conf': `Host web\n  UserKnownHostsFile ${c.d}/good\n`, 'inc3.conf': `Host web\n  UserKnownHostsFile ${c.d}/kh\n`, good: right(c) }),
    ssh: 'accept',
  },
  { name: 'Include of a missing file', config: (c) => `Include ${c.d}/nope.conf\n${web(c)}`, files: (c) => ({ kh: right(c) }), ssh: 'accept' },
  { name: 'IgnoreUnknown', config: (c) => `IgnoreUnknown NoSuch*\n${web(c, '  NoSuchOption 1\n')}`, files: (c) => ({ kh: right(c) }), ssh: 'accept' },
  { name: 'an unknown keyword', config: (c) => web(c, '  NoSuchOption 1\n'), files: (c) => ({ kh: right(c) }), ssh: 'refuse' },
  { name: 'Port 99999', config: (c) => web(c, '  Port 99999\n'), files: (c) => ({ kh: right(c) }), ssh: 'refuse' },
  { name: 'a bare User', config: (c) => web(c, '  User\n'), files: (c) => ({ kh: right(c) }), ssh: 'refuse' },
  { name: 'User "a #b"', config: (c) => web(c, '  User "a #b"\n'), files: (c) => ({ kh: right(c) }), ssh: 'refuse' },
  { name: 'User "root" quoted', config: (c) => web(c, '  User "root"\n'), files: (c) => ({ kh: right(c) }), ssh: 'accept' },
  { name: 'IdentityFile with tokens', config: (c) => web(c, `  IdentityFile ${c.d}/id-%r-%p\n`).replace(`  IdentityFile ${c.key}\n`, ''), files: (c) => ({ kh: right(c), [`id-root-${c.port}`]: readFileSync(c.key, 'utf8') }), ssh: 'accept' },
  { name: 'a wrong identity only', config: (c) => web(c, `  IdentityFile ${c.d}/other\n`).replace(`  IdentityFile ${c.key}\n`, ''), files: (c) => ({ kh: right(c) }), ssh: 'refuse' },
  { name: 'HostKeyAlgorithms ecdsa, the ecdsa key known', config: (c) => web(c, '  HostKeyAlgorithms ecdsa-sha2-nistp256\n'), files: (c) => ({ kh: `${c.t} ${c.ec}\n` }), ssh: 'accept' },
  { name: 'HostKeyAlgorithms ecdsa, only the ed25519 key known', config: (c) => web(c, '  HostKeyAlgorithms ecdsa-sha2-nistp256\n'), files: (c) => ({ kh: right(c) }), ssh: 'refuse' },
  { name: 'HostKeyAlgorithms ed25519, only the ecdsa key known', config: (c) => web(c, '  HostKeyAlgorithms ssh-ed25519\n'), files: (c) => ({ kh: `${c.t} ${c.ec}\n` }), ssh: 'refuse' },
  { name: 'HostKeyAlgorithms +ssh-rsa', config: (c) => web(c, '  HostKeyAlgorithms +ssh-rsa\n'), files: (c) => ({ kh: right(c) }), ssh: 'accept' },
  { name: 'ConnectTimeout and ServerAlive*', config: (c) => web(c, '  ConnectTimeout 7\n  ServerAliveInterval 5\n  ServerAliveCountMax 2\n'), files: (c) => ({ kh: right(c) }), ssh: 'accept' },
  { name: 'CertificateFile that does not exist', config: (c) => web(c, `  CertificateFile ${c.d}/cert\n`), files: (c) => ({ kh: right(c) }), ssh: 'accept' },
  {
    name: 'ProxyCommand carries the session (host key under the HostName)',
    config: (c) => web(c, `  HostName target.internal\n  ProxyCommand ${c.node} ${c.pipe} %p\n`),
    files: (c) => ({ kh: `[target.internal]:${c.port} ${c.ed}\n` }),
    ssh: 'accept',
  },
  { name: 'ProxyCommand, wrong key', config: (c) => web(c, `  HostName target.internal\n  ProxyCommand ${c.node} ${c.pipe} %p\n`), files: (c) => ({ kh: `[target.internal]:${c.port} ${c.wrong}\n` }), ssh: 'refuse' },
  { name: 'ProxyCommand that fails', config: (c) => web(c, '  ProxyCommand sh -c "exit 1"\n'), files: (c) => ({ kh: right(c) }), ssh: 'refuse' },
  { name: 'ProxyCommand none, then one', config: (c) => `${web(c, '  ProxyCommand none\n')}Host *\n  ProxyCommand sh -c "exit 1"\n`, files: (c) => ({ kh: right(c) }), ssh: 'accept' },
  ...(['ProxyJump j', 'ProxyJump j1,j2', 'ProxyJump root@j1,j2:PORT'] as const).map(
    (pj): Case => ({
      name: `${pj.replace('PORT', 'port')}: every hop's key checked`,
      config: (c) => `${web(c, `  ${pj.replace('PORT', String(c.port))}\n`)}${hops(c)}`,
      files: (c) => ({ kh: right(c) }),
      ssh: 'accept',
    }),
  ),
  {
    name: 'ProxyJump j1,j2: the second hop key unknown under its HostKeyAlias',
    config: (c) => `${web(c, '  ProxyJump j1,j2\n')}Host j2\n  HostKeyAlias j2alias\n${hops(c)}`,
    files: (c) => ({ kh: right(c) }),
    ssh: 'refuse',
  },
  { name: 'ProxyJump: the hop with a wrong key', config: (c) => `${web(c, '  ProxyJump j\n')}${hops(c, 'hopkh')}`, files: (c) => ({ kh: right(c), hopkh: `${c.t} ${c.wrong}\n` }), ssh: 'refuse' },
  { name: 'Host * ProxyJump j (j itself: ProxyJump none)', config: (c) => `${web(c)}Host j\n  ProxyJump none\n${hops(c)}Host *\n  ProxyJump j\n`, files: (c) => ({ kh: right(c) }), ssh: 'accept' },
  { name: 'Host * ProxyJump loop', config: (c) => `${web(c)}Host *\n  ProxyJump loop\n`, files: (c) => ({ kh: right(c) }), ssh: 'refuse' },
  { name: 'ProxyJump none, then Host * ProxyJump', config: (c) => `${web(c, '  ProxyJump none\n')}Host *\n  ProxyJump nohost.invalid\n`, files: (c) => ({ kh: right(c) }), ssh: 'accept' },
  {
    name: 'StrictHostKeyChecking no, unknown key',
    config: (c) => web(c, '', { strict: 'no' }),
    files: () => ({ kh: '' }),
    stricter: 'mvm-tui never accepts an unknown key without accept-new (and never records under no)',
  },
  {
    name: 'StrictHostKeyChecking no, changed key',
    config: (c) => web(c, '', { strict: 'no' }),
    files: (c) => ({ kh: `${c.t} ${c.wrong}\n` }),
    stricter: 'mvm-tui refuses a changed key whatever StrictHostKeyChecking says',
  },
  {
    name: 'StrictHostKeyChecking no, revoked key',
    config: (c) => web(c, '', { strict: 'no' }),
    files: (c) => ({ kh: `${c.t} ${c.ed}\n@revoked * ${c.ed}\n` }),
    ssh: 'accept',
    stricter: 'mvm-tui refuses a revoked key whatever StrictHostKeyChecking says (ssh goes on with public key authentication only)',
  },
  { name: 'StrictHostKeyChecking ask (BatchMode), unknown key', config: (c) => web(c, '', { strict: 'ask' }), files: () => ({ kh: '' }), ssh: 'refuse' },
  { name: 'accept-new, UserKnownHostsFile none', config: (c) => web(c, '', { strict: 'accept-new', kh: 'none' }), files: () => ({}), stricter: 'with no file to record in, mvm-tui does not accept a new key' },
];

/** Jump hosts j, j1, j2 (all the same sshd) with the right key in `kh` (or `khName`). */
function hops(c: Ctx, khName = 'kh'): string {
  return ['j', 'j1', 'j2']
    .map((h) => `Host ${h}\n  HostName 127.0.0.1\n  Port ${c.port}\n  User root\n  IdentityFile ${c.key}\n  IdentitiesOnly yes\n  UserKnownHostsFile ${c.d}/${khName}\n  GlobalKnownHostsFile ${c.d}/global-none\n  StrictHostKeyChecking yes\n`)
    .join('');
}

const CASES: Case[] = [
  ...KH.flatMap(([name, kh, verdict]): Case[] => [
    { name: `known_hosts: ${name}`, config: (c) => web(c), files: (c) => ({ kh: kh(c) }), ssh: verdict },
    {
      name: `known_hosts, accept-new: ${name}`,
      config: (c) => web(c, '', { strict: 'accept-new' }),
      files: (c) => ({ kh: kh(c) }),
    },
  ]),
  ...CONFIGS,
];

let ctx0: Omit<Ctx, 'd'>;
let n = 0;
function materialise(cs: Case, side: string): { d: string; cfg: string } {
  const d = join(root, `case-${n}`, side);
  mkdirSync(d, { recursive: true });
  const c: Ctx = { ...ctx0, d };
  for (const [f, text] of Object.entries(cs.files?.(c) ?? {})) writeFileSync(join(d, f), text, { mode: 0o600 });
  const cfg = join(d, 'config');
  writeFileSync(cfg, cs.config(c), { mode: 0o600 });
  return { d, cfg };
}

function opensshVerdict(cs: Case): { ok: boolean; why: string } {
  const { d, cfg } = materialise(cs, 'openssh-client');
  const r = spawnSync('ssh', ['-F', cfg, '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=10', cs.alias ?? 'web', 'true'], {
    cwd: d,
    encoding: 'utf8',
    timeout: 30_000,
    env: { ...process.env, SSH_AUTH_SOCK: '' },
  });
  return { ok: r.status === 0, why: (r.stderr ?? '').trim().split('\n').pop() ?? '' };
}

async function mvmVerdict(cs: Case, resolver: 'openssh' | 'builtin'): Promise<{ ok: boolean; why: string }> {
  const { d, cfg } = materialise(cs, `mvm-${resolver}`);
  const inv = resolveInventory(inventorySchema.parse({ hosts: [{ name: 'p', ssh: { alias: cs.alias ?? 'web', configFile: cfg, keepaliveIntervalMs: 0 } }] }), 'parity');
  const cwd = process.cwd();
  process.chdir(d);
  const t = createSshTransport(inv, { env: { home: PW_HOME, localUser: userInfo().username, agentSocket: undefined, resolver } });
  try {
    const r = await t.exec({ host: 'p' }, 'true', { timeoutMs: 20_000 });
    return { ok: r.code === 0, why: `exit ${r.code}` };
  } catch (e) {
    return { ok: false, why: (e as Error).message };
  } finally {
    process.chdir(cwd);
    await t.close();
  }
}

const results: Array<{ name: string; ssh: boolean; openssh: boolean; builtin: boolean }> = [];

beforeAll(async () => {
  sshd = await startSshd(join(root, 'sshd'));
  const other = join(root, 'other');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', '', '-f', other]);
  const krlEd = join(root, 'ed.krl');
  execFileSync('ssh-keygen', ['-q', '-k', '-f', krlEd, sshd.ed25519Pub]);
  const krlOther = join(root, 'other.krl');
  execFileSync('ssh-keygen', ['-q', '-k', '-f', krlOther, `${other}.pub`]);
  const pipe = join(root, 'pipe.cjs');
  writeFileSync(pipe, "const s=require('net').connect(+process.argv[2],'127.0.0.1');process.stdin.pipe(s);s.pipe(process.stdout);s.on('error',()=>process.exit(1));\n");
  const key = join(root, 'client_key');
  copyFileSync(sshd.clientKey, key);
  ctx0 = {
    port: sshd.port,
    t: `[127.0.0.1]:${sshd.port}`,
    ed: sshd.ed25519,
    ec: sshd.ecdsa,
    wrong: readFileSync(`${other}.pub`, 'utf8').trim().split(' ').slice(0, 2).join(' '),
    key,
    node: process.execPath,
    pipe,
    krlEd,
    krlOther,
  };
}, 60_000);

afterAll(async () => {
  await sshd?.stop();
  rmSync(root, { recursive: true, force: true });
  const agree = results.filter((r) => r.ssh === r.openssh && r.ssh === r.builtin).length;
  const looser = results.filter((r) => !r.ssh && (r.openssh || r.builtin)).length;
  const stricter = results.filter((r) => r.ssh && (!r.openssh || !r.builtin)).length;
  console.log(`SSH parity: ${results.length} cases (${KH.length * 2} known_hosts, ${CONFIGS.length} config); agree ${agree}, mvm-tui stricter ${stricter}, mvm-tui accepts what OpenSSH refuses ${looser}`);
});

describe('connection verdicts: mvm-tui against ssh -o BatchMode=yes, same sshd, same files', { timeout: 120_000 }, () => {
  it(`has at least 60 known_hosts cases (${KH.length * 2}) and 50 config files (${CONFIGS.length})`, () => {
    expect(KH.length * 2).toBeGreaterThanOrEqual(60);
    expect(CONFIGS.length).toBeGreaterThanOrEqual(50);
  });

  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, cs) => {
    n++;
    const ssh = opensshVerdict(cs);
    if (cs.ssh) expect(ssh.ok ? 'accept' : 'refuse', `OpenSSH: ${ssh.why}`).toBe(cs.ssh);
    const viaG = await mvmVerdict(cs, 'openssh');
    const builtin = await mvmVerdict(cs, 'builtin');
    results.push({ name: cs.name, ssh: ssh.ok, openssh: viaG.ok, builtin: builtin.ok });
    // never accept what OpenSSH refuses
    if (!ssh.ok) {
      expect(viaG.ok, `ssh -G resolver accepted; OpenSSH: ${ssh.why}`).toBe(false);
      expect(builtin.ok, `built-in reader accepted; OpenSSH: ${ssh.why}`).toBe(false);
    } else if (!cs.stricter) {
      expect(viaG.ok, `ssh -G resolver refused: ${viaG.why}`).toBe(true);
      expect(builtin.ok, `built-in reader refused: ${builtin.why}`).toBe(true);
    } else {
      expect([viaG.ok, builtin.ok], cs.stricter).toEqual([false, false]);
    }
  });
});
