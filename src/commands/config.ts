import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { stringify } from 'yaml';
import { STARTER_CONFIG } from '../config/example.js';
import { configPath, loadInventory } from '../config/load.js';
import type { Inventory } from '../config/types.js';
import { hostEndpoint } from '../ssh/endpoint.js';
import { localEnv } from '../ssh/index.js';
import { renderGatherScript, splitSections } from '../host/gather.js';
import type { Check } from '../model/doctor.js';
import { sshTransport } from '../services/runtime.js';
import { setupChecks, setupSections } from '../checks/setup-checks.js';
import { openOrExit } from './io.js';
import { EXIT, UsageError, type CommandContext, type GlobalOptions, type Subcommand } from './types.js';

/** Per host: the setup checks run on it, or why they could not run. */
export type HostSetupResult = { host: string; checks: Check[] } | { host: string; error: string };

export interface ConfigCheckDeps {
  /** Runs setupSections on every host (one exec each, bounded) and judges them. */
  checkHosts(inv: Inventory, global: GlobalOptions): Promise<HostSetupResult[]>;
}

const SETUP_TIMEOUT_MS = 10_000;

/** Over SSH, as the UI connects: every host at once, each bounded by SETUP_TIMEOUT_MS. */
export async function checkHostsOverSsh(inv: Inventory, global: GlobalOptions): Promise<HostSetupResult[]> {
  const transport = await sshTransport(inv, global);
  try {
    return await Promise.all(
      inv.hosts.map(async (h): Promise<HostSetupResult> => {
        try {
          const r = await transport.exec({ host: h.name }, renderGatherScript(setupSections(h)), { timeoutMs: SETUP_TIMEOUT_MS });
          if (r.timedOut) return { host: h.name, error: `no answer within ${SETUP_TIMEOUT_MS / 1000} s` };
          return { host: h.name, checks: setupChecks(h, splitSections(r.stdout)) };
        } catch (e) {
          return { host: h.name, error: (e as Error).message };
        }
      }),
    );
  } finally {
    await transport.close();
  }
}

const MARK = (c: Check) => (c.ok === true ? 'ok  ' : c.ok === false ? 'FAIL' : '??  ');

export function makeConfigCheck(deps: ConfigCheckDeps = { checkHosts: checkHostsOverSsh }): Subcommand {
  return {
    name: 'config check',
    synopsis: 'config check [--json] [--offline]',
    summary: 'validate the inventory, print it with every default filled in, and check on each host what it points at (flake path, update/deploy programs, pool, storage unit)',
    options: { json: { type: 'boolean' }, offline: { type: 'boolean' } },
    async run(ctx: CommandContext): Promise<number> {
      if (ctx.args.length) throw new UsageError(`unexpected argument "${ctx.args[0]}"`);
      const inv = await openOrExit(ctx, (g) => loadInventory({ config: g.config, readOnly: g.readOnly }));
      if (typeof inv === 'number') return inv;
      ctx.stdout.write(ctx.values.json ? JSON.stringify(inv, null, 2) + '\n' : stringify(inv, { lineWidth: 0 }));
      const sshProblems = describeSsh(inv.hosts, (line) => ctx.stderr.write(`${line}\n`));
      if (sshProblems) return EXIT.usage;
      ctx.stderr.write(
        inv.events
          ? `status: pushed by each host's events, counters every ${inv.refreshMs} ms, pool and storage usage every ${inv.poolRefreshMs ?? inv.fullRefreshMs} ms, the whole status every ${inv.fullRefreshMs} ms; a host without them is polled (\`mvm-tui doctor --host H\` says which)\n`
          : `status: polled every ${inv.refreshMs} ms (events: false)\n`,
      );
      const vms = inv.hosts.reduce((n, h) => n + h.vms.length, 0);
      ctx.stderr.write(`${inv.source}: ok (${inv.hosts.length} host${inv.hosts.length === 1 ? '' : 's'}, ${vms} VM${vms === 1 ? '' : 's'})\n`);
      if (ctx.values.offline) return EXIT.ok;
      // the file is valid; now what it points at on each host (a path or program that is not there fails later, in a fix or an update)
      let missing = 0;
      for (const r of await deps.checkHosts(inv, ctx.global)) {
        if ('error' in r) {
          missing++;
          ctx.stderr.write(`${r.host}: could not check on the host: ${r.error}\n`);
          continue;
        }
        for (const c of r.checks) {
          if (c.ok === false) missing++;
          ctx.stderr.write(`${r.host}: [${MARK(c)}] ${c.evidence}\n`);
        }
      }
      if (missing) ctx.stderr.write(`${inv.source}: ${missing} thing${missing === 1 ? '' : 's'} the inventory points at ${missing === 1 ? 'is' : 'are'} missing or unchecked on the host\n`);
      return missing ? EXIT.attention : EXIT.ok;
    },
  };
}

export const configCheck = makeConfigCheck();

/** One line per host: where mvm-tui connects and what resolved it (ssh -G or the built-in reader), or why its
 *  ssh config cannot be used. Returns how many hosts had a problem. */
function describeSsh(hosts: Inventory['hosts'], say: (line: string) => void): number {
  const env = localEnv();
  let problems = 0;
  for (const h of hosts) {
    try {
      const ep = hostEndpoint(h, env);
      const by = ep.resolver === 'openssh' ? `OpenSSH (ssh -G -F ${ep.configFile})` : `the built-in reader (${ep.configFile}; no OpenSSH client found)`;
      const chain: string[] = [];
      for (let r = ep.route; r.kind !== 'tcp'; r = r.kind === 'jump' ? r.via.route : { kind: 'tcp' }) {
        chain.push(r.kind === 'jump' ? `jump ${r.via.user}@${r.via.hostname}:${r.via.port}` : `ProxyCommand ${r.command}`);
      }
      say(`${h.name}: ssh ${ep.user}@${ep.hostname}:${ep.port}${chain.length ? ` via ${chain.join(' <- ')}` : ''}, resolved by ${by}`);
      // the keys offered, in order: the agent, then each identity file that exists (a missing one is skipped)
      const files = ep.keyFiles.map((f) => (existsSync(f) ? f : `${f} (missing)`));
      say(`${h.name}: keys tried: ${[...(ep.agent ? [`ssh-agent (${ep.agent})`] : []), ...files].join(', ') || 'none'}`);
      for (const w of ep.warnings) say(`${h.name}: ${w}`);
    } catch (e) {
      problems++;
      say(`${h.name}: ${(e as Error).message}`);
    }
  }
  return problems;
}

export const configInit: Subcommand = {
  name: 'config init',
  synopsis: 'config init',
  summary: 'write a commented starting inventory (never overwrites an existing file)',
  options: {},
  async run(ctx: CommandContext): Promise<number> {
    if (ctx.args.length) throw new UsageError(`unexpected argument "${ctx.args[0]}"`);
    const file = configPath({ config: ctx.global.config });
    try {
      await mkdir(dirname(file), { recursive: true });
      // 'wx' fails if the file exists, with no window between a check and the write.
      await writeFile(file, STARTER_CONFIG, { flag: 'wx' });
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      if (err.code === 'EEXIST') {
        ctx.stderr.write(`${file}: already exists; not overwriting it (edit it, or check it with \`mvm-tui config check\`)\n`);
        return EXIT.usage;
      }
      ctx.stderr.write(`${file}: cannot write: ${err.message}\n`);
      return EXIT.usage;
    }
    ctx.stdout.write(`wrote ${file}; edit its hosts, then run \`mvm-tui config check\`\n`);
    return EXIT.ok;
  },
};

export const configCommands: Subcommand[] = [configCheck, configInit];
