// Deploys and runner updates on the demo host: `nix build ...declaredRunner -o DIR/VM/current` in the
// flake checkout, `nixos-rebuild switch --flake .#hypervisor`, and comin's status. Build output goes to
// stderr, as Nix writes it.

import type { CmdContext } from '../shell.js';
import { MICROVMS_DIR } from '../state.js';
import { OptError, getopt, last } from './getopt.js';

export const FLAKE_DIR = '/root/simple-microvm-infra';

function flakeOk(ref: string, ctx: CmdContext): string | null {
  const path = ref.split('#')[0] || '.';
  const abs = path === '.' ? ctx.env.cwd : path.replace(/^(git\+)?file:\/\//, '');
  return abs.replace(/\/$/, '') === FLAKE_DIR ? null : `error: path '${abs}' does not contain a 'flake.nix', searching up\n`;
}

export async function nix(argv: string[], ctx: CmdContext): Promise<number> {
  const args = argv.slice(1);
  if (args[0] === '--version') {
    ctx.io.out('nix (Nix) 2.28.3\n');
    return 0;
  }
  if (args[0] !== 'build') {
    ctx.io.err(`error: the demo host only runs 'nix build' (got '${args[0] ?? ''}')\n`);
    return 1;
  }
  // --option takes two values; fold it away before getopt.
  const rest: string[] = [];
  for (let i = 1; i < args.length; i++) {
    if (args[i] === '--option') i += 2;
    else rest.push(args[i]!);
  }
  let p;
  try {
    p = getopt(rest, { shortArg: 'oj', shortFlag: 'Lv', longArg: ['out-link', 'log-format', 'max-jobs', 'cores'], longFlag: ['print-build-logs', 'no-link', 'show-trace', 'accept-flake-config', 'refresh', 'print-out-paths', 'impure', 'quiet'] });
  } catch (e) {
    ctx.io.err(`error: ${(e as OptError).message}\n`);
    return 1;
  }
  const installable = p.args[0];
  const m = installable ? /^([^#]*)#nixosConfigurations\.("?)([A-Za-z0-9_.-]+)\2\.config\.microvm\.declaredRunner$/.exec(installable) : null;
  if (!installable || !m) {
    ctx.io.err(`error: the demo host only builds .#nixosConfigurations.VM.config.microvm.declaredRunner\n`);
    return 1;
  }
  const bad = flakeOk(installable, ctx);
  if (bad) {
    ctx.io.err(bad);
    return 1;
  }
  const vm = m[3]!;
  if (!ctx.hv.vms.has(vm)) {
    ctx.io.err(`error: flake 'git+file://${FLAKE_DIR}' does not provide attribute 'packages.aarch64-linux.nixosConfigurations.${vm}.config.microvm.declaredRunner', 'legacyPackages.aarch64-linux.nixosConfigurations.${vm}.config.microvm.declaredRunner' or 'nixosConfigurations.${vm}.config.microvm.declaredRunner'\n`);
    return 1;
  }
  const out = last(p, '-o', '--out-link');
  if (out !== undefined && out !== `${MICROVMS_DIR}/${vm}/current`) {
    ctx.io.err(`error: the demo host only writes the runner link ${MICROVMS_DIR}/${vm}/current\n`);
    return 1;
  }
  return ctx.hv.updateRunner(vm, (l) => ctx.io.err(l + '\n'), ctx.signal);
}

export async function nixosRebuild(argv: string[], ctx: CmdContext): Promise<number> {
  let p;
  try {
    p = getopt(argv.slice(1), { shortArg: 'I', shortFlag: 'vL', longArg: ['flake', 'target-host', 'build-host', 'option', 'profile-name', 'sudo'], longFlag: ['use-remote-sudo', 'fast', 'show-trace', 'no-build-nix', 'use-substitutes', 'print-build-logs', 'accept-flake-config', 'ask-sudo-password'] });
  } catch (e) {
    ctx.io.err(`error: ${(e as OptError).message}\n`);
    return 1;
  }
  const action = p.args[0];
  if (!action || !['switch', 'boot', 'test', 'build', 'dry-build', 'dry-activate'].includes(action)) {
    ctx.io.err(`error: unknown action '${action ?? ''}'\n`);
    return 1;
  }
  const flake = last(p, '--flake');
  if (!flake) {
    ctx.io.err(`error: file 'nixos-config' was not found in the Nix search path (add it using $NIX_PATH or -I)\n`);
    return 1;
  }
  const bad = flakeOk(flake, ctx);
  if (bad) {
    ctx.io.err(bad);
    return 1;
  }
  const attr = flake.split('#')[1] ?? ctx.hv.hostname;
  if (attr !== 'hypervisor') {
    ctx.io.err(`error: flake 'git+file://${FLAKE_DIR}' does not provide attribute 'packages.aarch64-linux.nixosConfigurations."${attr}".config.system.build.nixos-rebuild', 'legacyPackages.aarch64-linux.nixosConfigurations."${attr}".config.system.build.nixos-rebuild' or 'nixosConfigurations."${attr}".config.system.build.nixos-rebuild'\n`);
    return 1;
  }
  return ctx.hv.deploy((l) => ctx.io.err(l + '\n'), ctx.signal);
}

/** comin's state as its status API reports it (shape of comin's manager.State; demo values). */
export function comin(argv: string[], ctx: CmdContext): number {
  const hv = ctx.hv;
  if (argv[1] === 'fetch') {
    hv.cominFetchedAt = hv.clock.now();
    return 0;
  }
  if (argv[1] !== 'status') {
    ctx.io.err(`Error: unknown command "${argv[1] ?? ''}" for "comin"\n`);
    return 1;
  }
  const now = hv.clock.now();
  // Comin polls every 60 s; a `comin fetch` makes it fetch at once.
  const fetchedAt = new Date(Math.max(hv.cominFetchedAt, now - (now % 60_000))).toISOString();
  const deployedAt = new Date(now - 3 * 3600_000).toISOString();
  const commit = { selected_remote_name: 'origin', selected_branch_name: 'main', selected_commit_id: hv.deployedCommit, selected_commit_msg: 'hypervisor: raise vm4 memory to 8G' };
  const state = {
    need_to_reboot: false,
    is_suspended: false,
    fetcher: {
      is_fetching: false,
      repository_status: { ...commit, remotes: [{ name: 'origin', url: 'https://github.com/example/simple-microvm-infra.git', fetched_at: fetchedAt, fetch_error_msg: '' }] },
    },
    builder: { hostname: hv.hostname, is_building: false, generation: { ...commit, out_path: hv.systemGeneration } },
    deployer: {
      is_deploying: hv.deploying,
      deployment: { operation: 'switch', status: 'done', started_at: deployedAt, ended_at: deployedAt, error_msg: '', generation: { ...commit, out_path: hv.systemGeneration } },
    },
  };
  if (argv.includes('--json')) ctx.io.out(JSON.stringify(state) + '\n');
  else
    ctx.io.out(
      `Status of the machine ${hv.hostname}\n  Need to reboot: no\n  Fetcher\n    Remote origin https://github.com/example/simple-microvm-infra.git fetched now\n  Deployer\n    Operation: switch\n    Status: succeeded (3 hours ago)\n    Commit ${hv.deployedCommit} from 'origin/main'\n      hypervisor: raise vm4 memory to 8G\n`,
    );
  return 0;
}
