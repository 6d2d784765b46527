import type { HostConfig } from '../config/types.js';
import { ActionService } from '../services/actions.js';
import type { Check, DoctorReport } from '../model/doctor.js';
import { applyFix, diagnoseHost, diagnoseVm } from '../services/doctor.js';
import { ReadOnlyError } from '../services/guard.js';
import type { Runtime } from '../services/runtime.js';
import { openCommandRuntime } from './open.js';
import { openOrExit, terminalPrompt } from './io.js';
import { EXIT, UsageError, type CommandContext, type GlobalOptions, type Subcommand } from './types.js';

// `mvm-tui doctor [VM] [--host H] [--json] [--fix [--yes]]`: the seed's troubleshooting runbook, run.

export interface DoctorCommandDeps {
  open: (global: GlobalOptions) => Promise<Pick<Runtime, 'inventory' | 'transport' | 'guard' | 'close'>>;
  interactive: () => boolean;
  ask: (question: string) => Promise<string>;
}

const defaultDeps: DoctorCommandDeps = {
  open: (g) => openCommandRuntime(g),
  ...terminalPrompt,
};

const mark = (c: Check) => (c.ok === true ? 'ok  ' : c.ok === false ? 'FAIL' : '??  ');

export function formatReport(r: DoctorReport): string {
  const out = [`doctor ${r.vm ? `${r.vm} on ` : ''}${r.host}: ${r.ok ? 'all checks pass' : 'problems found'} (${r.durationMs} ms)`];
  for (const c of r.checks) {
    out.push(`  [${mark(c)}] ${c.title}`);
    for (const l of c.evidence.split('\n')) out.push(`         ${l}`);
    if (c.ok === false && c.fix) {
      out.push(`         fix: ${c.fix.label}${c.fix.action ? ` (mvm-tui doctor --fix)` : ''}`);
      for (const cmd of c.fix.commands) out.push(`           $ ${cmd}`);
    }
  }
  return out.join('\n') + '\n';
}

function pickHost(hosts: HostConfig[], name: string | undefined, vm: string | undefined): HostConfig {
  if (name) {
    const h = hosts.find((x) => x.name === name);
    if (!h) throw new UsageError(`no host "${name}" in the inventory`);
    return h;
  }
  if (vm) {
    const found = hosts.filter((h) => h.vms.some((v) => v.name === vm));
    if (found.length === 1) return found[0]!;
    throw new UsageError(found.length ? `${vm} is on several hosts: name one with --host` : `no VM "${vm}" in the inventory`);
  }
  if (hosts.length === 1) return hosts[0]!;
  throw new UsageError('several hosts: name one with --host');
}

export function makeDoctorCommand(deps: DoctorCommandDeps = defaultDeps): Subcommand {
  return {
    name: 'doctor',
    synopsis: 'doctor [VM] [--host H] [--json] [--fix] [--yes]',
    summary: "run the troubleshooting runbook on a VM (or the hypervisor) and show each check's evidence",
    options: { host: { type: 'string' }, json: { type: 'boolean' }, fix: { type: 'boolean' }, yes: { type: 'boolean', short: 'y' } },
    async run(ctx: CommandContext): Promise<number> {
      if (ctx.args.length > 1) throw new UsageError('at most one VM');
      const vmName = ctx.args[0];
      const rt = await openOrExit(ctx, deps.open);
      if (typeof rt === 'number') return rt;
      try {
        const host = pickHost(rt.inventory.hosts, ctx.values.host as string | undefined, vmName);
        const report = vmName ? await diagnoseVm(rt.transport, host, vmName) : await diagnoseHost(rt.transport, host);
        ctx.stdout.write(ctx.values.json ? JSON.stringify(report, null, 2) + '\n' : formatReport(report));
        if (!ctx.values.fix || report.ok) return report.ok ? EXIT.ok : EXIT.attention;
        const actions = new ActionService({ inventory: rt.inventory, transport: rt.transport, guard: rt.guard });
        const fixes = report.checks.filter((c) => c.ok === false && c.fix?.action);
        // Several checks can point at the same fix (a restart mends the TAP and the SSH probe): run it once.
        const seen = new Set<string>();
        let allOk = true;
        for (const c of fixes) {
          const fix = c.fix!;
          if (seen.has(fix.action!)) continue;
          seen.add(fix.action!);
          if (!ctx.values.yes) {
            if (!deps.interactive()) throw new UsageError('stdin is not a terminal: add --yes to apply fixes');
            if (!/^\s*y(es)?\s*$/i.test(await deps.ask(`${fix.label}? [y/N] `))) continue;
          }
          const r = await applyFix({ transport: rt.transport, guard: rt.guard, actions }, host, vmName, fix);
          (r.ok ? ctx.stdout : ctx.stderr).write(`${r.message}\n${r.output.map((l) => `  ${l}\n`).join('')}`);
          allOk &&= r.ok;
        }
        return allOk ? EXIT.ok : EXIT.attention;
      } catch (e) {
        if (e instanceof ReadOnlyError) {
          ctx.stderr.write(`mvm-tui: ${e.message}\n`);
          return EXIT.readOnly;
        }
        throw e;
      } finally {
        await rt.close();
      }
    },
  };
}

export const doctorCommand = makeDoctorCommand();
