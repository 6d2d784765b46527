import { homedir } from 'node:os';
import { join } from 'node:path';
import type { HostConfig, VmConfig } from '../config/types.js';
import { shJoin } from '../host/quote.js';
import type { Controller } from './controller.js';

// `s` / `H`: an interactive OpenSSH session (the user's own ssh, agent and config) to the selected VM
// through its hypervisor, or to the hypervisor. The UI is suspended meanwhile and comes back as it was.

const home = (p: string) => (p === '~' ? homedir() : p.startsWith('~/') ? join(homedir(), p.slice(2)) : p);

/** OpenSSH options and destination for the hypervisor, from the inventory's `ssh:` block. */
export function hostSshArgs(h: HostConfig): string[] {
  const s = h.ssh;
  const out: string[] = [];
  if (s.configFile) out.push('-F', home(s.configFile));
  if (s.identityFile) out.push('-i', home(s.identityFile));
  if (s.port) out.push('-p', String(s.port));
  if (s.knownHostsFile) out.push('-o', `UserKnownHostsFile=${home(s.knownHostsFile)}`);
  if (s.strictHostKeyChecking === 'accept-new') out.push('-o', 'StrictHostKeyChecking=accept-new');
  out.push('-o', `ConnectTimeout=${Math.max(1, Math.ceil(s.connectTimeoutMs / 1000))}`);
  if (s.alias && s.hostname) out.push('-o', `HostName=${s.hostname}`);
  const name = s.alias ?? s.hostname!;
  out.push(s.user ? `${s.user}@${name}` : name);
  return out;
}

/** The argv of an interactive shell on the hypervisor, or on a VM through it (nested or ProxyJump-like). */
export function shellArgv(h: HostConfig, vm?: VmConfig): string[] {
  const hv = hostSshArgs(h);
  if (!vm) return ['ssh', '-t', ...hv];
  const a = h.vmAccess;
  if (a.mode === 'nested') {
    // the seed's way: ssh on the hypervisor with its own key; the inner argv is one quoted remote command
    const inner = ['ssh', '-t', '-i', a.remoteIdentityFile, ...(a.port !== 22 ? ['-p', String(a.port)] : []), ...a.remoteSshOptions, `${a.user}@${vm.address}`];
    return ['ssh', '-t', ...hv, shJoin(inner)];
  }
  const proxy = shJoin(['ssh', ...hv.slice(0, -1), '-W', '%h:%p', hv[hv.length - 1]!]);
  const key = a.identityFile ?? h.ssh.identityFile;
  const kh = a.knownHostsFile ?? h.ssh.knownHostsFile;
  return [
    'ssh',
    '-t',
    '-o',
    `ProxyCommand=${proxy}`,
    ...(key ? ['-i', home(key)] : []),
    ...(kh ? ['-o', `UserKnownHostsFile=${home(kh)}`] : []),
    '-p',
    String(a.port),
    `${a.user}@${vm.address}`,
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
