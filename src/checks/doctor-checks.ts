import type { SectionOutput } from '../host/gather.js';
import type { HostStatus, VmStatus } from '../model/status.js';
import { parseCominStatus } from '../parsers/comin.js';
import { parseIpLinks } from '../parsers/ip.js';
import { parseSystemctlShow } from '../parsers/systemctl.js';
import { parseZfsGet } from '../parsers/zfs-get.js';
import { shJoin } from '../host/quote.js';
import type { Check, Fix, FixAction, FixCommands } from '../model/doctor.js';

// The seed's troubleshooting runbook ("VM won't start", "Can't SSH to VM", "ZFS issues") as pure verdicts:
// evidence in, checks out. Running the commands and applying fixes lives in doctor.ts.

const fix = (cmds: FixCommands, label: string, action: FixAction): Fix => ({ label, action, commands: cmds[action] });

const NETWORK_RE = /network/i;
const DISK_WARN = 0.9;

function section(sections: Map<string, SectionOutput>, name: string): SectionOutput | undefined {
  return sections.get(name);
}

function lines(text: string): string[] {
  return text.split('\n').map((l) => l.trimEnd()).filter(Boolean);
}

const lastLines = (text: string, n: number) => lines(text).slice(-n).join('\n');

export interface VmEvidence {
  host: HostStatus;
  vm: VmStatus;
  /** Sections of vmDoctorSections, or an empty map when that exec failed. */
  sections: Map<string, SectionOutput>;
  /** The SSH probe through the hypervisor: true, false, or 'timeout'. */
  ssh: boolean | 'timeout' | null;
  microvmsDir: string;
  pool: string;
  tap: string;
  bridge: string;
  storageUnit: string;
  commands: FixCommands;
}

