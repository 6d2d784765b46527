import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { findOpenSsh, findOpenSshAhead, sshG, sshGAhead } from './openssh.js';
import { readSshConfig, SshConfigError, type SshOptions } from './ssh-config.js';
import { expandPath, FILE_TOKENS, TokenError, type TokenContext } from './tokens.js';

// One host alias resolved into the options mvm-tui connects with: by `ssh -G` when an OpenSSH client is
// installed, else by the built-in reader (ssh-config.ts). Both read the same file (`-F`) with the same
// command-line options, and both answers are turned into paths the same way here, with `~` and %d as $HOME.

export type Resolver = 'openssh' | 'builtin';

export interface ResolveInput {
  /** The config file read: the inventory's ssh.configFile, else $HOME/.ssh/config; 'none' when there is none. */
  file: string;
  home: string;
  localUser: string;
  /** Options given as ssh's `-o` (they win over the file): the inventory's hostname/user/port/identityFile,
   *  a jump hop's user/port. */
  cmdline: Array<[string, string]>;
  /** 'auto' (default): OpenSSH when found. */
  resolver?: Resolver | 'auto';
}

export interface ResolvedSshConfig {
  alias: string;
  resolver: Resolver;
  /** The -F file used ('none' for no file). */
  file: string;
  hostname: string;
  user: string;
  port: number;
  identityFiles: string[];
  /** Which identity files came from the config or the command line (not OpenSSH's defaults). */
  explicitIdentityFiles: string[];
  identitiesOnly: boolean;
  certificateFiles: string[];
  identityAgent?: string;
  proxyJump?: string;
  proxyCommand?: string;
  hostKeyAlias?: string;
  userKnownHostsFiles: string[];
  globalKnownHostsFiles: string[];
  revokedHostKeys?: string;
  strictHostKeyChecking: 'yes' | 'no' | 'ask' | 'accept-new';
  connectTimeoutMs?: number;
  serverAliveIntervalMs: number;
  serverAliveCountMax: number;
  hostKeyAlgorithms: string[];
  warnings: string[];
}

/** The config file mvm-tui reads: the given one, else $HOME/.ssh/config when it exists, else 'none'. */
export function configFileFor(configured: string | undefined, home: string): string {
  if (configured) return configured;
  const f = join(home, '.ssh', 'config');
  return existsSync(f) ? f : 'none';
}

