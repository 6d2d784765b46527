// systemctl as systemd 252+ prints it: show (own property order, blank line between units, --timestamp,
// --value), list-units (table, --plain, --no-legend, -o json), is-system-running, is-active, is-failed,
// start/stop/restart (blocking until the job is done), status.

import type { CmdContext } from '../shell.js';
import type { UnitState } from '../units.js';
import { unitId } from '../units.js';
import { OptError, getopt, has, last } from './getopt.js';
import { fnmatch, humanBytes, relTime, systemdTime } from './format.js';

const SPEC = {
  shortArg: 'ponlt',
  shortFlag: 'aqlrf',
  longArg: ['property', 'timestamp', 'output', 'state', 'type', 'lines'],
  longFlag: ['all', 'no-pager', 'no-legend', 'plain', 'failed', 'quiet', 'value', 'wait', 'no-block', 'full', 'no-ask-password', 'system'],
};

// systemd prints the Service interface's properties, then the Unit interface's, each in vtable order.
const ORDER = [
  'Type', 'Restart', 'NotifyAccess', 'RestartUSec', 'TimeoutStartUSec', 'TimeoutStopUSec', 'MainPID', 'ControlPID', 'Result', 'NRestarts',
  'ExecMainStartTimestamp', 'ExecMainPID', 'ExecMainCode', 'ExecMainStatus', 'Slice', 'ControlGroup', 'MemoryCurrent', 'CPUUsageNSec', 'TasksCurrent',
  'Id', 'Names', 'Requires', 'Wants', 'After', 'Description', 'LoadState', 'ActiveState', 'FreezerState', 'SubState', 'FragmentPath', 'UnitFileState',
  'StateChangeTimestamp', 'StateChangeTimestampMonotonic', 'InactiveExitTimestamp', 'InactiveExitTimestampMonotonic', 'ActiveEnterTimestamp',
  'ActiveEnterTimestampMonotonic', 'ActiveExitTimestamp', 'ActiveExitTimestampMonotonic', 'InactiveEnterTimestamp', 'InactiveEnterTimestampMonotonic',
  'CanStart', 'CanStop', 'ConditionResult', 'AssertResult', 'ConditionTimestamp', 'InvocationID',
];
const SERVICE_ONLY = new Set(['Type', 'Restart', 'NotifyAccess', 'RestartUSec', 'TimeoutStartUSec', 'TimeoutStopUSec', 'MainPID', 'ControlPID', 'Result', 'NRestarts', 'ExecMainStartTimestamp', 'ExecMainPID', 'ExecMainCode', 'ExecMainStatus']);