export function vmChecks(e: VmEvidence): Check[] {
  const { vm, host, sections, commands: cmds } = e;
  const checks: Check[] = [];
  const unit = parseSystemctlShow(section(sections, 'unit')?.text ?? '')[0] ?? {};
  const active = unit.ActiveState ?? vm.active;
  const sub = unit.SubState ?? vm.sub;
  // Skipped by a failed condition: ConditionResult=no alone also means "not checked since it was loaded".
  const skipped = unit.ConditionResult === 'no' && Boolean(unit.ConditionTimestamp);
  const current = `${e.microvmsDir}/${vm.name}/current`;

  // 1. The unit and its last result.
  const running = active === 'active';
  const unitEvidence = `${vm.unit}: ${active}/${sub}, result ${unit.Result ?? vm.result ?? '?'}, ${unit.NRestarts ?? vm.restarts ?? '?'} restarts${skipped ? ', condition failed (skipped)' : ''}`;
  checks.push({
    id: 'unit.state',
    title: 'VM unit is running',
    ok: running,
    evidence: unitEvidence,
    fix: running
      ? undefined
      : vm.runner === 'missing'
        ? fix(cmds, `rebuild the runner of ${vm.name}, then start it`, 'vm.update')
        : fix(cmds, `${active === 'failed' ? 'restart' : 'start'} ${vm.unit}`, active === 'failed' ? 'vm.restart' : 'vm.start'),
  });

  // 2. The runner link exists and resolves (a missing one skips the unit by its ConditionPathExists).
  const runnerSec = section(sections, 'runner');
  const resolves = runnerSec ? runnerSec.rc === 0 : null;
  const runnerOk = vm.runner === 'missing' ? false : resolves ?? (vm.runner === 'present' ? true : null);
  checks.push({
    id: 'runner.present',
    title: 'Runner link exists and resolves',
    ok: runnerOk,
    evidence:
      vm.runner === 'missing'
        ? `${current} is missing: the unit is skipped by ConditionPathExists (the cause of "VM won't start")`
        : resolves === false
          ? `${current} -> ${vm.current ?? '?'} does not resolve: ${lastLines(runnerSec?.text ?? '', 1)}`
          : `${current} -> ${vm.current ?? '?'}`,
    fix: runnerOk === false ? fix(cmds, `rebuild the runner of ${vm.name}, then start it`, 'vm.update') : undefined,
  });

  // 3. booted vs current.
  checks.push({
    id: 'runner.booted',
    title: 'Running the current runner',
    ok: vm.runner === 'missing' ? null : !vm.outdated,
    evidence: vm.outdated ? `booted ${vm.booted ?? '?'} but current is ${vm.current ?? '?'}: restart needed` : `booted = current (${vm.booted ?? 'not booted'})`,
    fix: vm.outdated ? fix(cmds, `restart ${vm.name} onto the new runner`, 'vm.restart') : undefined,
  });

  // 4. TAP and bridge.
  const tapSec = section(sections, 'tap');
  const tap = tapSec && tapSec.rc === 0 ? parseIpLinks(tapSec.text)[0] : undefined;
  const tapOk = !tapSec ? null : tap ? tap.carrier || !running : false;
  checks.push({
    id: 'net.tap',
    title: 'TAP interface exists with carrier',
    ok: tapOk,
    evidence: tap ? `${e.tap}: ${tap.operstate}${tap.carrier ? '' : ', no carrier'}${tap.master ? `, on ${tap.master}` : ''}` : `${e.tap}: ${tapSec ? lastLines(tapSec.text, 1) || 'missing' : 'not checked'}`,
    fix: tapOk === false && running ? fix(cmds, `restart ${vm.name} (recreates its TAP)`, 'vm.restart') : undefined,
  });
  const bridgeOk = vm.bridge === 'unknown' ? null : vm.bridge === 'up' || (vm.bridge === 'no-carrier' && !running);
  checks.push({
    id: 'net.bridge',
    title: 'Bridge is up',
    ok: bridgeOk,
    evidence: `${e.bridge}: ${vm.bridge}${vm.bridge === 'no-carrier' ? (running ? ' while the VM runs (its TAP is not attached)' : ' (expected: the VM is down)') : ''}`,
    fix: bridgeOk === false ? { label: `bring ${e.bridge} up (or check systemd-networkd on the hypervisor)`, commands: [shJoin(['ip', 'link', 'set', 'dev', e.bridge, 'up'])] } : undefined,
  });

  // 5. SSH through the hypervisor.
  checks.push({
    id: 'vm.ssh',
    title: 'VM answers over SSH through the hypervisor',
    ok: e.ssh === null ? null : e.ssh === true,
    evidence: e.ssh === true ? `ssh ${vm.name} true: ok` : e.ssh === 'timeout' ? `ssh ${vm.name}: timed out` : e.ssh === false ? `ssh ${vm.name}: failed` : 'not checked',
    fix: e.ssh === true || e.ssh === null ? undefined : running ? fix(cmds, `restart ${vm.name}`, 'vm.restart') : undefined,
  });

  // 6. The guest's network lines in the unit's journal (the seed's `journalctl -u ... | grep -i network`).
  const journal = section(sections, 'journal');
  const netLines = lines(journal?.text ?? '').filter((l) => NETWORK_RE.test(l));
  const netBad = netLines.some((l) => /(fail|error|down|timed? ?out|unreachable)/i.test(l) && !/\bup\b/i.test(l));
  checks.push({
    id: 'guest.network',
    title: "Guest's network lines in the journal",
    ok: !journal || journal.rc !== 0 ? null : netLines.length === 0 ? null : !netBad,
    evidence: netLines.length ? netLines.slice(-8).join('\n') : journal ? 'no line mentions the network' : 'journal not read',
  });

  // 7. Dataset mounted, pool healthy.
  const mounted = parseZfsGet(section(sections, 'mounted')?.text ?? '').get(vm.dataset);
  const poolRow = host.pools.find((p) => p.name === e.pool);
  checks.push({
    id: 'zfs.mounted',
    title: 'Dataset is mounted',
    ok: mounted?.mounted === undefined ? (poolRow ? null : false) : mounted.mounted === 'yes',
    evidence: mounted ? `${vm.dataset}: mounted=${mounted.mounted ?? '?'} at ${mounted.mountpoint ?? '?'}` : `${vm.dataset}: ${lastLines(section(sections, 'mounted')?.text ?? '', 1) || 'not found'}`,
    fix:
      mounted?.mounted === 'no'
        ? fix(cmds, `mount ${vm.dataset}`, 'dataset.mount')
        : !poolRow && host.reachable
          ? fix(cmds, `import the pool ${e.pool}`, 'pool.import')
          : undefined,
  });
  checks.push(poolCheck(host, e.pool, cmds));
  checks.push(storageUnitCheck(host, e.storageUnit, cmds));
  checks.push(failedUnitsCheck(host));
  return checks;
}

function poolCheck(host: HostStatus, pool: string, cmds: FixCommands): Check {
  const row = host.pools.find((p) => p.name === pool);
  return {
    id: 'zfs.pool',
    title: `Pool ${pool} is healthy`,
    ok: !host.reachable ? null : row ? row.health === 'ONLINE' : false,
    evidence: row ? `${pool}: ${row.health}` : host.reachable ? `${pool}: not imported` : 'host unreachable',
    fix: host.reachable && !row ? fix(cmds, `import the pool ${pool}`, 'pool.import') : row && row.health !== 'ONLINE' ? { label: 'see `zpool status -v`; online or replace the faulted device', commands: [shJoin(['zpool', 'status', '-v', pool])] } : undefined,
  };
}

