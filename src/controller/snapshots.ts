import { describeRollback } from '../model/rollback.js';
import type { SnapshotInfo } from '../model/snapshots.js';
import { executeRollback, planRollback } from '../services/rollback.js';
import { snapshotNameProblem } from '../host/zfs.js';
import { SnapshotService } from '../services/snapshots.js';
import { destroyTargets, selectedSnapshot, snapshotsTyping, SNAPSHOT_PANE, type SnapshotTarget } from '../store/slices/snapshots.js';
import { destroyConfirmLines, rollbackConfirmLines } from '../views/snapshot/confirm.js';
import type { Controller } from './controller.js';
import type { PluginContext } from './plugins.js';

// The snapshot browser's commands: open (z / Z from the grid), move, mark, filter, create (c, n, C),
// rollback (R), destroy (ctrl-d), diff (d), close. Work goes to SnapshotService / rollback.ts, which
// validate names, refuse in read-only mode and audit; results land in the snapshots slice.

export interface SnapshotPluginDeps {
  service: SnapshotService;
  refresh?: (host: string) => void;
  now?: () => number;
}

export function registerSnapshotHandlers(c: Controller, deps: SnapshotPluginDeps): void {
  const { store } = c;
  const d = store.dispatch;
  const svc = deps.service;
  const now = deps.now ?? Date.now;
  const st = () => store.getState().snapshots;

  const load = async () => {
    const t = st().target;
    if (!t) return;
    d({ type: 'snapshots/loading' });
    try {
      d({ type: 'snapshots/loaded', listing: await svc.list(t.host, t.dataset), at: now() });
    } catch (e) {
      d({ type: 'snapshots/error', error: (e as Error).message });
    }
  };

  const open = async (target: SnapshotTarget, title: string) => {
    d({ type: 'snapshots/open', target });
    d({ type: 'ui/paneOpen', pane: { id: SNAPSHOT_PANE, kind: 'snapshots', scope: 'snapshots', title } });
    await load();
  };

  /** Why there is no snapshot to act on: the list is still being read (a key pressed as the browser opens), or none. */
  const noneSelected = () => c.status(st().loading && !st().listing ? 'the snapshots are still being read: try again in a moment' : 'no snapshot selected', 'warn');

  /** The VM a dataset belongs to on the browsed host, for actions that work per VM. */
  const vmOf = (dataset: string) => {
    const t = st().target;
    const host = t ? svc.deps.inventory.hosts.find((h) => h.name === t.host) : undefined;
    const vm = host?.vms.find((v) => v.dataset === dataset);
    return host && vm ? { host: host.name, vm: vm.name } : null;
  };

  /** After a change: the outcome said, the listing read again; a diff shown before it no longer holds. */
  const after = async (host: string, notice: string, kind: 'ok' | 'warn' | 'error' = 'ok') => {
    d({ type: 'snapshots/diff', diff: null });
    d({ type: 'snapshots/notice', notice });
    c.status(notice, kind);
    await load();
    deps.refresh?.(host);
  };

  c.register('snapshot.open', async ({ selected }) => {
    if (!selected) return c.status('no VM selected', 'warn');
    const vm = svc.vm(selected.vm, selected.host).vm;
    await open({ host: selected.host, vm: vm.name, dataset: vm.dataset }, `snapshots ${selected.vm}`);
  });
  c.register('snapshot.openHost', async ({ selected, state }) => {
    const host = selected?.host ?? state.hosts.order[0];
    if (!host) return c.status('no host', 'warn');
    await open({ host }, `snapshots ${host}`);
  });
  // esc peels one layer at a time: an open diff, then an applied filter, then the browser itself.
  c.register('snapshot.close', () => {
    if (st().diff) return d({ type: 'snapshots/diff', diff: null });
    if (st().filter.text) return d({ type: 'snapshots/filterCancel' });
    d({ type: 'ui/paneClose', id: SNAPSHOT_PANE });
    d({ type: 'snapshots/close' });
  });
  c.register('snapshot.up', () => d({ type: 'snapshots/move', delta: -1 }));
  c.register('snapshot.down', () => d({ type: 'snapshots/move', delta: 1 }));
  c.register('snapshot.mark', () => {
    const sel = selectedSnapshot(st());
    if (!sel) return;
    d({ type: 'snapshots/toggleMark', full: sel.full });
    d({ type: 'snapshots/move', delta: 1 });
  });
  c.register('snapshot.filter', () => d({ type: 'snapshots/filterOpen' }));

  // The filter and the name field are text scopes: enter/escape are the filter scope's commands. Wrap
  // them so they act on the browser while it types, and on the grid's filter otherwise.
  for (const [id, mine] of [
    ['filter.apply', () => d({ type: 'snapshots/filterApply' })],
    ['filter.cancel', () => d({ type: 'snapshots/filterCancel' })],
  ] as const) {
    const previous = c.handler(id);
    c.register(id, (ctx) => (snapshotsTyping(st()) && st().naming === null ? mine() : previous?.(ctx)));
  }
  // The name field (n) has keys of its own: enter takes the snapshot, escape drops the name.
  for (const [id, mine] of [
    ['input.submit', () => submitName()],
    ['input.cancel', () => d({ type: 'snapshots/naming', text: null })],
  ] as const) {
    const previous = c.handler(id);
    c.register(id, (ctx) => (st().naming !== null ? mine() : previous?.(ctx)));
  }
  /** A bad name is said as such and stays in the field to be corrected. */
  const submitName = async () => {
    const name = (st().naming ?? '').trim();
    const problem = name ? snapshotNameProblem(name) : undefined;
    if (problem) return c.status(`snapshot name ${JSON.stringify(name)} refused: ${problem}`, 'error');
    d({ type: 'snapshots/naming', text: null });
    try {
      await create(name || undefined);
    } catch (e) {
      c.status(`snapshot not taken: ${e instanceof Error ? e.message : String(e)}`, 'error');
    }
  };

  const create = async (name?: string) => {
    const t = st().target;
    if (!t) return;
    const owner = t.vm ? { host: t.host, vm: t.vm } : vmOf(selectedSnapshot(st())?.dataset ?? '');
    if (!owner) return c.status("select a VM's snapshot (or open the browser on a VM with z) to snapshot it", 'warn');
    const full = await svc.create(owner.host, owner.vm, name);
    await after(owner.host, `created ${full}`);
  };
  // c confirms like every other change (the help and docs/snapshots-and-rollback.md promise it): a snapshot holds space from then on,
  // and the dialog shows the exact name and command before anything runs
  c.register('snapshot.create', async () => {
    const t = st().target;
    if (!t) return;
    const owner = t.vm ? { host: t.host, vm: t.vm } : vmOf(selectedSnapshot(st())?.dataset ?? '');
    if (!owner) return c.status("select a VM's snapshot (or open the browser on a VM with z) to snapshot it", 'warn');
    const plan = await svc.planCreate(owner.host, owner.vm);
    const ok = await c.confirm({ title: `Snapshot ${owner.vm} now as @${plan.full.split('@')[1]}?`, lines: [`on ${owner.host}`], commands: [plan.command], danger: true });
    if (!ok) return c.status('snapshot cancelled');
    const full = await svc.createPlanned(plan);
    await after(owner.host, `created ${full}`);
  });
  c.register('snapshot.createNamed', () => d({ type: 'snapshots/naming', text: '' }));
  c.register('snapshot.createRecursive', async () => {
    const t = st().target;
    if (!t) return;
    const host = svc.host(t.host);
    const root = svc.storageRoot(host);
    const ok = await c.confirm({
      title: `Snapshot all of ${host.name}'s storage at once?`,
      lines: [`zfs snapshot -r ${root}@NAME (NAME: YYYYMMDD-HHMM, UTC, with a suffix if taken)`, `Every dataset below ${root} gets the same snapshot.`],
      danger: true,
    });
    if (!ok) return c.status('recursive snapshot cancelled');
    const full = await svc.createRecursive(host.name);
    await after(host.name, `created ${full} recursively`);
  });

  c.register('snapshot.diff', async () => {
    const sel = selectedSnapshot(st());
    if (!sel) return;
    const owner = vmOf(sel.dataset);
    if (!owner) return c.status(`${sel.dataset} is not a VM's dataset`, 'warn');
    const diff = await svc.diff(owner.host, owner.vm, sel.name);
    d({ type: 'snapshots/diff', diff: { ...diff, snapshot: sel.full } });
    if (!diff.supported) c.status(diff.message ?? 'zfs diff is not supported by this ZFS', 'warn');
  });

  c.register('snapshot.rollback', async () => {
    const sel = selectedSnapshot(st());
    if (!sel) return noneSelected();
    const owner = vmOf(sel.dataset);
    if (!owner) return c.status(`${sel.dataset} is not a VM's dataset: roll it back by hand`, 'warn');
    const plan = await planRollback(svc, owner.host, owner.vm, sel.name);
    let keepRunning = false;
    if (plan.vmActive) {
      // Stopping is the default; "no" keeps it running and still leads to the typed confirmation.
      keepRunning = !(await c.confirm({
        title: `Stop ${plan.unit} for the rollback? (recommended)`,
        lines: ['A VM running on a dataset rolled back under it corrupts its data.', 'Either way, you confirm the rollback itself next.'],
        answers: { yes: 'stop it, roll back, start it again', no: 'keep it running' },
        danger: false,
      }));
    }
    const ok = await c.confirm({
      title: `Roll ${plan.vm} back to @${plan.target.name}?`,
      lines: rollbackConfirmLines(plan, keepRunning),
      danger: true,
      typeToConfirm: plan.vm,
    });
    if (!ok) return c.status('rollback cancelled; nothing changed');
    c.status(`rolling ${plan.vm} back to @${plan.target.name}…`);
    const r = await executeRollback(svc, plan, { keepRunning });
    // whole: where the old state is kept and how to remove it are the point of the message
    await after(plan.host, describeRollback(r).replace(/\n/g, ' '), r.warnings.length ? 'warn' : 'ok');
  });

  c.register('snapshot.destroy', async () => {
    const s = st();
    const t = s.target;
    const targets = destroyTargets(s);
    if (!t || !targets.length) return noneSelected();
    const byVm = new Map<string, { vm: string; snaps: SnapshotInfo[] }>();
    for (const x of targets) {
      const owner = vmOf(x.dataset);
      if (!owner) return c.status(`${x.dataset} is not a VM's dataset: destroy its snapshots by hand`, 'warn');
      byVm.set(owner.vm, { vm: owner.vm, snaps: [...(byVm.get(owner.vm)?.snaps ?? []), x] });
    }
    const ok = await c.confirm({ title: `Destroy ${targets.length} snapshot${targets.length === 1 ? '' : 's'}?`, lines: destroyConfirmLines(t.host, targets), danger: true });
    if (!ok) return c.status('destroy cancelled');
    const results = [];
    for (const { vm, snaps } of byVm.values()) results.push(...(await svc.destroy(t.host, vm, snaps.map((x) => x.name))));
    d({ type: 'snapshots/clearMarks' });
    const failed = results.filter((r) => !r.ok);
    await after(
      t.host,
      failed.length ? `destroyed ${results.length - failed.length}, failed: ${failed.map((f) => f.error).join('; ')}` : `destroyed ${results.map((r) => r.full).join(', ')}`,
      failed.length ? 'error' : 'ok',
    );
  });
}

/** The plugin the UI loads: a SnapshotService on the runtime, handlers registered on the controller. */
export function snapshotPlugin(ctx: PluginContext): void {
  const { inventory, transport, guard } = ctx.runtime;
  registerSnapshotHandlers(ctx.controller, { service: new SnapshotService({ inventory, transport, guard }), refresh: (h) => ctx.refresh(h) });
}
