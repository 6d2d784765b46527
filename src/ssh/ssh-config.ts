import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { asciiLower, matchPattern, matchPatternList } from './patterns.js';
import { expandTilde, expandTokens, TokenError, type TokenContext } from './tokens.js';

// The built-in reader of ssh_config(5), for machines without an OpenSSH client (with one, `ssh -G` resolves:
// see openssh.ts). It reads like OpenSSH 9.2's readconf.c and gives what `ssh -G` prints, for the options
// mvm-tui uses: first value wins (IdentityFile/CertificateFile accumulate), `Host` patterns matched exactly
// and byte-wise, `Match` all/host/originalhost/user/localuser/exec, Include with glob(3) patterns, lines
// split like argv_split (quotes, `\` escapes, `#` starting a word ends the line), trailing `\r` stripped.
// What OpenSSH would refuse is refused (an unknown keyword, a missing argument, a bad port or yes/no);
// what it needs DNS for (CanonicalizeHostname, Match canonical/final) is refused with a word to install OpenSSH.

/** Options in `ssh -G` form: lower-case keyword -> one value per printed line. */
export type SshOptions = Record<string, string[]>;

export interface ReadOptions {
  /** The config file read (OpenSSH's -F); undefined or 'none' reads none. A missing file reads as empty. */
  file?: string;
  home: string;
  localUser: string;
  /** Command-line options, read before the file as ssh reads `-o` (so they win). */
  cmdline?: Array<[string, string]>;
}

export class SshConfigError extends Error {}

const MAX_DEPTH = 16;

/** Keywords of OpenSSH 9.2's ssh_config, including deprecated and unsupported ones it accepts. */
const KEYWORDS = new Set(
  `host match include hostname user port identityfile identitiesonly identityagent certificatefile proxyjump proxycommand
  hostkeyalias userknownhostsfile globalknownhostsfile revokedhostkeys stricthostkeychecking connecttimeout serveraliveinterval
  serveralivecountmax hostkeyalgorithms ignoreunknown addkeystoagent addressfamily batchmode bindaddress bindinterface
  canonicaldomains canonicalizefallbacklocal canonicalizehostname canonicalizemaxdots canonicalizepermittedcnames
  casignaturealgorithms checkhostip ciphers clearallforwardings compression connectionattempts controlmaster controlpath
  controlpersist dynamicforward enableescapecommandline enablesshkeysign escapechar exitonforwardfailure fingerprinthash
  forkafterauthentication forwardagent forwardx11 forwardx11timeout forwardx11trusted gatewayports gssapiauthentication
  gssapidelegatecredentials gssapikeyexchange gssapiclientidentity gssapiserveridentity gssapirenewalforcesrekey gssapitrustdns
  gssapikexalgorithms hashknownhosts hostbasedacceptedalgorithms hostbasedkeytypes hostbasedauthentication ipqos
  kbdinteractiveauthentication kbdinteractivedevices challengeresponseauthentication skeyauthentication tisauthentication
  kexalgorithms knownhostscommand localcommand localforward loglevel logverbose macs nohostauthenticationforlocalhost
  numberofpasswordprompts passwordauthentication permitlocalcommand permitremoteopen pkcs11provider smartcarddevice
  preferredauthentications proxyusefdpass pubkeyacceptedalgorithms pubkeyacceptedkeytypes pubkeyauthentication rekeylimit
  remotecommand remoteforward requesttty requiredrsasize securitykeyprovider sendenv setenv sessiontype stdinnull
  streamlocalbindmask streamlocalbindunlink syslogfacility tcpkeepalive keepalive tunnel tunneldevice updatehostkeys
  useblacklistedkeys verifyhostkeydns visualhostkey xauthlocation protocol cipher rhostsauthentication rhostsrsaauthentication
  rsaauthentication compressionlevel fallbacktorsh usersh useprivilegedport useroaming afstokenpassing kerberosauthentication
  kerberostgtpassing dsaauthentication globalknownhostsfile2 userknownhostsfile2 identityfile2 pubkeyacceptedkeytypes`.split(/\s+/),
);

