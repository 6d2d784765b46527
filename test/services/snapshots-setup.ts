import { resolveInventory } from '../../src/config/resolve.js';
import { inventorySchema } from '../../src/config/schema.js';
import { MemoryAudit } from '../../src/services/audit.js';
import { ActionGuard } from '../../src/services/guard.js';
import { SnapshotService } from '../../src/services/snapshots.js';
import { ScriptedTransport } from '../helpers/scripted-transport.js';

// Shared by the snapshot service, rollback and subcommand tests.

export function testInventory(opts: { readOnly?: boolean } = {}) {
  return resolveInventory(
    inventorySchema.parse({ hosts: [{ name: 'hv', ssh: { hostname: '127.0.0.1' }, readOnly: opts.readOnly ?? false, vms: [{ name: 'vm1' }, { name: 'vm4' }] }] }),
    '(test)',
  );
}

export function setup(opts: { readOnly?: boolean; now?: string } = {}) {
  const inventory = testInventory(opts);
  const audit = new MemoryAudit();
  const transport = new ScriptedTransport();
  const guard = new ActionGuard(inventory, audit);
  const svc = new SnapshotService({ inventory, transport, guard, now: () => new Date(opts.now ?? '2026-11-26T12:00:30Z') });
  return { svc, transport, audit };
}

/** `zfs get -H -p -o name,property,value` lines, as zfs prints them (tab-separated, one property a line). */
export function zfsGet(rows: Array<[string, number, number, number]>): string {
  return rows.map(([n, used, ref, creation]) => `${n}\tused\t${used}\n${n}\treferenced\t${ref}\n${n}\tcreation\t${creation}\n`).join('');
}

/** Commands that change something (everything but the reads). */
export const mutations = (t: ScriptedTransport) => t.sent.map((s) => s.command).filter((c) => !/^zfs get |^systemctl is-active /.test(c));
