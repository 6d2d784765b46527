import { describe, expect, it } from 'vitest';
import { resolveInventory } from '../../src/config/resolve.js';
import { inventorySchema } from '../../src/config/schema.js';
import { registerDeployHandlers, serviceDeployDeps } from '../../src/controller/deploy.js';
import { createController, registerCoreHandlers } from '../../src/controller/index.js';
import { buildKeymap } from '../../src/keymap/index.js';
import { MemoryAudit } from '../../src/services/audit.js';
import { ActionGuard } from '../../src/services/guard.js';
import type { Runtime } from '../../src/services/runtime.js';
import { createStore } from '../../src/store/index.js';
import { DEPLOY_PANE } from '../../src/store/slices/deploy.js';
import { ScriptedTransport } from '../helpers/scripted-transport.js';

// Quitting while a deploy or runner update runs in the background: asked (y/N), a no changes nothing, a yes
// cancels the run exactly as Ctrl-C in its pane does (same audit entry) and quits once it has ended.

const tick = () => new Promise<void>((r) => setImmediate(r));

function world() {
  const inv = resolveInventory(
    inventorySchema.parse({ hosts: [{ name: 'hv1', ssh: { hostname: 'hv1' }, deploy: { mode: 'remote' }, vms: [{ name: 'vm1' }, { name: 'vm2' }] }] }),
    'test',
  );
  const audit = new MemoryAudit();
  const transport = new ScriptedTransport();
  const rt = { inventory: inv, transport, guard: new ActionGuard(inv, audit) } as unknown as Runtime;
  const store = createStore(undefined, { schedule: (fn) => fn() });
  store.dispatch({ type: 'hosts/init', hosts: [{ name: 'hv1', vms: ['vm1', 'vm2'].map((name) => ({ name, role: 'desktop', unit: `microvm@${name}` })) }] });
  store.dispatch({ type: 'ui/select', ref: { host: 'hv1', vm: 'vm1' } });
  const c = createController({ store, keymap: buildKeymap() });
  registerCoreHandlers(c);
  const cleanup = registerDeployHandlers(c, { ...serviceDeployDeps(rt), flushMs: 1 });
  let quits = 0;
  /** What was recorded when the UI was told to quit: the run's end must come first. */
  const atQuit: Array<{ phase?: string; audited: number }> = [];
  c.onQuit(() => {
    quits++;
    atQuit.push({ phase: store.getState().deploy.run?.phase, audited: audit.entries.length });
  });
  const dialog = () => store.getState().ui.dialog;
  /** Starts a deploy, confirms it, closes its pane: it runs on in the background with the grid in front. */
  const deployInBackground = async () => {
    const done = c.run('host.deploy', 'grid');
    await tick();
    await c.run('dialog.confirm');
    await tick();
    transport.streams[0]!.handlers.onLine('building the system configuration...');
    await c.run('deploy.close', 'deploy');
    expect(store.getState().ui.activePane).toBeNull();
    return { done };
  };
  return { store, c, transport, audit, cleanup, dialog, deployInBackground, quits: () => quits, atQuit };
}

describe('quitting while a deploy runs', () => {
  it('q asks y/N; n and enter both leave the deploy running and the UI open', async () => {
    const w = world();
    const { done } = await w.deployInBackground();
    for (const answer of ['dialog.cancel', 'dialog.enter']) {
      const q = w.c.run('app.quit', 'grid');
      await tick();
      expect(w.dialog()).toMatchObject({ title: 'A deploy is running on hv1: quit and cancel it? y/N' });
      await w.c.run(answer);
      await q;
      expect(w.dialog()).toBeNull();
      expect(w.quits()).toBe(0);
      expect(w.transport.streams[0]!.cancelled).toBe(false);
      expect(w.store.getState().deploy.run).toMatchObject({ phase: 'running', cancelling: false });
    }
    expect(w.audit.entries).toEqual([]);
    w.transport.streams[0]!.end({ code: 0 });
    await done;
  });

  it('y cancels it as the pane does, and quits only once it has ended and is audited as cancelled', async () => {
    const w = world();
    const { done } = await w.deployInBackground();
    const q = w.c.run('app.quit', 'grid');
    await tick();
    await w.c.run('dialog.confirm');
    await q;
    await done;
    expect(w.transport.streams[0]!.cancelled).toBe(true);
    expect(w.store.getState().deploy.run?.phase).toBe('cancelled');
    expect(w.audit.entries).toMatchObject([{ action: 'host.deploy', target: 'hv1', outcome: 'cancelled' }]);
    expect(w.atQuit).toEqual([{ phase: 'cancelled', audited: 1 }]);

    // the pane's own Ctrl-C leaves the same audit entry
    const p = world();
    const { done: pdone } = await p.deployInBackground();
    p.store.dispatch({ type: 'ui/paneFocus', id: DEPLOY_PANE });
    p.store.dispatch({ type: 'ui/paneOpen', pane: { id: DEPLOY_PANE, kind: 'deploy', scope: 'deploy' } });
    const i = p.c.run('app.interrupt', 'deploy');
    await tick();
    await p.c.run('dialog.confirm');
    await i;
    await pdone;
    const strip = (e: object) => ({ ...e, time: 0, durationMs: 0 });
    expect(p.audit.entries.map(strip)).toEqual(w.audit.entries.map(strip));
    expect(p.quits()).toBe(0);
  });

  it('Ctrl-C on the bare grid asks the same question (a runner update too)', async () => {
    const w = world();
    const done = w.c.run('vm.update', 'grid');
    await tick();
    await w.c.run('dialog.confirm');
    await tick();
    await w.c.run('deploy.close', 'deploy');
    const q = w.c.run('app.interrupt', 'grid');
    await tick();
    expect(w.dialog()?.title).toBe('A runner update of vm1 is running on hv1: quit and cancel it? y/N');
    await w.c.run('app.interrupt'); // a second Ctrl-C answers no
    await q;
    expect(w.quits()).toBe(0);
    expect(w.store.getState().deploy.run?.phase).toBe('running');
    w.transport.streams[0]!.end({ code: 0 });
    await done;
  });

  it('with nothing running, q quits at once; the cleanup (SIGTERM/SIGHUP too) cancels a run and waits for its audit', async () => {
    const idle = world();
    await idle.c.run('app.quit', 'grid');
    expect(idle.quits()).toBe(1);
    expect(idle.dialog()).toBeNull();

    const w = world();
    const { done } = await w.deployInBackground();
    await w.cleanup();
    expect(w.audit.entries).toMatchObject([{ action: 'host.deploy', outcome: 'cancelled' }]);
    await done;
  });
});