/** Host key algorithms OpenSSH 9.2 knows (`ssh -Q HostKeyAlgorithms`) and its default list. */
export const ALL_HOSTKEY_ALGOS = `ssh-ed25519 ssh-ed25519-cert-v01@openssh.com sk-ssh-ed25519@openssh.com sk-ssh-ed25519-cert-v01@openssh.com
  ecdsa-sha2-nistp256 ecdsa-sha2-nistp256-cert-v01@openssh.com ecdsa-sha2-nistp384 ecdsa-sha2-nistp384-cert-v01@openssh.com
  ecdsa-sha2-nistp521 ecdsa-sha2-nistp521-cert-v01@openssh.com sk-ecdsa-sha2-nistp256@openssh.com sk-ecdsa-sha2-nistp256-cert-v01@openssh.com
  webauthn-sk-ecdsa-sha2-nistp256@openssh.com ssh-dss ssh-dss-cert-v01@openssh.com ssh-rsa ssh-rsa-cert-v01@openssh.com
  rsa-sha2-256 rsa-sha2-256-cert-v01@openssh.com rsa-sha2-512 rsa-sha2-512-cert-v01@openssh.com`.split(/\s+/);
export const DEFAULT_HOSTKEY_ALGOS = `ssh-ed25519-cert-v01@openssh.com ecdsa-sha2-nistp256-cert-v01@openssh.com ecdsa-sha2-nistp384-cert-v01@openssh.com
  ecdsa-sha2-nistp521-cert-v01@openssh.com sk-ssh-ed25519-cert-v01@openssh.com sk-ecdsa-sha2-nistp256-cert-v01@openssh.com
  rsa-sha2-512-cert-v01@openssh.com rsa-sha2-256-cert-v01@openssh.com ssh-ed25519 ecdsa-sha2-nistp256 ecdsa-sha2-nistp384
  ecdsa-sha2-nistp521 sk-ssh-ed25519@openssh.com sk-ecdsa-sha2-nistp256@openssh.com rsa-sha2-512 rsa-sha2-256`.split(/\s+/);

const DEFAULT_IDENTITIES = ['id_rsa', 'id_ecdsa', 'id_ecdsa_sk', 'id_ed25519', 'id_ed25519_sk', 'id_xmss', 'id_dsa'];

interface State {
  /** Options so far (first wins). */
  o: SshOptions;
  alias: string;
  opts: ReadOptions;
  ignoreUnknown?: string;
}

/** Resolves `alias` as `ssh -G -F file` would (for the options in the header). Throws SshConfigError for what
 *  ssh refuses. */
export function readSshConfig(alias: string, opts: ReadOptions): SshOptions {
  const st: State = { o: {}, alias, opts };
  for (const [k, v] of opts.cmdline ?? []) applyLine(st, `${k}=${v}`, 'command line', 0, { active: true, user: true }, 0);
  if (opts.file && opts.file !== 'none') readFile(st, opts.file, 0, true, false);
  return finish(st);
}

function fail(where: string, msg: string): never {
  throw new SshConfigError(`${where}: ${msg}`);
}

function readFile(st: State, file: string, depth: number, active: boolean, neverMatch: boolean): void {
  if (depth > MAX_DEPTH) fail(file, 'Include nested too deeply');
  let text: string;
  try {
    text = readFileSync(file, 'latin1');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    fail(file, `cannot read: ${(e as Error).message}`);
  }
  // Bytes kept as latin1 code units here; values are turned back into UTF-8 strings where they are stored.
  const block = { active: !neverMatch && active, user: true, neverMatch };
  text.split('\n').forEach((line, i) => applyLine(st, line, file, i + 1, block, depth));
}

/** Splits a line's keyword and the rest (`Key value`, `Key=value`, `Key = value`); undefined for blank/comment. */
function keywordOf(line: string): { key: string; rest: string } | undefined {
  let end = line.length;
  while (end > 0 && ' \t\r\n\f'.includes(line[end - 1]!)) end--;
  const s = line.slice(0, end);
  const m = /^[ \t]*([^ \t=]*)[ \t]*(?:=[ \t]*)?(.*)$/s.exec(s);
  if (!m || !m[1] || m[1].startsWith('#')) return undefined;
  return { key: asciiLower(m[1]), rest: m[2]! };
}