/** Quotes an option value for a config line / `-o` (argv_split rules). */
export function cfgQuote(v: string): string {
  return /[\s"'\\#]/.test(v) || v === '' ? `"${v.replace(/[\\"]/g, '\\$&')}"` : v;
}

export function resolveSshOptions(alias: string, input: ResolveInput): ResolvedSshConfig {
  const want = input.resolver ?? 'auto';
  const bin = want === 'builtin' ? null : findOpenSsh();
  if (want === 'openssh' && !bin) throw new SshConfigError('no OpenSSH client (ssh) found on PATH');
  const cmdline = input.cmdline.map(([k, v]) => [k, cfgQuote(v)] as [string, string]);
  if (input.file !== 'none' && !existsSync(input.file)) throw new SshConfigError(`${input.file}: no such ssh config file`);
  const raw = bin ? sshG(bin, alias, input.file, cmdline) : readSshConfig(alias, { file: input.file, home: input.home, localUser: input.localUser, cmdline });
  return fromOptions(alias, raw, bin ? 'openssh' : 'builtin', input);
}

/** Runs the `ssh -G` that resolveSshOptions() will run, ahead and without blocking (nothing when it will not). */
export async function resolveSshOptionsAhead(alias: string, input: ResolveInput): Promise<void> {
  if ((input.resolver ?? 'auto') === 'builtin') return;
  const bin = await findOpenSshAhead();
  if (!bin || (input.file !== 'none' && !existsSync(input.file))) return;
  await sshGAhead(bin, alias, input.file, input.cmdline.map(([k, v]) => [k, cfgQuote(v)] as [string, string]));
}

function pwHome(): string | undefined {
  try {
    return userInfo().homedir;
  } catch {
    return undefined;
  }
}

function fromOptions(alias: string, o: SshOptions, resolver: Resolver, input: ResolveInput): ResolvedSshConfig {
  const first = (k: string) => o[k]?.[0];
  const hostname = first('hostname') ?? alias;
  const user = first('user') ?? input.localUser;
  const port = Number(first('port') ?? 22);
  const hostKeyAlias = first('hostkeyalias');
  const proxyJump = first('proxyjump');
  const ctx: TokenContext = { host: hostname, alias, port, remoteUser: user, localUser: input.localUser, home: input.home, hostKeyAlias, proxyJump };
  const path = (p: string, what: string) => {
    try {
      return expandPath(p, ctx, FILE_TOKENS);
    } catch (e) {
      if (e instanceof TokenError) throw new SshConfigError(`${alias}: ${what} "${p}": ${e.message}`);
      throw e;
    }
  };
  // ssh -G prints UserKnownHostsFile already expanded, with ssh's home (the password database's): as $HOME here.
  const pw = resolver === 'openssh' ? pwHome() : undefined;
  const rehome = (p: string) => (pw && pw !== input.home && (p === pw || p.startsWith(`${pw}/`)) ? input.home + p.slice(pw.length) : p);
  // ssh -G prints the known_hosts files joined by spaces, unquoted: a piece that is not a path of its own (does not
  // start with / or ~) is taken as the rest of the previous one (a file name with a space).
  const split = (k: string) => {
    const out: string[] = [];
    for (const piece of (first(k) ?? '').split(' ')) {
      if (out.length && !/^[/~]/.test(piece) && piece !== 'none') out[out.length - 1] += ` ${piece}`;
      else if (piece) out.push(piece);
    }
    return out;
  };
  const none = (list: string[]) => list.filter((f) => f !== 'none');
  const explicitIds = new Set<string>();
  const idLines = o.identityfile ?? [];
  const isDefault = (f: string) => /^~\/\.ssh\/id_(rsa|ecdsa|ecdsa_sk|ed25519|ed25519_sk|xmss|dsa)$/.test(f);
  const identityFiles = none(idLines).map((f) => {
    const p = path(f, 'IdentityFile');
    if (!isDefault(f) || input.cmdline.some(([k, v]) => k === 'IdentityFile' && v === f)) explicitIds.add(p);
    return p;
  });
  const revoked = first('revokedhostkeys');
  const agent = first('identityagent');
  const timeout = first('connecttimeout');
  const sai = Number(first('serveraliveinterval') ?? 0);
  const strict = first('stricthostkeychecking') ?? 'ask';
  const pc = first('proxycommand');
  return {
    alias,
    resolver,
    file: input.file,
    hostname,
    user,
    port,
    identityFiles,
    explicitIdentityFiles: [...explicitIds],
    identitiesOnly: first('identitiesonly') === 'yes',
    certificateFiles: none(o.certificatefile ?? []).map((f) => path(f, 'CertificateFile')),
    identityAgent: agent === undefined || agent === 'none' || agent === 'SSH_AUTH_SOCK' ? agent : path(agent, 'IdentityAgent'),
    proxyJump: proxyJump && proxyJump !== 'none' ? proxyJump : undefined,
    proxyCommand: pc && pc !== 'none' ? pc : undefined,
    hostKeyAlias,
    userKnownHostsFiles: none(split('userknownhostsfile')).map(rehome),
    globalKnownHostsFiles: none(split('globalknownhostsfile')).map((f) => path(f, 'GlobalKnownHostsFile')),
    revokedHostKeys: revoked && revoked !== 'none' ? path(revoked, 'RevokedHostKeys') : undefined,
    strictHostKeyChecking: strict === 'true' ? 'yes' : strict === 'false' ? 'no' : (strict as 'ask' | 'accept-new'),
    connectTimeoutMs: timeout && timeout !== 'none' ? Number(timeout) * 1000 : undefined,
    serverAliveIntervalMs: sai * 1000,
    serverAliveCountMax: Number(first('serveralivecountmax') ?? 3),
    hostKeyAlgorithms: (first('hostkeyalgorithms') ?? '').split(',').filter(Boolean),
    warnings: [],
  };
}
