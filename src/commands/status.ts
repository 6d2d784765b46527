import { statusReportSchema, type HostStatus, type StatusReport, type VmStatus } from '../model/status.js';
import type { Runtime } from '../services/runtime.js';
import { openCommandRuntime } from './open.js';
import { fetchHostStatus } from '../services/status.js';
import { hostProblems, reportHealthy, vmProblems } from '../model/status-check.js';
import { formatBytes, since } from '../views/format.js';
import { openOrExit } from './io.js';
import { watchStatus } from './status-watch.js';
import { EXIT, UsageError, type CommandContext, type GlobalOptions, type Subcommand } from './types.js';

// `mvm-tui status [--host H] [--json]`: one refresh of every host (VMs probed over SSH), as a table or as
// a StatusReport. Exit 0 when everything is as it should be, 1 when something needs attention, 2 on usage
// or config errors.

export interface StatusCommandDeps {
  open: (global: GlobalOptions) => Promise<Pick<Runtime, 'inventory' | 'transport' | 'close'>>;
  now?: () => number;
  /** --watch: resolves on Ctrl-C / SIGTERM (tests end it themselves). */
  interrupted?: () => Promise<void>;
}

const processInterrupt = () =>
  new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });

const dash = (v: string | number | null | undefined) => (v === null || v === undefined || v === '' ? '-' : String(v));

function vmRow(vm: VmStatus, now: number): string[] {
  // unknown reads as unknown ('?'), not as 'no' or 0: the host's links or datasets could not be read
  const snaps = vm.snapshots === null ? '?' : vm.snapshots ? `${vm.snapshots} (${since(vm.newestSnapshotAt, now)})` : '0';
  return [
    vm.name,
    dash(vm.role),
    `${vm.active}${vm.sub ? `/${vm.sub}` : ''}`,
    since(vm.since, now),
    dash(vm.restarts),
    vm.runner,
    vm.outdated === null ? '?' : vm.outdated ? 'yes' : 'no',
    vm.bridge,
    vm.reachable === null ? '-' : vm.reachable ? 'yes' : `no${vm.probeError ? ` (${vm.probeError})` : ''}`,
    snaps,
  ];
}

function hostLine(hs: HostStatus, now: number): string {
  if (!hs.reachable) return `${hs.name}  UNREACHABLE: ${hs.error ?? 'unknown error'}${hs.updatedAt ? ` (data from ${since(hs.updatedAt, now)} ago)` : ''}`;
  const s = hs.system;
  const parts = [`${hs.name}  system ${s.state}`];
  if (s.load) parts.push(`load ${s.load.map((l) => l.toFixed(2)).join(' ')}`);
  if (s.memTotal !== null) parts.push(`mem ${formatBytes(s.memAvailable)} free of ${formatBytes(s.memTotal)}`);
  for (const p of hs.pools) parts.push(`pool ${p.name} ${p.health} ${formatBytes(p.allocated)}/${formatBytes(p.size)}`);
  if (hs.storageUnit) parts.push(`${hs.storageUnit.name.replace(/\.service$/, '')} ${hs.storageUnit.active}`);
  return parts.join('  ');
}

/** Columns padded to the widest cell (the last column is not padded). */
function table(rows: string[][]): string[] {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ').trimEnd());
}

/** The human table: a header line per host, one line per VM, then what needs attention. */
export function renderStatusTable(report: StatusReport, now: number): string {
  const out: string[] = [];
  for (const hs of report.hosts) {
    out.push(hostLine(hs, now));
    const head = ['VM', 'ROLE', 'STATE', 'SINCE', 'RESTARTS', 'RUNNER', 'OUTDATED', 'BRIDGE', 'SSH', 'SNAPSHOTS'];
    out.push(...table([head, ...hs.vms.map((v) => vmRow(v, now))]).map((l) => `  ${l}`));
    const problems = [...hostProblems(hs).map((p) => `${hs.name}: ${p}`), ...hs.vms.flatMap((v) => (vmProblems(v).length ? [`${v.name}: ${vmProblems(v).join(', ')}`] : []))];
    for (const p of hs.reachable ? problems : []) out.push(`  ! ${p}`);
    out.push('');
  }
  return out.join('\n');
}

const defaultDeps: StatusCommandDeps = { open: (g) => openCommandRuntime(g) };

export function makeStatusCommand(deps: StatusCommandDeps = defaultDeps): Subcommand {
  return {
    name: 'status',
    synopsis: 'status [--host H] [--json] [--no-probe] [--watch]',
    summary: 'health of every hypervisor and VM (exit 0 all well, 1 needs attention); --watch: a line per change',
    options: { host: { type: 'string' }, json: { type: 'boolean' }, 'no-probe': { type: 'boolean' }, watch: { type: 'boolean' } },
    async run(ctx: CommandContext): Promise<number> {
      if (ctx.args.length) throw new UsageError(`unexpected argument "${ctx.args[0]}"`);
      const now = deps.now ?? Date.now;
      const rt = await openOrExit(ctx, deps.open);
      if (typeof rt === 'number') return rt;
      try {
        const want = typeof ctx.values.host === 'string' ? ctx.values.host : undefined;
        const hosts = rt.inventory.hosts.filter((h) => want === undefined || h.name === want);
        if (!hosts.length) throw new UsageError(`no host "${want}" in the inventory (hosts: ${rt.inventory.hosts.map((h) => h.name).join(', ')})`);
        const probeVms = !ctx.values['no-probe'];
        if (ctx.values.watch) {
          const inventory = { ...rt.inventory, hosts };
          const write = (text: string) => void ctx.stdout.write(text);
          await watchStatus(rt.transport, inventory, { json: !!ctx.values.json, probe: probeVms, write, now }, (deps.interrupted ?? processInterrupt)());
          return EXIT.ok;
        }
        const statuses = await Promise.all(hosts.map((h) => fetchHostStatus(rt.transport, h, { probeVms, now })));
        const report = statusReportSchema.parse({ generatedAt: new Date(now()).toISOString(), hosts: statuses });
        ctx.stdout.write(ctx.values.json ? `${JSON.stringify(report, null, 2)}\n` : renderStatusTable(report, now()));
        return reportHealthy(report) ? EXIT.ok : EXIT.attention;
      } finally {
        await rt.close();
      }
    },
  };
}

export const statusCommand = makeStatusCommand();