/** OpenSSH's argv_split(s, terminate_on_comment=1). Undefined when a quote is left open. */
export function splitArgs(s: string): string[] | undefined {
  const out: string[] = [];
  let i = 0;
  while (i < s.length) {
    if (s[i] === ' ' || s[i] === '\t') {
      i++;
      continue;
    }
    if (s[i] === '#') break;
    let arg = '';
    let quote = '';
    for (; i < s.length; i++) {
      const c = s[i]!;
      if (c === '\\') {
        const n = s[i + 1];
        if (n === "'" || n === '"' || n === '\\' || (quote === '' && n === ' ')) arg += s[++i];
        else arg += c;
      } else if (quote === '' && (c === ' ' || c === '\t')) break;
      else if (quote === '' && (c === '"' || c === "'")) quote = c;
      else if (quote !== '' && c === quote) quote = '';
      else arg += c;
    }
    if (quote) return undefined;
    out.push(arg);
  }
  return out;
}

/** `Key value` split into the lower-case keyword and its arguments; undefined for blanks and comments.
 *  Never throws (a line with an open quote gives no arguments). */
export function parseLine(line: string): [string, string[]] | undefined {
  const kw = keywordOf(line);
  if (!kw) return undefined;
  return [kw.key, splitArgs(kw.rest) ?? []];
}

const utf8 = (s: string) => Buffer.from(s, 'latin1').toString('utf8');

function applyLine(st: State, line: string, file: string, n: number, block: { active: boolean; user: boolean; neverMatch?: boolean }, depth: number): void {
  const where = `${file} line ${n}`;
  const kw = keywordOf(line);
  if (!kw) return;
  const { key, rest } = kw;
  if (!rest) fail(where, `no argument after keyword "${key}"`);
  const args = splitArgs(rest);
  if (!args) fail(where, 'invalid quotes');
  const u = args.map(utf8);
  if (!KEYWORDS.has(key)) {
    if (st.ignoreUnknown && matchPatternList(key, st.ignoreUnknown, true) === 1) return;
    fail(where, `Bad configuration option: ${key}`);
  }
  const one = () => {
    if (u.length !== 1) fail(where, u.length ? 'garbage at end of line' : `missing argument for ${key}`);
    return u[0]!;
  };
  const set = (k: string, v: string[]) => {
    if (block.active && !(k in st.o)) st.o[k] = v;
  };
  switch (key) {
    case 'host': {
      if (file === 'command line') fail(where, 'Host is not allowed on the command line');
      let positive = false;
      let negated = false;
      for (const p of u) {
        if (p.startsWith('!')) {
          if (matchPattern(st.alias, p.slice(1))) negated = true;
        } else if (matchPattern(st.alias, p)) positive = true;
      }
      block.active = !block.neverMatch && positive && !negated;
      return;
    }
    case 'match':
      if (file === 'command line') fail(where, 'Match is not allowed on the command line');
      block.active = !block.neverMatch && matchLine(st, u, where);
      return;
    case 'include':
      if (file === 'command line') fail(where, 'Include is not allowed on the command line');
      for (const pat of u) {
        let p: string;
        try {
          p = expandTilde(pat, st.opts.home);
        } catch (e) {
          fail(where, (e as Error).message);
        }
        if (!isAbsolute(p)) p = join(st.opts.home, '.ssh', p);
        for (const f of glob(p)) readFile(st, f, depth + 1, block.active, !block.active);
      }
      return;
    case 'ignoreunknown':
      if (block.active && st.ignoreUnknown === undefined) st.ignoreUnknown = one();
      return;
    case 'hostname':
      return set('hostname', [one()]);
    case 'user':
      return set('user', [one()]);
    case 'port': {
      const p = parsePort(one());
      if (p === undefined) fail(where, `Bad port '${u[0]}'`);
      return set('port', [String(p)]);
    }
    case 'identityfile':
    case 'certificatefile':
      if (block.active) (st.o[key] ??= []).push(one());
      return;
    case 'identitiesonly':
      return set(key, [yesNo(one(), where)]);
    case 'stricthostkeychecking': {
      const v = asciiLower(one());
      const m: Record<string, string> = { yes: 'true', true: 'true', no: 'false', false: 'false', off: 'false', ask: 'ask', 'accept-new': 'accept-new' };
      if (!m[v]) fail(where, `unsupported option "${u[0]}"`);
      return set(key, [m[v]]);
    }
    case 'connecttimeout':
    case 'serveraliveinterval': {
      const v = one();
      const secs = key === 'connecttimeout' && asciiLower(v) === 'none' ? undefined : convtime(v);
      if (secs === null) fail(where, `invalid time value "${v}"`);
      return set(key, [secs === undefined ? 'none' : String(secs)]);
    }
    case 'serveralivecountmax': {
      const v = one();
      if (!/^\d+$/.test(v) || Number(v) > 2 ** 31 - 1) fail(where, `invalid integer "${v}"`);
      return set(key, [String(Number(v))]);
    }
    case 'hostkeyalgorithms': {
      const list = algoList(one());
      if (!list) fail(where, `Bad key types '${u[0]}'.`);
      return set(key, [list.join(',')]);
    }
    case 'hostkeyalias':
    case 'revokedhostkeys':
    case 'identityagent':
      return set(key, [one()]);
    case 'userknownhostsfile':
    case 'globalknownhostsfile':
      if (u.length > 16) fail(where, `too many ${key} files`);
      return set(key, u);
    case 'proxycommand': {
      // the rest of the line, verbatim (ssh hands it to the shell as written)
      const cmd = utf8(rest);
      if (!block.active || 'proxycommand' in st.o || 'proxyjump' in st.o) return;
      st.o.proxycommand = [cmd];
      return;
    }
    case 'proxyjump': {
      const v = one();
      if (asciiLower(v) !== 'none' && parseJumpList(v) === undefined) fail(where, `Invalid ProxyJump "${v}"`);
      if (!block.active || 'proxycommand' in st.o || 'proxyjump' in st.o) return;
      st.o.proxyjump = [v];
      return;
    }
    case 'canonicalizehostname': {
      const v = asciiLower(one());
      if (block.active && (v === 'yes' || v === 'always' || v === 'true'))
        fail(where, 'CanonicalizeHostname needs DNS lookups the built-in reader does not make; install an OpenSSH client');
      return;
    }
    default:
      return; // valid, and not used by mvm-tui
  }
}