export async function systemctl(argv: string[], ctx: CmdContext): Promise<number> {
  let p;
  try {
    p = getopt(argv.slice(1), SPEC);
  } catch (e) {
    ctx.io.err(`systemctl: ${(e as OptError).message}\n`);
    return 1;
  }
  const [verb = 'list-units', ...rest] = p.args;
  const hv = ctx.hv;
  const quiet = has(p, '-q', '--quiet');
  switch (verb) {
    case 'show': {
      const props = (p.opts.get('-p') ?? []).concat(p.opts.get('--property') ?? []).flatMap((s) => s.split(','));
      const ts = last(p, '--timestamp') ?? 'pretty';
      const units = rest.length ? rest : ['-.slice'];
      const blocks = units.map((name) => showUnit(hv.unit(name), unitId(name), props, ts, has(p, '--value'), hv.bootedAt, has(p, '-a', '--all')));
      ctx.io.out(blocks.join('\n'));
      return 0;
    }
    case 'list-units':
      return listUnits(ctx, p, rest);
    case 'is-system-running': {
      const failed = [...hv.units.values()].some((u) => u.active === 'failed');
      if (!quiet) ctx.io.out(failed ? 'degraded\n' : 'running\n');
      return failed ? 1 : 0;
    }
    case 'is-active':
    case 'is-failed': {
      // Like systemctl: one state per unit; exit 0 when at least one unit is in the asked-for state.
      let any = false;
      for (const name of rest) {
        const s = hv.unit(name)?.active ?? 'inactive';
        if (!quiet) ctx.io.out(`${s}\n`);
        if (verb === 'is-active' ? s === 'active' || s === 'reloading' : s === 'failed') any = true;
      }
      return any ? 0 : verb === 'is-active' ? 3 : 1;
    }
    case 'start':
    case 'stop':
    case 'restart':
    case 'try-restart':
    case 'reload-or-restart': {
      if (rest.length === 0) {
        ctx.io.err(`Too few arguments.\n`);
        return 1;
      }
      for (const name of rest) {
        if (!hv.unit(name)) {
          ctx.io.err(`Failed to ${verb === 'try-restart' ? 'try-restart' : verb} ${unitId(name)}: Unit ${unitId(name)} not found.\n`);
          return 5;
        }
      }
      const jobs = rest.map(async (name) => {
        const vm = hv.vmByUnit(name);
        if (!vm) return;
        if (verb === 'start') await hv.start(vm.name);
        else if (verb === 'stop') await hv.stop(vm.name);
        else if (verb === 'try-restart' && vm.unit.active !== 'active') return;
        else await hv.restart(vm.name);
      });
      if (has(p, '--no-block')) return 0;
      await Promise.all(jobs);
      return 0;
    }
    case 'status':
      return status(ctx, rest, Number(last(p, '-n', '--lines') ?? 10));
    case 'daemon-reload':
    case 'reset-failed':
      return 0;
    default:
      ctx.io.err(`Unknown command verb ${verb}.\n`);
      return 1;
  }
}

function showUnit(u: UnitState | undefined, id: string, props: string[], ts: string, valueOnly: boolean, bootedAt: number, all: boolean): string {
  const values = u ? unitProps(u, ts, bootedAt) : notFound(id);
  const wanted = props.length ? ORDER.filter((k) => props.includes(k)).concat(props.filter((k) => !ORDER.includes(k) && values[k] !== undefined)) : ORDER;
  const lines: string[] = [];
  for (const k of wanted) {
    const v = values[k];
    if (v === undefined) continue;
    if (!props.length && !all && v === '') continue;
    lines.push(valueOnly ? v : `${k}=${v}`);
  }
  return lines.map((l) => l + '\n').join('');
}

function notFound(id: string): Record<string, string> {
  return { Id: id, Names: id, Description: id, LoadState: 'not-found', ActiveState: 'inactive', FreezerState: 'running', SubState: 'dead', Result: 'success', NRestarts: '0', MainPID: '0', MemoryCurrent: '[not set]', CPUUsageNSec: '[not set]', ConditionResult: 'no', StateChangeTimestamp: '', ActiveEnterTimestamp: '', InactiveEnterTimestamp: '', ActiveExitTimestamp: '', InactiveExitTimestamp: '', CanStart: 'no', CanStop: 'yes' };
}

