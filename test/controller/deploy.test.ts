import { describe, expect, it } from 'vitest';
import { resolveInventory } from '../../src/config/resolve.js';
import { inventorySchema } from '../../src/config/schema.js';
import { commandLines, registerDeployHandlers, serviceDeployDeps, type DeployDeps } from '../../src/controller/deploy.js';
import { createController, registerCoreHandlers } from '../../src/controller/index.js';
import { buildKeymap } from '../../src/keymap/index.js';
import { MemoryAudit } from '../../src/services/audit.js';
import type { RunOptions, RunResult } from '../../src/services/deploy.js';
import { ActionGuard } from '../../src/services/guard.js';
import type { Runtime } from '../../src/services/runtime.js';
import { createStore } from '../../src/store/index.js';
import { DEPLOY_MAX_LINES, deployReducer, initialDeploy } from '../../src/store/slices/deploy.js';
import { ScriptedTransport } from '../helpers/scripted-transport.js';

// The deploy controller without the screen: what the confirmation names in local mode, the bounded buffer,
// scrolling that holds still while lines arrive, a cancel in the middle of a multi-VM update, and the
// background note when a run ends with its pane closed.

const tick = () => new Promise<void>((r) => setImmediate(r));

function world(deps: Partial<DeployDeps> = {}) {
  const store = createStore(undefined, { schedule: (fn) => fn() });
  store.dispatch({ type: 'hosts/init', hosts: [{ name: 'hv1', vms: ['vm1', 'vm2', 'vm3'].map((name) => ({ name, role: 'desktop', unit: `microvm@${name}` })) }] });
  const c = createController({ store, keymap: buildKeymap() });
  registerCoreHandlers(c);
  const runs: Array<{ what: string; opts: RunOptions; end(r: Partial<RunResult>): void }> = [];
  const pending = (what: string, opts: RunOptions) =>
    new Promise<RunResult>((resolve) => {
      const end = (r: Partial<RunResult>) => resolve({ code: 0, lastLines: [], durationMs: 1000, cancelled: false, ...r });
      runs.push({ what, opts, end });
      opts.signal?.addEventListener('abort', () => end({ code: null, cancelled: true }));
    });
  const off = registerDeployHandlers(c, {
    deploy: (h, o) => pending(`deploy ${h}`, o),
    update: (h, vm, o) => pending(`update ${vm}`, o),
    links: async () => ({ current: '/nix/store/b', booted: '/nix/store/a', outdated: true }),
    restart: async (_h, vms) => vms.map((vm) => ({ vm, ok: true, message: `${vm}: restarted` })),
    deployCommand: (h) => `deploy-cmd ${h}`,
    updateCommand: (h, vm) => `update-cmd ${vm}`,
    flushMs: 1,
    ...deps,
  });
  const dialog = () => store.getState().ui.dialog;
  const answer = async (ok: boolean) => {
    await tick();
    c.answerDialog(ok);
    await tick();
  };
  return { store, c, runs, off, dialog, answer };
}

describe('confirmation', () => {
  it('local mode names nixos-rebuild with --target-host and NIX_SSHOPTS carrying the key, cut into lines that fit', () => {
    const inv = resolveInventory(
      inventorySchema.parse({
        hosts: [{ name: 'hv1', ssh: { hostname: 'hv1.example', identityFile: '~/.ssh/rw-ssh-key' }, flake: '~/src/infra', vms: [{ name: 'vm1' }] }],
      }),
      'test',
    );
    const rt = { inventory: inv, transport: new ScriptedTransport(), guard: new ActionGuard(inv, new MemoryAudit()) } as unknown as Runtime;
    const cmd = serviceDeployDeps(rt, undefined, { HOME: '/home/op' }).deployCommand('hv1');
    expect(cmd).toBe("cd /home/op/src/infra && NIX_SSHOPTS='-i /home/op/.ssh/rw-ssh-key' nixos-rebuild switch --flake '.#hypervisor' --target-host root@hv1.example");
    const lines = commandLines(cmd);
    expect(lines.every((l) => l.length <= 70)).toBe(true);
    expect(lines.map((l) => l.trim()).join(' ')).toBe(`$ ${cmd}`);
  });

  it('a word longer than a line is cut, nothing lost', () => {
    const long = `/nix/store/${'x'.repeat(150)}`;
    const lines = commandLines(long, 40);
    expect(lines.length).toBeGreaterThan(3);
    expect(lines.map((l, i) => (i ? l.trimStart() : l)).join('')).toBe(`$ ${long}`);
  });
});