function matchLine(st: State, args: string[], where: string): boolean {
  if (args.length === 0) fail(where, 'missing Match criteria');
  let result = true;
  for (let i = 0; i < args.length; i++) {
    let crit = asciiLower(args[i]!);
    const negate = crit.startsWith('!');
    if (negate) crit = crit.slice(1);
    if (crit === 'all') {
      if (args.length !== 1) fail(where, "Match 'all' must appear alone");
      continue;
    }
    if (crit === 'canonical' || crit === 'final')
      fail(where, `Match ${crit} needs the host name canonicalised by OpenSSH; install an OpenSSH client`);
    const arg = args[++i];
    if (arg === undefined) fail(where, `Match keyword "${crit}" needs an argument`);
    let ok: boolean;
    const hostNow = currentHost(st);
    switch (crit) {
      case 'host':
        ok = matchPatternList(hostNow, arg, true) === 1;
        break;
      case 'originalhost':
        ok = matchPatternList(st.alias, arg, true) === 1;
        break;
      case 'user':
        ok = matchPatternList(st.o.user?.[0] ?? st.opts.localUser, arg, false) === 1;
        break;
      case 'localuser':
        ok = matchPatternList(st.opts.localUser, arg, false) === 1;
        break;
      case 'exec': {
        if (!result) {
          ok = false; // ssh skips the command once the line has failed
          break;
        }
        const ctx = tokenContext(st, hostNow);
        let cmd: string;
        try {
          cmd = expandTokens(arg, ctx, 'CdhLlnpru');
        } catch (e) {
          fail(where, (e as Error).message);
        }
        try {
          execFileSync(process.env.SHELL || '/bin/sh', ['-c', cmd], { stdio: 'ignore', timeout: 30_000 });
          ok = true;
        } catch {
          ok = false;
        }
        break;
      }
      default:
        fail(where, `Unsupported Match attribute ${crit}`);
    }
    if (ok === negate) result = false;
  }
  return result;
}

/** The host name as it stands (HostName so far with %h expanded), for `Match host`. */
function currentHost(st: State): string {
  const h = st.o.hostname?.[0];
  if (!h) return st.alias;
  try {
    return expandTokens(h, { host: st.alias } as TokenContext, 'h');
  } catch {
    return h;
  }
}

