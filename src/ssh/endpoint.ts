import { join } from 'node:path';
import type { HostConfig, VmConfig } from '../config/types.js';
import { parseJumpList, SshConfigError } from './ssh-config.js';
import { configFileFor, resolveSshOptions, resolveSshOptionsAhead, type ResolvedSshConfig, type Resolver } from './ssh-options.js';
import { expandTilde, expandTokens, PROXY_TOKENS } from './tokens.js';
import { SshError } from './types.js';

// Where and how to connect, worked out from the inventory and the ssh config as OpenSSH would: the inventory's
// values are given as ssh's command-line options (so they win), the config file comes next, then OpenSSH's
// defaults. A ProxyJump hop is resolved as the `ssh -W` OpenSSH runs for it (its own config, `-J` for the
// hops before it); a ProxyCommand is kept as the shell command ssh would run.

export interface LocalEnv {
  home: string;
  localUser: string;
  /** SSH_AUTH_SOCK of the environment. */
  agentSocket?: string;
  /** Which resolves the config: 'auto' (OpenSSH when installed, else the built-in reader). */
  resolver?: Resolver | 'auto';
}

/** How the byte stream to an endpoint is opened. */
export type Route = { kind: 'tcp' } | { kind: 'command'; command: string } | { kind: 'jump'; via: Endpoint };

export interface Endpoint {
  /** Label in messages and state: the inventory host name, "host/vm" for a VM, "host (jump X)" for a jump. */
  label: string;
  hostname: string;
  port: number;
  user: string;
  /** Identity files to try, in order (missing ones are skipped). */
  keyFiles: string[];
  /** Which of keyFiles were named explicitly (a missing one is worth mentioning). */
  explicitKeys: string[];
  agent?: string;
  knownHostsFiles: string[];
  writeKnownHosts: string;
  hostKeyAlias?: string;
  revokedHostKeys?: string;
  hostKeyAlgorithms?: string[];
  acceptNew: boolean;
  connectTimeoutMs: number;
  keepaliveIntervalMs: number;
  keepaliveCountMax: number;
  route: Route;
  /** What resolved the options, and from which file (for `config check`). */
  resolver?: Resolver;
  configFile?: string;
  /** The resolved options themselves (shells pass them to ssh). */
  resolved?: ResolvedSshConfig;
  warnings: string[];
}

const MAX_HOPS = 8;

/** The alias, config file and command-line options a host is resolved with. */
function hostQuery(host: HostConfig, env: LocalEnv): { alias: string; file: string; cmdline: Array<[string, string]> } {
  const ssh = host.ssh;
  const alias = ssh.alias ?? ssh.hostname!;
  const file = configFileFor(ssh.configFile ? expandTilde(ssh.configFile, env.home) : undefined, env.home);
  const cmdline: Array<[string, string]> = [];
  if (ssh.alias && ssh.hostname) cmdline.push(['HostName', ssh.hostname]);
  if (ssh.user) cmdline.push(['User', ssh.user]);
  if (ssh.port) cmdline.push(['Port', String(ssh.port)]);
  if (ssh.identityFile) cmdline.push(['IdentityFile', expandTilde(ssh.identityFile, env.home)]);
  return { alias, file, cmdline };
}

/** Resolves the host's own options ahead, without blocking, so hostEndpoint() does not wait for ssh -G (its
 *  ProxyJump hops, if any, are resolved when it runs). Never fails: hostEndpoint() reports what is wrong. */
export async function hostEndpointAhead(host: HostConfig, env: LocalEnv): Promise<void> {
  try {
    const { alias, file, cmdline } = hostQuery(host, env);
    await resolveSshOptionsAhead(alias, { file, home: env.home, localUser: env.localUser, cmdline, resolver: env.resolver });
  } catch {
    // hostEndpoint() says it
  }
}

export function hostEndpoint(host: HostConfig, env: LocalEnv, acceptNewFlag = false): Endpoint {
  const ssh = host.ssh;
  const { alias, file, cmdline } = hostQuery(host, env);
  const ctx: Ctx = {
    host,
    env,
    file,
    acceptNew: acceptNewFlag || ssh.strictHostKeyChecking === 'accept-new',
    knownHostsFile: ssh.knownHostsFile ? expandTilde(ssh.knownHostsFile, env.home) : undefined,
  };
  try {
    return resolveEndpoint(ctx, host.name, alias, cmdline, 0);
  } catch (e) {
    if (e instanceof SshConfigError) throw new SshError('config', host.name, `${host.name}: ${e.message}`);
    throw e;
  }
}

interface Ctx {
  host: HostConfig;
  env: LocalEnv;
  file: string;
  acceptNew: boolean;
  /** The inventory's extra known_hosts file (the main host only). */
  knownHostsFile?: string;
}