describe('the run', () => {
  it('lines reach the pane in order and the outcome is kept; closed meanwhile, the status line says where to look', async () => {
    const w = world();
    const done = w.c.run('host.deploy', 'grid');
    await w.answer(true);
    const r = w.runs[0]!;
    expect(r.what).toBe('deploy hv1');
    for (let i = 0; i < 50; i++) r.opts.onLine?.(`line ${i}`, { stream: 'stderr', elapsedMs: i });
    w.c.run('deploy.close', 'deploy');
    await tick();
    expect(w.store.getState().ui.status?.text).toBe('deploy of hv1 goes on in the background (D shows it)');
    expect(w.store.getState().deploy.run?.phase).toBe('running');
    r.end({ code: 2, lastLines: ['line 49'] });
    await done;
    const s = w.store.getState();
    expect(s.deploy.lines).toEqual(Array.from({ length: 50 }, (_, i) => `line ${i}`));
    expect(s.deploy.run).toMatchObject({ phase: 'failed', code: 2, lastLines: ['line 49'] });
    expect(s.ui.status).toMatchObject({ kind: 'error', text: 'deploy of hv1: FAILED, failed with exit code 2 after 1.0 s (D shows its output)' });
    // D after a finished run asks for a new one
    void w.c.run('host.deploy', 'grid');
    await tick();
    expect(w.dialog()?.title).toBe('Deploy the hypervisor hv1?');
    await w.answer(false);
  });

  it('Ctrl-C in the middle of a marked update cancels the running VM and skips the rest', async () => {
    const w = world();
    for (const vm of ['vm1', 'vm2', 'vm3']) w.store.dispatch({ type: 'ui/toggleMark', ref: { host: 'hv1', vm } });
    const done = w.c.run('vm.update', 'grid');
    await w.answer(true);
    w.runs[0]!.end({ code: 0 });
    await tick();
    expect(w.runs.map((r) => r.what)).toEqual(['update vm1', 'update vm2']);
    const interrupted = w.c.run('app.interrupt', 'deploy');
    await tick();
    expect(w.dialog()?.title).toBe('Cancel the runner update of vm1, vm2, vm3 on hv1?');
    await w.answer(true);
    await interrupted;
    await done;
    expect(w.runs.map((r) => r.what)).toEqual(['update vm1', 'update vm2']);
    expect(w.runs[1]!.opts.signal?.aborted).toBe(true);
    const s = w.store.getState();
    expect(s.deploy.run?.phase).toBe('cancelled');
    expect(s.deploy.lines).toEqual(['── vm1', '── vm2']);
    // vm1 was updated before the cancel: its restart is still offered
    expect(s.deploy.restartOffer).toEqual([{ host: 'hv1', vm: 'vm1' }]);
  });

  it('Ctrl-C with no run in front falls back to the usual: quit on the bare grid', async () => {
    const w = world();
    let quit = 0;
    w.c.onQuit(() => quit++);
    await w.c.run('app.interrupt', 'grid');
    expect(quit).toBe(1);
    expect(w.dialog()).toBeNull();
  });

  it('a refused run (read-only at the service) ends FAILED with the reason, not a stuck spinner', async () => {
    const inv = resolveInventory(inventorySchema.parse({ hosts: [{ name: 'hv1', ssh: { hostname: 'hv1' }, vms: [{ name: 'vm1' }] }] }), 'test');
    const audit = new MemoryAudit();
    const rt = { inventory: inv, transport: new ScriptedTransport(), guard: new ActionGuard(inv, audit, true) } as unknown as Runtime;
    const w = world({ ...serviceDeployDeps(rt), flushMs: 1 });
    const done = w.c.run('vm.update', 'grid'); // the UI is not read-only here: only the service refuses
    await w.answer(true);
    await done;
    const s = w.store.getState();
    expect(s.deploy.run?.phase).toBe('failed');
    expect(s.deploy.lines.join('\n')).toMatch(/read-only/);
    expect(audit.entries).toMatchObject([{ action: 'vm.update', outcome: 'refused' }]);
  });
});

describe('the buffer', () => {
  const start = deployReducer(initialDeploy, { type: 'deploy/start', run: { id: 1, kind: 'deploy', host: 'hv1', vms: [], commands: ['x'], startedAt: 0 } });
  it('keeps the newest lines and counts the dropped ones', () => {
    let s = start;
    for (let i = 0; i < DEPLOY_MAX_LINES + 250; i += 50) s = deployReducer(s, { type: 'deploy/lines', id: 1, lines: Array.from({ length: 50 }, (_, j) => `l${i + j}`) });
    expect(s.lines).toHaveLength(DEPLOY_MAX_LINES);
    expect(s.dropped).toBe(250);
    expect(s.lines[0]).toBe('l250');
  });
  it('scrolled back, new lines do not move the view; G follows again; a stale run id is ignored', () => {
    let s = deployReducer(start, { type: 'deploy/lines', id: 1, lines: ['a', 'b', 'c'] });
    s = deployReducer(s, { type: 'deploy/scroll', delta: -2 });
    expect(s.back).toBe(2);
    s = deployReducer(s, { type: 'deploy/lines', id: 1, lines: ['d', 'e'] });
    expect(s.lines.slice(0, s.lines.length - s.back)).toEqual(['a']);
    s = deployReducer(s, { type: 'deploy/lines', id: 99, lines: ['other'] });
    expect(s.lines).toEqual(['a', 'b', 'c', 'd', 'e']);
    s = deployReducer(s, { type: 'deploy/follow' });
    expect(s.back).toBe(0);
    s = deployReducer(s, { type: 'deploy/scroll', delta: 5 });
    expect(s.back).toBe(0);
  });
});
