import type { HostConfig, VmConfig } from '../config/types.js';
import { shJoin } from '../host/quote.js';
import { hostEndpoint, vmEndpoint, type LocalEnv } from '../ssh/endpoint.js';
import { localEnv } from '../ssh/index.js';
import { memoryFile } from '../ssh/memory-files.js';
import { cfgQuote } from '../ssh/ssh-options.js';
import type { Controller } from './controller.js';

// `s` / `H`: an interactive OpenSSH session (the user's own ssh, agent and config) to the selected VM
// through its hypervisor, or to the hypervisor. The UI is suspended meanwhile and comes back as it was.

/** OpenSSH options and destination for the hypervisor: the config file mvm-tui read (`-F`) and what it resolved
 *  from it, given explicitly, so the shell's ssh reads the same config and the same known_hosts files as the
 *  app even when $HOME is not the password database's home (which is where ssh itself would look). */
export function hostSshArgs(h: HostConfig, env: LocalEnv = localEnv()): string[] {
  const ep = hostEndpoint(h, env);
  const r = ep.resolved!;
  const o = (k: string, v: string) => ['-o', `${k}=${v}`];
  const files = (list: string[]) => (list.length ? list.map(cfgQuote).join(' ') : 'none');
  // files held in memory (the demo's) cannot be named to ssh: its known_hosts line is echoed to it instead,
  // and no key is needed (the demo lets anyone in)
  const inMemory = ep.knownHostsFiles.map(memoryFile).filter((t): t is string => t !== undefined);
  const userKh = ep.knownHostsFiles.filter((f) => !r.globalKnownHostsFiles.includes(f) && memoryFile(f) === undefined);
  const out = ['-F', ep.configFile ?? 'none'];
  out.push(...o('HostName', ep.hostname), ...o('User', ep.user), ...o('Port', String(ep.port)));
  for (const k of ep.keyFiles) if (memoryFile(k) === undefined) out.push(...o('IdentityFile', cfgQuote(k)));
  out.push(...o('UserKnownHostsFile', files(userKh)), ...o('GlobalKnownHostsFile', files(r.globalKnownHostsFiles)));
  if (inMemory.length) out.push(...o('KnownHostsCommand', `/bin/echo ${inMemory.join(' ').trim()}`));
  if (ep.revokedHostKeys) out.push(...o('RevokedHostKeys', cfgQuote(ep.revokedHostKeys)));
  if (ep.acceptNew) out.push(...o('StrictHostKeyChecking', 'accept-new'));
  out.push(...o('ConnectTimeout', String(Math.max(1, Math.ceil(ep.connectTimeoutMs / 1000)))));
  out.push(h.ssh.alias ?? h.ssh.hostname!);
  return out;
}

/** The argv of an interactive shell on the hypervisor, or on a VM through it (nested or ProxyJump-like). */
export function shellArgv(h: HostConfig, vm?: VmConfig, env: LocalEnv = localEnv()): string[] {
  const hv = hostSshArgs(h, env);
  if (!vm) return ['ssh', '-t', ...hv];
  const a = h.vmAccess;
  if (a.mode === 'nested') {
    // the seed's way: ssh on the hypervisor with its own key; the inner argv is one quoted remote command
    const inner = ['ssh', '-t', '-i', a.remoteIdentityFile, ...(a.port !== 22 ? ['-p', String(a.port)] : []), ...a.remoteSshOptions, `${a.user}@${vm.address}`];
    return ['ssh', '-t', ...hv, shJoin(inner)];
  }
  // the VM's ssh reads no config (the app does not either) and gets the keys and known_hosts the app uses
  const proxy = shJoin(['ssh', ...hv.slice(0, -1), '-W', '%h:%p', hv[hv.length - 1]!]);
  const ep = vmEndpoint(h, hostEndpoint(h, env), vm, env);
  return [
    'ssh',
    '-t',
    '-F',
    'none',
    '-o',
    `ProxyCommand=${proxy}`,
    ...ep.keyFiles.flatMap((k) => ['-o', `IdentityFile=${cfgQuote(k)}`]),
    '-o',
    `UserKnownHostsFile=${ep.knownHostsFiles.map(cfgQuote).join(' ') || 'none'}`,
    '-o',
    'GlobalKnownHostsFile=none',
    ...(ep.acceptNew ? ['-o', 'StrictHostKeyChecking=accept-new'] : []),
    '-p',
    String(ep.port),
    `${ep.user}@${vm.address}`,
  ];
}

export interface ShellDeps {
  hosts: HostConfig[];
  /** Runs argv on the user's terminal with the UI suspended; resolves with the exit code. */
  runInteractive(argv: string[]): Promise<number | null>;
}

export function registerShell(c: Controller, deps: ShellDeps): void {
  const find = (host: string | undefined) => deps.hosts.find((h) => h.name === host) ?? deps.hosts[0];
  const go = async (argv: string[], what: string) => {
    const code = await deps.runInteractive(argv);
    c.status(`shell on ${what} ended${code ? ` (exit ${code})` : ''}`, code ? 'warn' : 'info');
  };
  c.register('vm.shell', async ({ selected }) => {
    const h = find(selected?.host);
    const vm = h?.vms.find((v) => v.name === selected?.vm);
    if (!h || !vm) return c.status('no VM selected', 'warn');
    await go(shellArgv(h, vm), `${vm.name} on ${h.name}`);
  });
  c.register('host.shell', async ({ selected }) => {
    const h = find(selected?.host);
    if (!h) return c.status('no host', 'warn');
    await go(shellArgv(h), h.name);
  });
}
