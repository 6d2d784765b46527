import { AuditLog, defaultAuditPath, demoAuditPath, type AuditEntry } from '../services/audit.js';
import { expandHome } from '../services/runtime.js';
import { optionalInventory } from './io.js';
import { EXIT, UsageError, type CommandContext, type Subcommand } from './types.js';

// `mvm-tui audit [--json]`: what was changed, by whom, with the exact command. Needs no connection; without
// an inventory file the default log path is read; with --demo, the demo's own log.

export function auditTable(entries: AuditEntry[]): string {
  const rows = entries.map((e) => [
    e.time.replace('T', ' ').replace(/\.\d+Z$/, 'Z'),
    e.user,
    e.host,
    e.target,
    e.action,
    e.outcome,
    `${(e.durationMs / 1000).toFixed(1)}s`,
    e.command + (e.detail && e.outcome !== 'ok' ? `  (${e.detail})` : ''),
  ]);
  const head = ['TIME', 'USER', 'HOST', 'TARGET', 'ACTION', 'OUTCOME', 'TOOK', 'COMMAND'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  return [line(head), ...rows.map(line)].join('\n') + '\n';
}

export const auditCommand: Subcommand = {
  name: 'audit',
  synopsis: 'audit [--json]',
  summary: 'print the audit log of every change (JSON lines with --json)',
  options: { json: { type: 'boolean' } },
  async run(ctx: CommandContext): Promise<number> {
    if (ctx.args.length) throw new UsageError(`unexpected argument "${ctx.args[0]}"`);
    // --demo: the demo's own log (what was done to the simulated host), never the real one
    const inv = ctx.global.demo ? null : await optionalInventory(ctx);
    if (typeof inv === 'number') return inv;
    const path = ctx.global.demo ? demoAuditPath() : inv?.auditLog ? expandHome(inv.auditLog) : defaultAuditPath();
    const entries = await new AuditLog(path).read();
    if (ctx.values.json) {
      for (const e of entries) ctx.stdout.write(JSON.stringify(e) + '\n');
    } else if (entries.length) {
      ctx.stdout.write(auditTable(entries));
    } else {
      ctx.stderr.write(`no audit entries in ${path}\n`);
    }
    return EXIT.ok;
  },
};
