import { describe, expect, it } from 'vitest';
import { resolveInventory } from '../../src/config/resolve.js';
import { inventorySchema } from '../../src/config/schema.js';
import { COMMANDS } from '../../src/keymap/table.js';
import { ActionService } from '../../src/services/actions.js';
import { MemoryAudit } from '../../src/services/audit.js';
import { ActionGuard, ReadOnlyError } from '../../src/services/guard.js';
import { applyFix } from '../../src/services/doctor.js';
import type { FixAction } from '../../src/model/doctor.js';
import { executeRollback, planRollback } from '../../src/services/rollback.js';
import { SnapshotService } from '../../src/services/snapshots.js';
import { ScriptedTransport } from '../helpers/scripted-transport.js';
import { zfsGet } from '../services/snapshots-setup.js';

// Every dangerous command of the keymap table (and a dangerous custom command from the inventory): the
// service it reaches refuses in read-only mode with an audited refusal and sends nothing; otherwise it
// runs and is audited with the exact command. The table is enumerated, so a new dangerous command without a
// case here fails the first test. (The controller's confirmation is tested in test/controller/.)

const inventory = (readOnly: boolean) =>
  resolveInventory(
    inventorySchema.parse({
      hosts: [
        {
          name: 'hv',
          ssh: { hostname: '127.0.0.1' },
          readOnly,
          deploy: { mode: 'remote', command: 'lab-deploy' },
          vms: [{ name: 'vm1' }],
          commands: [{ name: 'wipe-cache', command: 'rm -rf /var/cache/{vm}', dangerous: true, onVm: false }],
        },
      ],
    }),
    '(test)',
  );

const NOW = 1_795_000_000; // creation times of the scripted snapshots (epoch s)

function world(readOnly: boolean) {
  const inv = inventory(readOnly);
  const audit = new MemoryAudit();
  const transport = new ScriptedTransport()
    .on(() => true, { stdout: '' }) // any change succeeds (checked first by the newer, specific answers)
    .on(/^zfs get /, { stdout: zfsGet([['microvms/storage/vm1', 100, 100, NOW - 100], ['microvms/storage/vm1@old', 10, 90, NOW - 50], ['microvms/storage/vm1@new', 10, 95, NOW - 10]]) })
    .on(/systemctl show/, { stdout: 'ActiveState=active\nSubState=running\nResult=success\nConditionResult=yes\nNRestarts=0\n' })
    .on(/systemctl is-active/, { stdout: 'inactive\n', code: 3 })
    .on(/zfs get -H -o value,source mountpoint/, { stdout: '/var/lib/microvms/vm1\tdefault\n' })
    .on(/zfs get -H -o value mounted/, { stdout: 'yes\n' })
    .on(/comin status/, { stdout: '{}' });
  const guard = new ActionGuard(inv, audit);
  const actions = new ActionService({ inventory: inv, transport, guard, sleep: async () => undefined });
  const snapshots = new SnapshotService({ inventory: inv, transport, guard, now: () => new Date(NOW * 1000) });
  return { inv, audit, transport, guard, actions, snapshots };
}

type World = ReturnType<typeof world>;

/** Runs a service call; streamed commands (deploy, update, fetch) are ended with exit 0 as they appear. */
async function drive(w: World, call: (w: World) => Promise<unknown>): Promise<unknown> {
  let settled = false;
  const p = call(w);
  p.then(
    () => (settled = true),
    () => (settled = true),
  );
  while (!settled) {
    await new Promise((r) => setTimeout(r, 2));
    for (const s of w.transport.streams) s.end({ code: 0 });
  }
  return p;
}

/** What each dangerous command does at the service layer, and the audit action it is recorded as. */
const FIXES: FixAction[] = ['vm.start', 'vm.restart', 'vm.update', 'pool.import', 'dataset.mount', 'storage.restart'];

/** Every fix the doctor can apply; each must be refused on its own in read-only mode. */
async function allFixes(w: World): Promise<unknown> {
  const errors: unknown[] = [];
  for (const action of FIXES) {
    const r = await applyFix({ transport: w.transport, guard: w.guard, actions: w.actions }, w.inv.hosts[0]!, 'vm1', { label: action, action, commands: [action] }).catch((e: unknown) => e);
    if (r instanceof ReadOnlyError) errors.push(r);
  }
  if (errors.length) throw errors[0];
  return undefined;
}