function unitProps(u: UnitState, ts: string, bootedAt: number): Record<string, string> {
  const v: Record<string, string> = {
    Type: u.type === 'oneshot' ? 'oneshot' : u.type === 'notify' ? 'notify' : 'simple',
    Restart: u.id.startsWith('microvm@') ? 'always' : 'no',
    NotifyAccess: u.type === 'notify' ? 'all' : 'none',
    RestartUSec: u.id.startsWith('microvm@') ? '5s' : '100ms',
    TimeoutStartUSec: '1min 30s',
    TimeoutStopUSec: '2min',
    MainPID: String(u.mainPid),
    ControlPID: '0',
    Result: u.result,
    NRestarts: String(u.nRestarts),
    ExecMainStartTimestamp: systemdTime(u.mainPid ? u.activeEnter : 0, ts),
    ExecMainPID: String(u.mainPid),
    ExecMainCode: u.result === 'exit-code' ? '1' : '0',
    ExecMainStatus: u.result === 'exit-code' ? '1' : '0',
    Slice: u.id.startsWith('microvm') ? 'system-microvm.slice' : 'system.slice',
    ControlGroup: u.mainPid ? `/system.slice/${u.id.startsWith('microvm') ? 'system-microvm.slice/' : ''}${u.id}` : '',
    MemoryCurrent: fmtNum(u.memory()),
    CPUUsageNSec: fmtNum(u.cpuNs()),
    TasksCurrent: u.mainPid ? '9' : '[not set]',
    Id: u.id,
    Names: u.id,
    Requires: u.id.startsWith('microvm@') ? `system-microvm.slice ${u.id.replace('microvm@', 'microvm-tap-interfaces@')} sysinit.target` : 'sysinit.target system.slice',
    Wants: u.extra?.Wants ?? '',
    After: 'network.target basic.target sysinit.target system.slice',
    Description: u.description,
    LoadState: u.load,
    ActiveState: u.active,
    FreezerState: 'running',
    SubState: u.sub,
    FragmentPath: u.fragmentPath,
    UnitFileState: u.id.startsWith('microvm@') ? 'enabled' : 'linked',
    CanStart: 'yes',
    CanStop: 'yes',
    ConditionResult: u.conditionResult ? 'yes' : 'no',
    ConditionTimestamp: systemdTime(u.conditionAt, ts),
    AssertResult: u.conditionResult ? 'yes' : 'no',
    InvocationID: u.invocationId,
  };
  for (const [k, ms] of [
    ['StateChangeTimestamp', u.stateChange],
    ['InactiveExitTimestamp', u.inactiveExit],
    ['ActiveEnterTimestamp', u.activeEnter],
    ['ActiveExitTimestamp', u.activeExit],
    ['InactiveEnterTimestamp', u.inactiveEnter],
  ] as const) {
    v[k] = systemdTime(ms, ts);
    v[`${k}Monotonic`] = ms ? String(Math.max(0, (ms - bootedAt) * 1000)) : '0';
  }
  if (u.type === 'target' || u.type === 'mount') for (const k of SERVICE_ONLY) delete v[k];
  return v;
}

function fmtNum(n: number | null): string {
  return n === null ? '[not set]' : String(Math.round(n));
}

function listUnits(ctx: CmdContext, p: ReturnType<typeof getopt>, patterns: string[]): number {
  const all = has(p, '-a', '--all');
  const states = (p.opts.get('--state') ?? []).flatMap((s) => s.split(','));
  if (has(p, '--failed')) states.push('failed');
  const types = (p.opts.get('-t') ?? []).concat(p.opts.get('--type') ?? []).flatMap((s) => s.split(','));
  const rows = [...ctx.hv.units.values()]
    .filter((u) => (patterns.length ? patterns.some((pat) => fnmatch(pat, u.id)) : true))
    .filter((u) => (states.length ? states.some((s) => s === u.active || s === u.sub || s === u.load) : all || u.active !== 'inactive'))
    .filter((u) => (types.length ? types.some((t) => u.id.endsWith('.' + t)) : true))
    .sort((a, b) => (a.id < b.id ? -1 : 1));
  const output = last(p, '-o', '--output');
  if (output?.startsWith('json')) {
    const arr = rows.map((u) => ({ unit: u.id, load: u.load, active: u.active, sub: u.sub, description: u.description }));
    ctx.io.out((output === 'json-pretty' ? JSON.stringify(arr, null, 2) : JSON.stringify(arr)) + '\n');
    return 0;
  }
  const plain = has(p, '--plain');
  const legend = !has(p, '--no-legend');
  const table: string[][] = rows.map((u) => [u.id, u.load, u.active, u.sub, u.description]);
  if (legend && rows.length) table.unshift(['UNIT', 'LOAD', 'ACTIVE', 'SUB', 'DESCRIPTION']);
  const widths = [0, 1, 2, 3].map((i) => Math.max(0, ...table.map((r) => r[i]!.length)));
  const lines = table.map((r, idx) => {
    const isHeader = legend && rows.length > 0 && idx === 0;
    const failed = !isHeader && r[2] === 'failed';
    const mark = plain ? '' : failed ? '● ' : '  ';
    return (mark + r.slice(0, 4).map((c, i) => c.padEnd(widths[i]!)).join(' ') + ' ' + r[4]).trimEnd();
  });
  let text = lines.map((l) => l + '\n').join('');
  if (legend) {
    if (rows.length)
      text += `\nLOAD   = Reflects whether the unit definition was properly loaded.\nACTIVE = The high-level unit activation state, i.e. generalization of SUB.\nSUB    = The low-level unit activation state, values depend on unit type.\n`;
    text += `${rows.length} loaded units listed.${all ? '' : ' Pass --all to see loaded but inactive units, too.'}\nTo show all installed unit files use 'systemctl list-unit-files'.\n`;
  }
  ctx.io.out(text);
  return 0;
}