function tokenContext(st: State, host: string): TokenContext {
  const port = Number(st.o.port?.[0] ?? 22);
  const remoteUser = st.o.user?.[0] ?? st.opts.localUser;
  return { host, alias: st.alias, port, remoteUser, localUser: st.opts.localUser, home: st.opts.home, hostKeyAlias: st.o.hostkeyalias?.[0], proxyJump: st.o.proxyjump?.[0] };
}

function finish(st: State): SshOptions {
  const o = st.o;
  let host: string;
  try {
    host = asciiLower(o.hostname ? expandTokens(o.hostname[0]!, { host: st.alias } as TokenContext, 'h') : st.alias);
  } catch (e) {
    throw new SshConfigError(`HostName: ${(e as Error).message}`);
  }
  const out: SshOptions = {
    ...o,
    hostname: [host],
    user: o.user ?? [st.opts.localUser],
    port: o.port ?? ['22'],
    identityfile: o.identityfile ?? DEFAULT_IDENTITIES.map((n) => `~/.ssh/${n}`),
    identitiesonly: o.identitiesonly ?? ['no'],
    stricthostkeychecking: o.stricthostkeychecking ?? ['ask'],
    connecttimeout: o.connecttimeout ?? ['none'],
    serveraliveinterval: o.serveraliveinterval ?? ['0'],
    serveralivecountmax: o.serveralivecountmax ?? ['3'],
    hostkeyalgorithms: o.hostkeyalgorithms ?? [DEFAULT_HOSTKEY_ALGOS.join(',')],
    globalknownhostsfile: [(o.globalknownhostsfile ?? ['/etc/ssh/ssh_known_hosts', '/etc/ssh/ssh_known_hosts2']).join(' ')],
  };
  if (o.hostkeyalias) out.hostkeyalias = [asciiLower(o.hostkeyalias[0]!)];
  if (o.proxycommand && asciiLower(o.proxycommand[0]!) === 'none') delete out.proxycommand;
  if (o.proxyjump && asciiLower(o.proxyjump[0]!) === 'none') delete out.proxyjump;
  else if (o.proxyjump) out.proxyjump = [formatJumpList(parseJumpList(o.proxyjump[0]!)!)];
  // ssh -G prints UserKnownHostsFile expanded (~, tokens) and the rest as written.
  const ctx = { ...tokenContext(st, host), hostKeyAlias: out.hostkeyalias?.[0] };
  try {
    const ukh = o.userknownhostsfile ?? ['~/.ssh/known_hosts', '~/.ssh/known_hosts2'];
    out.userknownhostsfile = [ukh.map((f) => expandTokens(expandTilde(f, st.opts.home), ctx, 'CdhiklLnpru', process.env)).join(' ')];
  } catch (e) {
    throw new SshConfigError(`UserKnownHostsFile: ${(e as Error).message}`);
  }
  return out;
}

function yesNo(v: string, where: string): string {
  const l = asciiLower(v);
  if (l === 'yes' || l === 'true') return 'yes';
  if (l === 'no' || l === 'false') return 'no';
  fail(where, `unsupported option "${v}"`);
}

/** a2port: 1-65535 or a tcp service name from /etc/services. */
export function parsePort(s: string): number | undefined {
  if (/^\d+$/.test(s)) {
    const n = Number(s);
    return n >= 1 && n <= 65535 ? n : undefined;
  }
  if (/^-?\d/.test(s)) return undefined;
  try {
    for (const line of readFileSync('/etc/services', 'utf8').split('\n')) {
      const f = line.replace(/#.*/, '').trim().split(/\s+/);
      const m = /^(\d+)\/tcp$/.exec(f[1] ?? '');
      if (m && (f[0] === s || f.slice(2).includes(s))) return Number(m[1]);
    }
  } catch {
    /* no services file: names are unknown */
  }
  return undefined;
}

/** convtime: "90", "1m30s", "1h" -> seconds; null when invalid. */
export function convtime(s: string): number | null {
  if (!/^(\d+[sSmMhHdDwW]?)+$/.test(s)) return null;
  const mult: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };
  let total = 0;
  for (const m of s.matchAll(/(\d+)([sSmMhHdDwW]?)/g)) total += Number(m[1]) * (mult[m[2]!.toLowerCase()] ?? 1);
  return total > 2 ** 31 - 1 ? null : total;
}

