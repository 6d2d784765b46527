import type { HostConfig, VmConfig } from '../config/types.js';
import { shJoin, shq } from './quote.js';

// Deploy and runner-update commands, built from the inventory. The hypervisor's address always comes from
// the inventory; nothing here knows a real host.

export interface TemplateValues {
  vm?: VmConfig;
}

export class TemplateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateError';
  }
}

/** Replaces {vm} {unit} {dataset} with quoted values; other braces are left alone (shell syntax). */
export function expandTemplate(template: string, values: TemplateValues): string {
  return template.replace(/\{(vm|unit|dataset)\}/g, (_m, key: 'vm' | 'unit' | 'dataset') => {
    if (!values.vm) throw new TemplateError(`the command uses {${key}} but no VM was given`);
    return shq(key === 'vm' ? values.vm.name : values.vm[key]);
  });
}

export function usesVm(template: string): boolean {
  return /\{(vm|unit|dataset)\}/.test(template);
}

/** `cd FLAKE && CMD`: commands that read a flake run in its checkout. */
export function inDir(dir: string, command: string): string {
  return `cd ${shq(dir)} && ${command}`;
}

/** The seed's runner rebuild, or the host's updateCommand; run in remoteFlake on the hypervisor. */
export function runnerUpdateCmd(host: HostConfig, vm: VmConfig): string {
  const cmd = host.updateCommand
    ? expandTemplate(host.updateCommand, { vm })
    : shJoin(['nix', 'build', `.#nixosConfigurations.${vm.name}.config.microvm.declaredRunner`, '-o', `${host.microvmsDir}/${vm.name}/current`]);
  return inDir(host.remoteFlake, cmd);
}

/** Prints the targets of current and booted, one per line (an empty line when a link is missing). */
export function runnerLinksCmd(host: HostConfig, vm: VmConfig): string {
  const dir = `${host.microvmsDir}/${vm.name}`;
  return `printf '%s\\n' "$(readlink ${shq(`${dir}/current`)})" "$(readlink ${shq(`${dir}/booted`)})"`;
}

/** A deploy run on the hypervisor itself (deploy.mode remote), in remoteFlake. */
export function remoteDeployCmd(host: HostConfig): string {
  const cmd = host.deploy.command ?? shJoin(['nixos-rebuild', 'switch', '--flake', `.#${host.flakeAttr}`]);
  return inDir(host.remoteFlake, cmd);
}

export interface LocalCommand {
  /** argv to spawn without a shell. */
  argv: string[];
  env: Record<string, string>;
  /** The directory it runs in (undefined: the current one). */
  cwd?: string;
  /** One line for the audit log and the pane's title. */
  display: string;
}

/** `user@host` for --target-host: the alias (ssh resolves it) or the configured hostname. */
export function targetHost(host: HostConfig): string {
  const name = host.ssh.alias ?? host.ssh.hostname ?? host.name;
  if (host.ssh.user) return `${host.ssh.user}@${name}`;
  return host.ssh.alias ? name : `root@${name}`;
}

/** NIX_SSHOPTS for nixos-rebuild's ssh: the configured key, port and files. */
export function nixSshOpts(host: HostConfig, expand: (p: string) => string): string {
  const o: string[] = [];
  if (host.ssh.identityFile) o.push('-i', expand(host.ssh.identityFile));
  if (host.ssh.port && host.ssh.port !== 22) o.push('-p', String(host.ssh.port));
  if (host.ssh.configFile) o.push('-F', expand(host.ssh.configFile));
  if (host.ssh.knownHostsFile) o.push('-o', `UserKnownHostsFile=${expand(host.ssh.knownHostsFile)}`);
  return o.join(' ');
}

/**
 * The local deploy (deploy.mode local), run in the local flake checkout: the configured command through
 * `sh -c`, or by default the seed's `nixos-rebuild switch --flake .#ATTR --target-host USER@HOST` with
 * NIX_SSHOPTS carrying the key.
 */
export function localDeployCommand(host: HostConfig, expand: (p: string) => string): LocalCommand {
  const cwd = host.flake ? expand(host.flake) : undefined;
  const cd = cwd ? `cd ${shq(cwd)} && ` : '';
  if (host.deploy.command) {
    return { argv: ['sh', '-c', host.deploy.command], env: {}, cwd, display: cd + host.deploy.command };
  }
  const argv = ['nixos-rebuild', 'switch', '--flake', `.#${host.flakeAttr}`, '--target-host', targetHost(host)];
  const opts = nixSshOpts(host, expand);
  const env: Record<string, string> = opts ? { NIX_SSHOPTS: opts } : {};
  const display = cd + (opts ? `NIX_SSHOPTS=${shq(opts)} ` : '') + shJoin(argv);
  return { argv, env, cwd, display };
}
