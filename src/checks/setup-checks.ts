import type { HostConfig } from '../config/types.js';
import type { GatherSection, SectionOutput } from '../host/gather.js';
import type { Check } from '../model/doctor.js';

// What the inventory points at on the hypervisor, checked there: the flake checkout (remoteFlake), the programs
// the runner update and a remote deploy start, the pool and the storage unit. `config check` and
// `doctor --host` run these sections (in one exec) and say what is missing.

/** The program a command line starts: its first word after any VAR=value, or null when that is not plain. */
export function programOf(command: string): string | null {
  const words = command.trim().split(/\s+/);
  const word = words.find((w) => !/^[A-Za-z_][A-Za-z0-9_]*=/.test(w));
  return word && /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : null;
}

interface Programs {
  update: string | null;
  deploy: string | null;
}

function programs(host: HostConfig): Programs {
  return {
    update: host.updateCommand ? programOf(host.updateCommand) : 'nix',
    deploy: host.deploy.mode !== 'remote' ? null : host.deploy.command ? programOf(host.deploy.command) : 'nixos-rebuild',
  };
}

export function setupSections(host: HostConfig): GatherSection[] {
  const p = programs(host);
  return [
    { name: 'setup.flake', argv: ['test', '-d', host.remoteFlake] },
    ...(p.update ? [{ name: 'setup.update', argv: ['command', '-v', p.update] }] : []),
    ...(p.deploy ? [{ name: 'setup.deploy', argv: ['command', '-v', p.deploy] }] : []),
    { name: 'setup.pool', argv: ['zpool', 'list', '-H', '-o', 'name', host.pool] },
    { name: 'setup.storage', argv: ['systemctl', 'show', '-p', 'LoadState', '--value', host.storageUnit] },
  ];
}

const firstLine = (s: SectionOutput | undefined) => s?.text.split('\n').find((l) => l.trim())?.trim() ?? '';

/** Verdicts from setupSections' output (an empty map: not checked, each check unknown). */
export function setupChecks(host: HostConfig, sections: Map<string, SectionOutput>): Check[] {
  const p = programs(host);
  const rcOk = (name: string): boolean | null => {
    const s = sections.get(name);
    return s ? s.rc === 0 : null;
  };
  const checks: Check[] = [];
  const flake = rcOk('setup.flake');
  checks.push({
    id: 'setup.remoteFlake',
    title: 'remoteFlake exists on the host',
    ok: flake,
    evidence: flake === null ? `${host.remoteFlake}: not checked` : `${host.remoteFlake}: ${flake ? 'a directory' : 'missing (runner updates and remote deploys run there: fix remoteFlake, or clone the flake there)'}`,
  });
  const program = (id: string, title: string, prog: string | null, section: string, what: string): void => {
    if (!prog) {
      checks.push({ id, title, ok: null, evidence: `${what}: its program is not a plain word, not checked` });
      return;
    }
    const ok = rcOk(section);
    checks.push({ id, title, ok, evidence: ok === null ? `${prog}: not checked` : ok ? `${prog}: ${firstLine(sections.get(section)) || 'found'}` : `${prog}: not found on the host (${what})` });
  };
  program('setup.updateCommand', 'The runner update command is there', p.update, 'setup.update', host.updateCommand ? `updateCommand: ${host.updateCommand}` : 'the default runner update runs nix build');
  if (host.deploy.mode === 'remote') program('setup.deployCommand', 'The remote deploy command is there', p.deploy, 'setup.deploy', host.deploy.command ? `deploy.command: ${host.deploy.command}` : 'the default remote deploy runs nixos-rebuild');
  const pool = rcOk('setup.pool');
  checks.push({
    id: 'setup.pool',
    title: `Pool ${host.pool} exists`,
    ok: pool,
    evidence: pool === null ? `${host.pool}: not checked` : pool ? `${host.pool}: imported` : `${host.pool}: ${firstLine(sections.get('setup.pool')) || 'not found'} (pool in the inventory)`,
  });
  const storage = sections.get('setup.storage');
  const loaded = storage ? firstLine(storage) : null;
  checks.push({
    id: 'setup.storageUnit',
    title: `Storage unit ${host.storageUnit} exists`,
    ok: loaded === null ? null : storage!.rc === 0 && loaded === 'loaded',
    evidence: loaded === null ? `${host.storageUnit}: not checked` : loaded === 'loaded' ? `${host.storageUnit}: loaded` : `${host.storageUnit}: ${loaded || 'unknown'} (storageUnit in the inventory; its default is the seed's ebs-volume-microvm-storage)`,
  });
  return checks;
}