/** HostKeyAlgorithms as OpenSSH evaluates it: a list, `+` appended, `-` removed, `^` put first (with wildcards). */
export function algoList(spec: string): string[] | undefined {
  const op = /^[+\-^]/.test(spec) ? spec[0] : '';
  const body = op ? spec.slice(1) : spec;
  const pats = body.split(',');
  const expand = (p: string) => ALL_HOSTKEY_ALGOS.filter((a) => matchPattern(a, p));
  if (op === '-') return DEFAULT_HOSTKEY_ALGOS.filter((a) => matchPatternList(a, body, false) !== 1);
  const named: string[] = [];
  for (const p of pats) {
    const e = expand(p);
    if (!e.length) return undefined;
    for (const a of e) if (!named.includes(a)) named.push(a);
  }
  if (op === '+') return [...DEFAULT_HOSTKEY_ALGOS, ...named.filter((a) => !DEFAULT_HOSTKEY_ALGOS.includes(a))];
  if (op === '^') return [...named, ...DEFAULT_HOSTKEY_ALGOS.filter((a) => !named.includes(a))];
  return named;
}

export interface JumpHop {
  user?: string;
  host: string;
  port?: number;
}

/** A ProxyJump value: `[user@]host[:port]` or `ssh://[user@]host[:port]`, comma-separated hops; undefined if any
 *  hop cannot be read. Never throws. */
export function parseJumpList(spec: string): JumpHop[] | undefined {
  const hops: JumpHop[] = [];
  for (const raw of spec.split(',')) {
    const hop = parseHop(raw);
    if (!hop) return undefined;
    hops.push(hop);
  }
  return hops.length ? hops : undefined;
}

function parseHop(s: string): JumpHop | undefined {
  const m = /^(?:ssh:\/\/)?(?:([^@/]+)@)?(\[[^\]]+\]|[^:@/[\]]+)(?::(\d{1,5}))?$/.exec(s);
  if (!m) return undefined;
  const port = m[3] === undefined ? undefined : Number(m[3]);
  if (port !== undefined && (port < 1 || port > 65535)) return undefined;
  const host = m[2]!.replace(/^\[|\]$/g, '');
  if (!host || host.startsWith('-')) return undefined;
  return { user: m[1], host, port };
}

/** A hop list as ssh -G prints it (`user@host:port`, no ssh:// prefix). */
export function formatJumpList(hops: JumpHop[]): string {
  return hops.map((h) => `${h.user ? `${h.user}@` : ''}${h.port !== undefined && h.host.includes(':') ? `[${h.host}]` : h.host}${h.port !== undefined ? `:${h.port}` : ''}`).join(',');
}

/** The first hop of a ProxyJump value (kept for the parser fuzz tests); never throws. */
export function parseJump(spec: string): { user?: string; host: string; port?: number; extraHops: boolean } | undefined {
  const hops = parseJumpList(spec);
  return hops ? { ...hops[0]!, extraHops: hops.length > 1 } : undefined;
}

/** glob(3) of a path: `*`, `?` and `[...]` classes in any component, sorted; a path without them as it is. */
export function glob(path: string): string[] {
  if (!/[*?[]/.test(path)) return [path];
  const parts = path.split('/');
  let bases = [parts[0] === '' ? '/' : '.'];
  for (const part of parts.slice(parts[0] === '' ? 1 : 0)) {
    if (!part) continue;
    const next: string[] = [];
    for (const base of bases) {
      if (!/[*?[]/.test(part)) {
        next.push(join(base, part));
        continue;
      }
      let names: string[] = [];
      try {
        names = readdirSync(base).sort();
      } catch {
        continue;
      }
      const re = globRe(part);
      for (const n of names) if (!n.startsWith('.') && re.test(n)) next.push(join(base, n));
    }
    bases = next;
  }
  return bases;
}

function globRe(part: string): RegExp {
  let re = '';
  for (let i = 0; i < part.length; i++) {
    const c = part[i]!;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = part.indexOf(']', i + 2);
      if (end < 0) re += '\\[';
      else {
        let cls = part.slice(i + 1, end);
        if (cls.startsWith('!')) cls = `^${cls.slice(1)}`;
        re += `[${cls.replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\\]]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 's');
}

export { TokenError };
