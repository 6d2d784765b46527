import { listUnitsCmd, unitKnownCmd } from '../host/units.js';
import { parseUnitList } from '../parsers/index.js';
import type { Transport } from '../ssh/types.js';

// A host's units, read over ssh: the names a unit prompt offers, and whether a name is one of them.

const TIMEOUT_MS = 15_000;

/** The host's services by name (`comin.service`), sorted; throws with the host's words when it cannot tell. */
export async function hostUnits(transport: Transport, host: string): Promise<string[]> {
  const r = await transport.exec({ host }, listUnitsCmd(), { timeoutMs: TIMEOUT_MS });
  if (r.code !== 0) throw new Error(`systemctl list-units: ${r.stderr.trim().split('\n')[0] || `exit ${r.code ?? r.signal}`}`);
  return [...new Set(parseUnitList(r.stdout))].sort();
}

/** Whether the host knows `unit` (systemd has it, or its journal has lines of it); null when it cannot tell. */
export async function unitKnown(transport: Transport, host: string, unit: string): Promise<boolean | null> {
  const r = await transport.exec({ host }, unitKnownCmd(unit), { timeoutMs: TIMEOUT_MS });
  const [load = '', ...journal] = r.stdout.split('\n');
  if (!load.trim()) return null;
  return load.trim() !== 'not-found' || journal.some((l) => l.trim() !== '');
}

/** Names that complete `typed`: units whose name, or name without `.service`, starts with it. */
export function completeUnit(units: readonly string[], typed: string): string[] {
  const t = typed.trim();
  return units.filter((u) => u.startsWith(t));
}
