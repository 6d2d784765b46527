import { validateUnit } from './journal.js';
import { shJoin } from './quote.js';

// Remote commands for acting on a VM's unit and watching it settle. Units come from the inventory
// (already validated there); they are checked again here and quoted, since these lines reach a shell.

export type UnitVerb = 'restart' | 'start' | 'stop';

export const UNIT_VERBS: readonly UnitVerb[] = ['restart', 'start', 'stop'];

export function unitActionCmd(verb: UnitVerb, unit: string): string {
  if (!UNIT_VERBS.includes(verb)) throw new Error(`not a unit action: ${JSON.stringify(verb)}`);
  return shJoin(['systemctl', verb, validateUnit(unit)]);
}

/** Properties read while waiting for a unit to settle; ConditionResult=no means skipped (e.g. missing runner). */
export const SETTLE_PROPS = ['ActiveState', 'SubState', 'Result', 'ConditionResult', 'NRestarts'] as const;

export function unitSettleCmd(unit: string): string {
  return shJoin(['systemctl', 'show', validateUnit(unit), '-p', SETTLE_PROPS.join(',')]);
}

/** The unit's last warning-or-worse journal lines (shown when an action fails): systemd 252 logs a unit's failure
 *  ("Main process exited, code=killed, status=9/KILL", "Failed with result 'signal'") at warning, not err. */
export function unitErrorsCmd(unit: string, lines = 5, sinceSeconds?: number): string {
  if (!Number.isInteger(lines) || lines < 1 || lines > 1000) throw new Error(`bad line count ${lines}`);
  if (sinceSeconds !== undefined && (!Number.isInteger(sinceSeconds) || sinceSeconds < 1)) throw new Error(`bad age ${sinceSeconds}`);
  // --since -Ns counts on the host's own clock, so a skew between the two machines does not matter
  const since = sinceSeconds === undefined ? [] : ['--since', `-${sinceSeconds}s`];
  return shJoin(['journalctl', '-u', validateUnit(unit), '-p', 'warning', ...since, '-n', String(lines), '-o', 'cat', '--all', '--no-pager']);
}