function resolveEndpoint(ctx: Ctx, label: string, alias: string, cmdline: Array<[string, string]>, depth: number): Endpoint {
  if (depth > MAX_HOPS) throw new SshConfigError(`more than ${MAX_HOPS} ProxyJump hops (a loop?)`);
  const { env, host } = ctx;
  const cfg = resolveSshOptions(alias, { file: ctx.file, home: env.home, localUser: env.localUser, cmdline, resolver: env.resolver });
  const sshDir = join(env.home, '.ssh');
  const warnings: string[] = [];
  const invKh = depth === 0 ? ctx.knownHostsFile : undefined;
  if (cfg.strictHostKeyChecking === 'no') warnings.push('StrictHostKeyChecking no is not honoured: unknown and changed host keys are refused');
  if (cfg.certificateFiles.length) warnings.push('CertificateFile is not supported: certificates are not offered');
  let agent: string | undefined = env.agentSocket;
  if (cfg.identityAgent === 'none') agent = undefined;
  else if (cfg.identityAgent && cfg.identityAgent !== 'SSH_AUTH_SOCK') agent = cfg.identityAgent;
  // IdentitiesOnly: ssh2 cannot restrict the agent to the named keys, so the agent is left out.
  if (cfg.identitiesOnly) agent = undefined;
  const ep: Endpoint = {
    label,
    hostname: cfg.hostname,
    port: cfg.port,
    user: cfg.user,
    keyFiles: cfg.identityFiles,
    explicitKeys: cfg.explicitIdentityFiles,
    agent: agent || undefined,
    knownHostsFiles: [...new Set([...(invKh ? [invKh] : []), ...cfg.userKnownHostsFiles, ...cfg.globalKnownHostsFiles])],
    writeKnownHosts: invKh ?? cfg.userKnownHostsFiles[0] ?? join(sshDir, 'known_hosts'),
    hostKeyAlias: cfg.hostKeyAlias,
    revokedHostKeys: cfg.revokedHostKeys,
    hostKeyAlgorithms: cfg.hostKeyAlgorithms.length ? cfg.hostKeyAlgorithms : undefined,
    acceptNew: ctx.acceptNew || cfg.strictHostKeyChecking === 'accept-new',
    connectTimeoutMs: cfg.connectTimeoutMs ?? host.ssh.connectTimeoutMs,
    keepaliveIntervalMs: cfg.serverAliveIntervalMs || host.ssh.keepaliveIntervalMs,
    keepaliveCountMax: cfg.serverAliveCountMax,
    route: { kind: 'tcp' },
    resolver: cfg.resolver,
    configFile: cfg.file,
    resolved: cfg,
    warnings,
  };
  if (!cfg.userKnownHostsFiles.length && !invKh) ep.acceptNew = false; // nowhere to record (UserKnownHostsFile none)
  if (cfg.proxyJump) {
    const hops = parseJumpList(cfg.proxyJump);
    if (!hops) throw new SshConfigError(`cannot read ProxyJump "${cfg.proxyJump}"`);
    const last = hops[hops.length - 1]!;
    const jumpUser = last.user ?? cfg.user;
    const jumpPort = last.port ?? 22;
    if (last.host === cfg.hostname && jumpPort === cfg.port && jumpUser === cfg.user) throw new SshConfigError(`jumphost loop via ${last.host}`);
    // ssh runs `ssh [-l user] [-p port] -F file [-J earlier,hops] -W [%h]:%p host` for the last hop.
    const hopCmd: Array<[string, string]> = [];
    if (last.user) hopCmd.push(['User', last.user]);
    if (last.port) hopCmd.push(['Port', String(last.port)]);
    if (hops.length > 1) hopCmd.push(['ProxyJump', cfg.proxyJump.slice(0, cfg.proxyJump.lastIndexOf(','))]);
    const via = resolveEndpoint(ctx, `${host.name} (jump ${last.host})`, last.host, hopCmd, depth + 1);
    ep.route = { kind: 'jump', via };
  } else if (cfg.proxyCommand) {
    ep.route = {
      kind: 'command',
      command: expandTokens(cfg.proxyCommand, { host: cfg.hostname, alias, port: cfg.port, remoteUser: cfg.user, localUser: env.localUser, home: env.home, hostKeyAlias: cfg.hostKeyAlias }, PROXY_TOKENS),
    };
  }
  return ep;
}

/** A VM reached by ProxyJump through its hypervisor's connection. */
export function vmEndpoint(host: HostConfig, hostEp: Endpoint, vm: VmConfig, env: LocalEnv): Endpoint {
  const a = host.vmAccess;
  const key = a.identityFile ? expandTilde(a.identityFile, env.home) : undefined;
  const kh = a.knownHostsFile ? expandTilde(a.knownHostsFile, env.home) : undefined;
  return {
    ...hostEp,
    label: `${host.name}/${vm.name}`,
    hostname: vm.address,
    port: a.port,
    user: a.user,
    keyFiles: key ? [key, ...hostEp.keyFiles.filter((k) => k !== key)] : hostEp.keyFiles,
    explicitKeys: key ? [key] : hostEp.explicitKeys,
    knownHostsFiles: kh ? [kh] : hostEp.knownHostsFiles,
    writeKnownHosts: kh ?? hostEp.writeKnownHosts,
    hostKeyAlias: undefined,
    route: { kind: 'tcp' },
    resolved: undefined,
    warnings: [],
  };
}
