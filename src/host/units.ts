import { validateUnit } from './journal.js';
import { shJoin } from './quote.js';

// Which units a host has: the names a unit prompt completes, and the check that a unit asked for by name
// (`mvm-tui logs NAME`) exists before its (silent, empty) journal is followed.

/** Every service the host's systemd knows, loaded or not: `systemctl list-units` as a plain list. */
export function listUnitsCmd(): string {
  return shJoin(['systemctl', 'list-units', '--all', '--type=service', '--full', '--plain', '--no-legend', '--no-pager']);
}

/** The unit's LoadState on its first line (`not-found` for no such unit), then its newest journal line, if any:
 *  a unit that is gone (a finished transient one) still has a journal worth reading. */
export function unitKnownCmd(unit: string): string {
  const u = validateUnit(unit);
  return `${shJoin(['systemctl', 'show', '-p', 'LoadState', '--value', u])}; ${shJoin(['journalctl', '-u', u, '-n', '1', '-q', '-o', 'cat', '--all', '--no-pager'])}`;
}