function storageUnitCheck(host: HostStatus, name: string, cmds: FixCommands): Check {
  const u = host.storageUnit;
  const ok = !host.reachable ? null : !u ? null : u.active === 'active';
  return {
    id: 'storage.unit',
    title: `Storage unit ${name} is active`,
    ok,
    evidence: u ? `${u.name}: ${u.active}` : `${name}: not present on this host`,
    fix: ok === false ? fix(cmds, `restart ${name}`, 'storage.restart') : undefined,
  };
}

function failedUnitsCheck(host: HostStatus): Check {
  const failed = host.system.failedUnits;
  return {
    id: 'host.failed',
    title: 'No failed units on the hypervisor',
    ok: !host.reachable ? null : failed.length === 0,
    evidence: failed.length ? `failed: ${failed.join(', ')}` : `system ${host.system.state}`,
    fix: failed.length ? { label: 'inspect with `systemctl status UNIT`, then `systemctl reset-failed`', commands: ['systemctl --failed'] } : undefined,
  };
}

export interface HostEvidence {
  host: HostStatus;
  sections: Map<string, SectionOutput>;
  pool: string;
  storageUnit: string;
  commands: FixCommands;
}

export function hostChecks(e: HostEvidence): Check[] {
  const { host } = e;
  const checks: Check[] = [
    {
      id: 'host.reachable',
      title: 'Hypervisor answers over SSH',
      ok: host.reachable,
      evidence: host.reachable ? 'ok' : host.error ?? 'unreachable',
    },
    {
      id: 'host.state',
      title: 'System is running',
      ok: !host.reachable ? null : host.system.state === 'running',
      evidence: `systemctl is-system-running: ${host.system.state}`,
    },
    failedUnitsCheck(host),
    poolCheck(host, e.pool, e.commands),
    ...host.pools.filter((p) => p.name !== e.pool).map((p) => ({ id: `zfs.pool.${p.name}`, title: `Pool ${p.name} is healthy`, ok: p.health === 'ONLINE', evidence: `${p.name}: ${p.health}` })),
    storageUnitCheck(host, e.storageUnit, e.commands),
  ];
  const s = host.storage;
  if (s && s.size && s.used !== null) {
    const frac = s.used / s.size;
    checks.push({ id: 'host.disk', title: `Space on ${s.mountpoint}`, ok: frac < DISK_WARN, evidence: `${Math.round(frac * 100)}% used` });
  } else if (host.reachable) {
    checks.push({ id: 'host.disk', title: 'Space on the VM storage', ok: null, evidence: 'df gave nothing readable' });
  }
  const events = section(e.sections, 'events-journal');
  if (events && host.reachable) checks.push(eventsCheck(events, host));
  const comin = section(e.sections, 'comin');
  if (comin && comin.rc === 0) {
    const st = parseCominStatus(comin.text);
    checks.push({
      id: 'host.comin',
      title: 'Comin (GitOps) deployed',
      ok: st ? st.deploymentStatus !== 'failed' && !st.deploymentError && !st.fetchError : null,
      evidence: st
        ? `commit ${st.deployedCommit?.slice(0, 12) ?? '?'}, deployment ${st.deploymentStatus ?? '?'}${st.deploymentError ? `: ${st.deploymentError}` : ''}${st.fetchError ? `, fetch error: ${st.fetchError}` : ''}`
        : lastLines(comin.text, 2),
    });
  }
  return checks;
}

/** Whether the host can push its changes (src/host/events.ts): PID 1's journal readable by this user, and `ip`
 *  (the status's bridges are known only when it ran). Without them the status is polled. */
function eventsCheck(journal: SectionOutput, host: HostStatus): Check {
  const title = "Status pushed by the host's events";
  const polled = 'the status is polled instead';
  if (journal.rc === 127) return { id: 'host.events', title, ok: false, evidence: `journalctl not found: ${polled}` };
  const readable = journal.rc === 0 && lines(journal.text).some((l) => l.startsWith('{'));
  if (!readable)
    return {
      id: 'host.events',
      title,
      ok: false,
      evidence: `PID 1's journal is not readable by this user (root and the systemd-journal and adm groups can): ${polled}${journal.text.trim() ? ` (${lastLines(journal.text, 1)})` : ''}`,
    };
  if (host.vms.length && host.vms.every((v) => v.bridge === 'unknown')) return { id: 'host.events', title, ok: false, evidence: `ip gave no links: ${polled}` };
  return { id: 'host.events', title, ok: true, evidence: "PID 1's journal readable, links monitored with ip: changes are pushed" };
}