function status(ctx: CmdContext, names: string[], lines: number): number {
  const hv = ctx.hv;
  if (names.length === 0) {
    // The whole system, as `systemctl status` without a unit prints it (the cgroup tree left out).
    const failed = [...hv.units.values()].filter((u) => u.active === 'failed').length;
    ctx.io.out(
      `● ${hv.hostname}\n    State: ${failed ? 'degraded' : 'running'}\n    Units: ${hv.units.size + 212} loaded (incl. loaded aliases)\n     Jobs: 0 queued\n   Failed: ${failed} units\n    Since: ${systemdTime(hv.bootedAt + 9000, 'pretty')}; ${relTime(hv.clock.now() - hv.bootedAt)} ago\n  systemd: 256.10\n   CGroup: /\n`,
    );
    return 0;
  }
  let code = 0;
  const blocks: string[] = [];
  for (const name of names) {
    const u = hv.unit(name);
    if (!u) {
      ctx.io.err(`Unit ${unitId(name)} could not be found.\n`);
      code = 4;
      continue;
    }
    const now = hv.clock.now();
    const dot = u.active === 'failed' ? '×' : u.active === 'inactive' ? '○' : '●';
    const since = u.active === 'active' ? u.activeEnter : u.active === 'inactive' || u.active === 'failed' ? u.inactiveEnter : u.stateChange;
    const head = [
      `${dot} ${u.id} - ${u.description}`,
      `     Loaded: loaded (${u.fragmentPath}; enabled; preset: enabled)`,
      `     Active: ${u.active} (${u.sub})${u.active === 'failed' ? ` (Result: ${u.result})` : ''} since ${systemdTime(since, 'pretty')}; ${relTime(now - since)} ago`,
    ];
    if (!u.conditionResult) head.push(`  Condition: start condition unmet at ${systemdTime(u.stateChange, 'pretty')}; ${relTime(now - u.stateChange)} ago`);
    if (u.mainPid) head.push(`   Main PID: ${u.mainPid} (cloud-hyperviso)`, `      Tasks: 9 (limit: 38370)`, `     Memory: ${humanBytes(u.memory() ?? 0)}`, `        CPU: ${((u.cpuNs() ?? 0) / 1e9).toFixed(3)}s`, `     CGroup: /system.slice/system-microvm.slice/${u.id}`, `             └─${u.mainPid} cloud-hypervisor --cpus boot=2 --memory size=2048M`);
    const entries = hv.journal.all().filter((e) => e.unit === u.id).slice(-lines);
    const body = entries.map((e) => hv.journal.format(e, 'short'));
    blocks.push([...head, ...(body.length ? ['', ...body] : [])].join('\n') + '\n');
    if (u.active !== 'active' && code === 0) code = 3;
  }
  ctx.io.out(blocks.join('\n'));
  return code;
}
