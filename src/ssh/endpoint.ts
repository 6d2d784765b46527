import { join } from 'node:path';
import type { HostConfig, VmConfig } from '../config/types.js';
import { expandTilde, parseJump, resolveSshConfig } from './ssh-config.js';
import { SshError } from './types.js';

// Where and how to connect, worked out from the inventory and ~/.ssh/config the way OpenSSH would:
// explicit inventory values win, then the config file, then OpenSSH's defaults.

export interface LocalEnv {
  home: string;
  localUser: string;
  /** SSH_AUTH_SOCK of the environment. */
  agentSocket?: string;
}

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
  acceptNew: boolean;
  connectTimeoutMs: number;
  keepaliveIntervalMs: number;
  /** One ProxyJump hop in front of this endpoint. */
  jump?: Endpoint;
  warnings: string[];
}

export function hostEndpoint(host: HostConfig, env: LocalEnv, acceptNewFlag = false): Endpoint {
  const ssh = host.ssh;
  const lookup = ssh.alias ?? ssh.hostname!;
  const configFile = ssh.configFile ? expandTilde(ssh.configFile, env.home) : undefined;
  const ep = fromConfig(host.name, lookup, configFile, env, {
    hostname: ssh.alias && ssh.hostname ? ssh.hostname : undefined,
    user: ssh.user,
    port: ssh.port,
    identityFile: ssh.identityFile,
    knownHostsFile: ssh.knownHostsFile,
    acceptNew: acceptNewFlag || ssh.strictHostKeyChecking === 'accept-new',
    connectTimeoutMs: ssh.connectTimeoutMs,
    keepaliveIntervalMs: ssh.keepaliveIntervalMs,
  });
  if (ep.jumpSpec && ep.jumpSpec !== 'none') {
    const hop = parseJump(ep.jumpSpec);
    if (!hop) throw new SshError('config', host.name, `${host.name}: cannot read ProxyJump "${ep.jumpSpec}"`);
    if (hop.extraHops) throw new SshError('config', host.name, `${host.name}: ProxyJump with more than one hop is not supported (${ep.jumpSpec})`);
    const jump = fromConfig(`${host.name} (jump ${hop.host})`, hop.host, configFile, env, {
      user: hop.user,
      port: hop.port,
      acceptNew: ep.endpoint.acceptNew,
      connectTimeoutMs: ssh.connectTimeoutMs,
      keepaliveIntervalMs: ssh.keepaliveIntervalMs,
    });
    if (jump.jumpSpec && jump.jumpSpec !== 'none')
      throw new SshError('config', host.name, `${host.name}: the jump host ${hop.host} has its own ProxyJump; only one hop is supported`);
    ep.endpoint.jump = jump.endpoint;
  }
  return ep.endpoint;
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
    jump: undefined,
    warnings: [],
  };
}

interface Overrides {
  hostname?: string;
  user?: string;
  port?: number;
  identityFile?: string;
  knownHostsFile?: string;
  acceptNew: boolean;
  connectTimeoutMs: number;
  keepaliveIntervalMs: number;
}

function fromConfig(label: string, lookup: string, file: string | undefined, env: LocalEnv, o: Overrides): { endpoint: Endpoint; jumpSpec?: string } {
  const cfg = resolveSshConfig(lookup, { file, home: env.home, localUser: env.localUser });
  const sshDir = join(env.home, '.ssh');
  const explicit = [o.identityFile ? expandTilde(o.identityFile, env.home) : undefined, ...cfg.identityFiles].filter((k): k is string => !!k);
  const defaults = cfg.identitiesOnly ? [] : ['id_ed25519', 'id_ecdsa', 'id_rsa'].map((n) => join(sshDir, n));
  const keyFiles = [...new Set([...explicit, ...defaults])];
  const userFiles = cfg.userKnownHostsFiles ?? [join(sshDir, 'known_hosts'), join(sshDir, 'known_hosts2')];
  const invKh = o.knownHostsFile ? expandTilde(o.knownHostsFile, env.home) : undefined;
  const warnings = [...cfg.warnings];
  if (cfg.strictHostKeyChecking && !['yes', 'accept-new', 'true'].includes(cfg.strictHostKeyChecking))
    warnings.push(`StrictHostKeyChecking ${cfg.strictHostKeyChecking} is not honoured: host keys are always checked`);
  let agent: string | undefined = env.agentSocket;
  if (cfg.identityAgent === 'none') agent = undefined;
  else if (cfg.identityAgent && cfg.identityAgent !== 'SSH_AUTH_SOCK') agent = cfg.identityAgent;
  // IdentitiesOnly: ssh2 cannot restrict the agent to the named keys, so the agent is left out.
  if (cfg.identitiesOnly) agent = undefined;
  return {
    jumpSpec: cfg.proxyJump,
    endpoint: {
      label,
      hostname: o.hostname ?? cfg.hostname,
      port: o.port ?? cfg.port ?? 22,
      user: o.user ?? cfg.user ?? env.localUser,
      keyFiles,
      explicitKeys: explicit,
      agent: agent || undefined,
      knownHostsFiles: [...new Set([...(invKh ? [invKh] : []), ...userFiles, ...(cfg.globalKnownHostsFiles ?? ['/etc/ssh/ssh_known_hosts'])])],
      writeKnownHosts: invKh ?? userFiles[0] ?? join(sshDir, 'known_hosts'),
      acceptNew: o.acceptNew || cfg.strictHostKeyChecking === 'accept-new',
      connectTimeoutMs: cfg.connectTimeoutMs ?? o.connectTimeoutMs,
      keepaliveIntervalMs: o.keepaliveIntervalMs,
      warnings,
    },
  };
}
