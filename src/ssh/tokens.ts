import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname as osHostname } from 'node:os';
import { join } from 'node:path';

// ssh_config(5)'s TOKENS and ENVIRONMENT VARIABLES, and `~`/`~user/`, expanded as ssh expands them, except that
// `~` and %d are $HOME (mvm-tui honours $HOME; ssh takes the password database's home). An unknown token or an
// unset variable is an error, as in ssh (which refuses to connect).

export interface TokenContext {
  /** %h: the host name after HostName. */
  host: string;
  /** %n: the name given (the alias). */
  alias: string;
  port: number;
  /** %r */
  remoteUser: string;
  /** %u */
  localUser: string;
  /** %d and `~` */
  home: string;
  /** %k: HostKeyAlias, else the name given. */
  hostKeyAlias?: string;
  /** %j: the ProxyJump value, if any. */
  proxyJump?: string;
}

export class TokenError extends Error {}

/** %l: the local host name, %L: its first label. */
export function localHostname(): { full: string; short: string } {
  const full = osHostname();
  return { full, short: full.split('.')[0]! };
}

/** %C: SHA-1 of %l%h%p%r, as OpenSSH 9.2 hashes it. */
export function connectionHash(c: TokenContext): string {
  return createHash('sha1').update(`${localHostname().full}${c.host}${c.port}${c.remoteUser}`).digest('hex');
}

function tokenValue(t: string, c: TokenContext, allowed: string): string {
  if (t !== '%' && !allowed.includes(t)) throw new TokenError(`unknown token %${t}`);
  switch (t) {
    case '%':
      return '%';
    case 'h':
      return c.host;
    case 'n':
      return c.alias;
    case 'p':
      return String(c.port);
    case 'r':
      return c.remoteUser;
    case 'u':
      return c.localUser;
    case 'd':
      return c.home;
    case 'i':
      return String(process.getuid?.() ?? 0);
    case 'l':
      return localHostname().full;
    case 'L':
      return localHostname().short;
    case 'C':
      return connectionHash(c);
    case 'k':
      return c.hostKeyAlias ?? c.alias;
    case 'j':
      return c.proxyJump ?? '';
    default:
      throw new TokenError(`unknown token %${t}`);
  }
}

/** Tokens of file options (IdentityFile, CertificateFile, UserKnownHostsFile, RevokedHostKeys). */
export const FILE_TOKENS = 'CdhijkLlnpru';
/** Tokens of ProxyCommand. */
export const PROXY_TOKENS = 'hknpr';

/** %x tokens and, with env, ${NAME}s in one pass (as vdollar_percent_expand does). */
export function expandTokens(s: string, c: TokenContext, allowed: string, env?: NodeJS.ProcessEnv): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    if (env && s.startsWith('${', i)) {
      const end = s.indexOf('}', i);
      if (end < 0) throw new TokenError(`"${s}": unterminated \${`);
      const name = s.slice(i + 2, end);
      const v = env[name];
      if (v === undefined) throw new TokenError(`environment variable \${${name}} is not set`);
      out += v;
      i = end;
      continue;
    }
    if (s[i] !== '%') {
      out += s[i];
      continue;
    }
    const t = s[++i];
    if (t === undefined) throw new TokenError(`"${s}": a % at the end`);
    out += tokenValue(t, c, allowed);
  }
  return out;
}

/** `~` and `~/x` (home), `~user/x` (that user's home from /etc/passwd). */
export function expandTilde(p: string, home: string): string {
  if (!p.startsWith('~')) return p;
  const slash = p.indexOf('/');
  const user = slash < 0 ? p.slice(1) : p.slice(1, slash);
  const rest = slash < 0 ? '' : p.slice(slash + 1);
  const base = user ? passwdHome(user) : home;
  if (base === undefined) throw new TokenError(`no such user "${user}" for ${p}`);
  return rest ? join(base, rest) : base;
}

export function passwdHome(user: string): string | undefined {
  try {
    for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
      const f = line.split(':');
      if (f[0] === user && f.length >= 7) return f[5];
    }
  } catch {
    /* no passwd file */
  }
  return undefined;
}

/** A file option's value: `~` first, then tokens and ${VAR}s (as ssh does for IdentityFile and the like). */
export function expandPath(p: string, c: TokenContext, allowed = FILE_TOKENS): string {
  return expandTokens(expandTilde(p, c.home), c, allowed, process.env);
}
