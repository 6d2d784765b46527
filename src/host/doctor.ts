import type { HostConfig, VmConfig } from '../config/types.js';
import { runnerLink, type GatherSection } from './gather.js';

// Extra evidence the doctor needs beyond a status refresh, as gather sections (same framing, one exec).

/** How much of the unit's journal is searched for the guest's network lines (the seed's `grep -i network`). */
export const DOCTOR_JOURNAL_LINES = 2000;

export function vmDoctorSections(host: HostConfig, vm: VmConfig): GatherSection[] {
  const current = runnerLink(host, vm.name, 'current');
  return [
    // ConditionTimestamp: systemd 252 reports ConditionResult=no for a unit whose conditions were never checked since
    // it was loaded (never started, or stopped and unloaded since); only a time says they were checked and failed.
    { name: 'unit', argv: ['systemctl', 'show', vm.unit, '--timestamp=unix', '-p', 'Id,LoadState,ActiveState,SubState,Result,ConditionResult,ConditionTimestamp,ExecMainStatus,NRestarts'] },
    { name: 'runner', argv: ['ls', '-lL', '--', `${current}/bin/microvm-run`] },
    { name: 'tap', argv: ['ip', '-j', 'link', 'show', 'dev', vm.tap] },
    { name: 'mounted', argv: ['zfs', 'get', '-H', '-o', 'name,property,value', 'mounted,mountpoint', vm.dataset] },
    { name: 'journal', argv: ['journalctl', '-u', vm.unit, '-o', 'cat', '--all', '--no-pager', '-n', String(DOCTOR_JOURNAL_LINES)] },
  ];
}

/** PID 1's last journal entry, as the event stream (src/host/events.ts) reads them: none when this user may not. */
export const EVENTS_JOURNAL_ARGV = ['journalctl', '-n', '1', '-o', 'json', '--output-fields=UNIT', '--no-pager', '_PID=1'];

export function hostDoctorSections(_host: HostConfig): GatherSection[] {
  return [
    { name: 'comin', argv: ['comin', 'status', '--json'] },
    { name: 'events-journal', argv: EVENTS_JOURNAL_ARGV },
  ];
}