const SERVICE: Record<string, { audit: string | RegExp; refusals?: number; call(w: World): Promise<unknown> }> = {
  'vm.restart': { audit: 'vm.restart', call: (w) => w.actions.unitAction('restart', 'hv', ['vm1'], { settleTimeoutMs: 10, pollMs: 1 }) },
  'vm.start': { audit: 'vm.start', call: (w) => w.actions.unitAction('start', 'hv', ['vm1'], { settleTimeoutMs: 10, pollMs: 1 }) },
  'vm.stop': { audit: 'vm.stop', call: (w) => w.actions.unitAction('stop', 'hv', ['vm1'], { settleTimeoutMs: 10, pollMs: 1 }) },
  'vm.update': { audit: 'vm.update', call: (w) => w.actions.updateRunner('hv', 'vm1') },
  'host.deploy': { audit: 'host.deploy', call: (w) => w.actions.deploy('hv') },
  'deploy.restart': { audit: 'vm.restart', call: (w) => w.actions.unitAction('restart', 'hv', ['vm1'], { settleTimeoutMs: 10, pollMs: 1 }) },
  'host.cominFetch': { audit: 'comin.fetch', call: (w) => w.actions.cominFetch('hv') },
  'snapshot.create': { audit: 'snapshot.create', call: (w) => w.snapshots.create('hv', 'vm1') },
  'snapshot.createNamed': { audit: 'snapshot.create', call: (w) => w.snapshots.create('hv', 'vm1', 'before-upgrade') },
  'snapshot.createRecursive': { audit: 'snapshot.create-recursive', call: (w) => w.snapshots.createRecursive('hv') },
  'snapshot.rollback': { audit: 'snapshot.rollback', call: async (w) => executeRollback(w.snapshots, await planRollback(w.snapshots, 'hv', 'vm1', 'old')) },
  'snapshot.destroy': { audit: 'snapshot.destroy', call: (w) => w.snapshots.destroy('hv', 'vm1', ['old']) },
  'doctor.fix': { audit: /^(doctor\.|vm\.)/, refusals: FIXES.length, call: allFixes },
  'custom.wipe-cache': { audit: 'custom.wipe-cache', call: (w) => w.actions.custom('hv', 'wipe-cache', 'vm1') },
};

const READS = /^(zfs get |systemctl (show|is-active) |journalctl |comin status|printf '%s\\n' "\$\(readlink )/;
const mutations = (t: ScriptedTransport) => t.sent.map((s) => s.command).filter((c) => !READS.test(c));

const dangerous = [...COMMANDS.filter((c) => c.dangerous).map((c) => c.id), 'custom.wipe-cache'];

describe('every dangerous command: read-only refusal at the service layer, audit, confirmation', () => {
  it('the table is covered: each dangerous command of the keymap has a case here', () => {
    expect(dangerous.length).toBeGreaterThanOrEqual(12);
    expect(dangerous.filter((id) => !SERVICE[id])).toEqual([]);
  });

  for (const id of dangerous) {
    it(`${id}: read-only refuses at the service layer, sends nothing, audits the refusal`, async () => {
      const w = world(true);
      const err = await drive(w, SERVICE[id]!.call).then(
        (r) => r,
        (e: unknown) => e,
      );
      // unitAction reports per VM; the others throw.
      const refused = err instanceof ReadOnlyError || (Array.isArray(err) && err.every((o: { error?: unknown; message?: string }) => /read-only/.test(String(o.message ?? o.error))));
      expect(refused, `${id} was not refused: ${String(err)}`).toBe(true);
      expect(mutations(w.transport)).toEqual([]);
      const audit = SERVICE[id]!.audit;
      const refusals = w.audit.entries.filter((e) => e.outcome === 'refused' && (typeof audit === 'string' ? e.action === audit : audit.test(e.action)));
      expect(refusals.length).toBeGreaterThanOrEqual(SERVICE[id]!.refusals ?? 1);
    });

    it(`${id}: when allowed, runs and the audit entry holds the exact command sent`, async () => {
      const w = world(false);
      await drive(w, SERVICE[id]!.call).catch(() => undefined);
      const sent = mutations(w.transport);
      expect(sent.length).toBeGreaterThan(0);
      const audit = SERVICE[id]!.audit;
      const entries = w.audit.entries.filter((e) => (typeof audit === 'string' ? e.action === audit : audit.test(e.action)));
      expect(entries.length).toBeGreaterThan(0);
      for (const e of entries) expect(['ok', 'failed']).toContain(e.outcome);
      // Nothing changing goes out unaudited: every command sent is in an audit entry (a rollback records its
      // whole plan as one line of steps joined by &&).
      const audited = w.audit.entries.map((e) => e.command).join('\n');
      for (const s of sent) expect(audited, `unaudited: ${s}`).toContain(s);
    });
  }
});
