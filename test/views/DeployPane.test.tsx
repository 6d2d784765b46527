import { readFileSync } from 'node:fs';
import { afterEach, expect, it } from 'vitest';
import { resolveInventory } from '../../src/config/resolve.js';
import { inventorySchema } from '../../src/config/schema.js';
import { registerDeployHandlers, serviceDeployDeps } from '../../src/controller/deploy.js';
import { MemoryAudit } from '../../src/services/audit.js';
import { ActionGuard } from '../../src/services/guard.js';
import type { Runtime } from '../../src/services/runtime.js';
import { ScriptedTransport } from '../helpers/scripted-transport.js';
import { FIVE, host, setup, vm } from './setup.js';

// The deploy pane inside the app, with the real ActionService over a scripted transport (remote-mode deploy,
// as in the lab): D and u confirm naming the exact command, stream the output, end in a word and an exit
// code; Ctrl-C asks and then closes the channel; q asks before it ends a run in the background; an update is
// followed by the offered restart.

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

const REBUILD = readFileSync(new URL('../fixtures/nixos-rebuild/switch-flake-success-25.11.txt', import.meta.url), 'utf8').trimEnd().split('\n');

const inventory = resolveInventory(
  inventorySchema.parse({
    hosts: [
      {
        name: 'hv1',
        ssh: { hostname: 'hv1' },
        deploy: { mode: 'remote', command: '/usr/local/sbin/lab-deploy' },
        vms: FIVE.map((name) => ({ name })),
      },
    ],
  }),
  'test',
);

const show = (active: string, sub: string) => `ActiveState=${active}\nSubState=${sub}\nResult=success\nConditionResult=yes\nNRestarts=0\n`;

function app(opts: { readOnly?: boolean; rows?: number } = {}) {
  const t = setup({ cols: 140, rows: opts.rows ?? 40, readOnly: opts.readOnly });
  const transport = new ScriptedTransport();
  const audit = new MemoryAudit();
  const runtime = { inventory, transport, guard: new ActionGuard(inventory, audit, Boolean(opts.readOnly)), audit, close: async () => {} } as unknown as Runtime;
  const refreshed: string[] = [];
  const off = registerDeployHandlers(t.controller, { ...serviceDeployDeps(runtime, (h) => refreshed.push(h)), flushMs: 5 });
  cleanup = () => {
    off();
    t.r.unmount();
  };
  const until = async (n: number) => {
    for (let i = 0; i < 200 && transport.streams.length < n; i++) await new Promise((r) => setTimeout(r, 5));
    expect(transport.streams.length).toBe(n);
    return transport.streams[n - 1]!;
  };
  return { ...t, transport, audit, refreshed, until };
}

it('D confirms with the host and exact command, streams the lines, and a failure says FAILED with exit 1 and keeps the output', async () => {
  const t = app();
  await t.r.waitFor('vm1');
  await t.r.press('D');
  const dialog = await t.r.waitFor('Deploy the hypervisor hv1?');
  expect(dialog).toContain("$ cd /root/simple-microvm-infra && /usr/local/sbin/lab-deploy");
  expect(t.transport.streams).toHaveLength(0); // nothing runs before the answer
  await t.r.press('y');
  const s = await t.until(1);
  expect(s.command).toBe("cd /root/simple-microvm-infra && /usr/local/sbin/lab-deploy");
  for (const l of REBUILD.slice(0, 3)) s.handlers.onLine(l);
  const running = await t.r.waitFor('activating the configuration...');
  expect(running).toContain('deploy of hv1 running');
  expect(running).toContain('building the system configuration...');
  expect(running).not.toContain('FAILED');
  for (const l of REBUILD.slice(3)) s.handlers.onLine(l);
  s.handlers.onLine('error: activation script failed');
  s.end({ code: 1 });
  const done = await t.r.waitFor('FAILED');
  expect(done).toMatch(/FAILED deploy of hv1 exit 1 after \d+\.\d s/);
  expect(done).toContain('error: activation script failed');
  expect(done).toMatch(/deploy of hv1: FAILED, failed with exit code 1/); // the status line too
  expect(done).not.toContain('r restart'); // nothing to restart after a deploy: not even a hint
  // the full output stays: scroll back to the first line
  expect(done).not.toContain('building the system configuration...');
  await t.r.press(...Array<string>(20).fill('up'));
  expect(t.r.lastFrame()).toContain('building the system configuration...');
  await t.r.press('G');
  expect(t.r.lastFrame()).toContain('error: activation script failed');
  expect(t.audit.entries).toMatchObject([{ host: 'hv1', action: 'host.deploy', outcome: 'failed', command: "cd /root/simple-microvm-infra && /usr/local/sbin/lab-deploy" }]);
}, 15_000);

it('a successful deploy ends ok with exit 0; n at the confirmation runs nothing', async () => {
  const t = app();
  await t.r.waitFor('vm1');
  await t.r.press('D');
  await t.r.waitFor('Deploy the hypervisor hv1?');
  await t.r.press('n');
  await t.r.waitFor('deploy cancelled');
  expect(t.transport.streams).toHaveLength(0);
  expect(t.audit.entries).toHaveLength(0);
  await t.r.press('D', 'y');
  const s = await t.until(1);
  for (const l of REBUILD) s.handlers.onLine(l);
  s.end({ code: 0 });
  const done = await t.r.waitFor(/ok deploy of hv1 exit 0/);
  expect(done).toContain('Done. The new configuration is /nix/store/pwik9pzjmyk8pfsbq35bslic6lx8gdxs');
  expect(done).not.toContain('FAILED');
  expect(t.audit.entries).toMatchObject([{ action: 'host.deploy', outcome: 'ok' }]);
  expect(t.refreshed).toEqual(['hv1']);
});

it('Ctrl-C in the deploy pane asks, and only a yes closes the channel; the run ends CANCELLED', async () => {
  const t = app();
  await t.r.waitFor('vm1');
  await t.r.press('D', 'y');
  const s = await t.until(1);
  s.handlers.onLine('building the system configuration...');
  await t.r.waitFor('deploy of hv1 running');
  await t.r.press('ctrl-c');
  await t.r.waitFor('Cancel the deploy of hv1?');
  await t.r.press('n');
  await t.r.waitFor((f) => !f.includes('Cancel the deploy'));
  expect(s.cancelled).toBe(false);
  expect(t.quits()).toBe(0);
  await t.r.press('ctrl-c');
  await t.r.waitFor('Cancel the deploy of hv1?');
  await t.r.press('y');
  const f = await t.r.waitFor('CANCELLED deploy of hv1');
  expect(s.cancelled).toBe(true);
  expect(f).toContain('building the system configuration...');
  expect(t.audit.entries).toMatchObject([{ action: 'host.deploy', outcome: 'cancelled' }]);
  // with the run over, Ctrl-C is back to closing/quitting
  expect(t.quits()).toBe(0);
});

it('the running pane says where ctrl-c goes: here it cancels; after tab to the grid it asks to quit', async () => {
  const t = app();
  await t.r.waitFor('vm1');
  await t.r.press('D', 'y');
  const s = await t.until(1);
  s.handlers.onLine('building the system configuration...');
  await t.r.waitFor('ctrl-c cancels it · esc hide (it keeps running)');
  await t.r.press('tab');
  await t.r.waitFor('tab to this pane, then ctrl-c cancels it (ctrl-c elsewhere asks to quit)');
  await t.r.press('ctrl-c');
  await t.r.waitFor('A deploy is running on hv1: quit and cancel it?');
  await t.r.press('n');
  await t.r.press('tab');
  await t.r.waitFor('ctrl-c cancels it · esc hide');
  await t.r.press('ctrl-c');
  await t.r.waitFor('Cancel the deploy of hv1?');
  await t.r.press('y');
  await t.r.waitFor('CANCELLED deploy of hv1');
  expect(s.cancelled).toBe(true);
});

it('esc hides a running deploy without stopping it; D shows it again, still streaming', async () => {
  const t = app();
  await t.r.waitFor('vm1');
  await t.r.press('D', 'y');
  const s = await t.until(1);
  s.handlers.onLine('building the system configuration...');
  await t.r.waitFor('deploy of hv1 running');
  await t.r.press('escape');
  const hidden = await t.r.waitFor('goes on in the background');
  expect(hidden).not.toContain('building the system configuration...');
  s.handlers.onLine('activating the configuration...');
  await t.r.press('D');
  const shown = await t.r.waitFor('activating the configuration...');
  expect(shown).toContain('building the system configuration...');
  expect(shown).not.toContain('Deploy the hypervisor hv1?'); // no second deploy
  expect(t.transport.streams).toHaveLength(1);
  expect(s.cancelled).toBe(false);
  s.end({ code: 0 });
  await t.r.waitFor(/ok deploy of hv1/);
});

it('q with the deploy in the background asks y/N (enter answers no); y cancels it and then quits', async () => {
  const t = app();
  await t.r.waitFor('vm1');
  await t.r.press('D', 'y');
  const s = await t.until(1);
  await t.r.waitFor('deploy of hv1 running');
  await t.r.press('escape');
  await t.r.waitFor('goes on in the background');
  await t.r.press('q');
  const asked = await t.r.waitFor('quit and cancel it? y/N');
  expect(asked).toContain('A deploy is running on hv1: quit and cancel it? y/N');
  expect(asked).toContain('y confirm · n/esc/enter cancel');
  await t.r.press('return');
  await t.r.waitFor((f) => !f.includes('quit and cancel it?'));
  expect(t.quits()).toBe(0);
  expect(s.cancelled).toBe(false);
  await t.r.press('q');
  await t.r.waitFor('quit and cancel it? y/N');
  await t.r.press('y');
  for (let i = 0; i < 100 && !t.quits(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(s.cancelled).toBe(true);
  expect(t.quits()).toBe(1);
  expect(t.audit.entries).toMatchObject([{ action: 'host.deploy', outcome: 'cancelled' }]);
});

it('u streams the runner rebuild, then offers the restart, which restarts the VM', async () => {
  const t = app();
  await t.r.waitFor('vm1');
  await t.r.press('right', 'right', 'u');
  const dialog = await t.r.waitFor('Update the runner of vm3 on hv1?');
  // the exact command, cut at spaces into lines that fit the dialog
  expect(dialog).toContain("$ cd /root/simple-microvm-infra && nix build");
  expect(dialog).toContain("'.#nixosConfigurations.vm3.config.microvm.declaredRunner' -o");
  expect(dialog).toContain('/var/lib/microvms/vm3/current');
  // the poller would now see current != booted
  t.transport.on('readlink', { stdout: '/nix/store/bbb-microvm-vm3\n/nix/store/aaa-microvm-vm3\n' });
  t.transport.on('systemctl restart', {}).on('systemctl show', { stdout: show('active', 'running') });
  await t.r.press('y');
  const s = await t.until(1);
  s.handlers.onLine("building '/nix/store/bbb-microvm-vm3.drv'...");
  await t.r.waitFor('runner update of vm3 on hv1 running');
  s.end({ code: 0 });
  await t.r.waitFor('restart needed: vm3 · r restart now');
  // the poller's next status: current != booted
  t.store.dispatch({ type: 'hosts/status', status: host('hv1', FIVE.map((n) => vm(n, n === 'vm3' ? { outdated: true, current: '/nix/store/bbb-microvm-vm3' } : {}))), at: Date.now() });
  const after = await t.r.waitFor('RESTART NEEDED');
  expect(after).toMatch(/ok runner update of vm3 on hv1 exit 0/);
  expect(after).toContain('vm3: restart needed to apply the update (r in the deploy pane)');
  expect(t.refreshed).toEqual(['hv1']);
  await t.r.press('r');
  const offer = await t.r.waitFor('Restart vm3 now to apply it?');
  expect(offer).toContain('hv1: systemctl restart microvm@vm3');
  expect(t.transport.sent.some((x) => x.command.startsWith('systemctl restart'))).toBe(false);
  await t.r.press('y');
  const applied = await t.r.waitFor('restarted vm3 on hv1: the update is applied');
  expect(applied).not.toContain('r restart'); // the offer is gone with its key
  expect(t.transport.sent.filter((x) => x.command.startsWith('systemctl restart')).map((x) => x.command)).toEqual(['systemctl restart microvm@vm3']);
  expect(t.audit.entries.map((e) => [e.action, e.target, e.outcome])).toEqual([
    ['vm.update', 'vm3', 'ok'],
    ['vm.restart', 'vm3', 'ok'],
  ]);
});

it('u on marked VMs is one confirmation and one pane; declining the restart leaves a note', async () => {
  const t = app();
  await t.r.waitFor('vm1');
  await t.r.press('space', 'space', 'u');
  const dialog = await t.r.waitFor('Update the runner of vm1, vm2 on hv1?');
  expect(dialog).toContain('vm1.config.microvm.declaredRunner');
  expect(dialog).toContain('vm2.config.microvm.declaredRunner');
  t.transport.on('readlink', { stdout: '/nix/store/new\n/nix/store/old\n' });
  await t.r.press('y');
  (await t.until(1)).end({ code: 0 });
  (await t.until(2)).end({ code: 0 });
  await t.r.waitFor('restart needed: vm1, vm2 · r restart now');
  await t.r.press('r');
  await t.r.waitFor('Restart vm1, vm2 now to apply it?');
  await t.r.press('n');
  const f = await t.r.waitFor('vm1, vm2: restart needed to apply the update (r restarts it)');
  expect(f).toContain('restart needed: vm1, vm2 · r restart now'); // still offered
  expect(t.transport.sent.some((x) => x.command.startsWith('systemctl restart'))).toBe(false);
  expect(t.audit.entries.map((e) => e.target)).toEqual(['vm1', 'vm2']);
});

it('an update whose runner did not change offers no restart; a failed one says FAILED', async () => {
  const t = app();
  await t.r.waitFor('vm1');
  t.transport.on('readlink', { stdout: '/nix/store/same\n/nix/store/same\n' });
  await t.r.press('u', 'y');
  (await t.until(1)).end({ code: 0 });
  const same = await t.r.waitFor('runner unchanged, no restart needed');
  expect(same).not.toContain('r restart now');
  await t.r.press('escape', 'u', 'y');
  const s = await t.until(2);
  s.handlers.onLine('error: flake has no nixosConfigurations.vm1');
  s.end({ code: 1 });
  const f = await t.r.waitFor('FAILED runner update of vm1');
  expect(f).toContain('exit 1');
  expect(f).not.toContain('now to apply it?');
});

it('read-only: D and u are hidden, refused before any confirmation, and nothing is sent', async () => {
  const t = app({ readOnly: true });
  const grid = await t.r.waitFor('vm1');
  expect(grid).not.toMatch(/D deploy|u update/);
  await t.r.press('D');
  await t.r.waitFor('read-only');
  await t.r.press('u');
  await t.r.settle();
  expect(t.r.lastFrame()).not.toMatch(/Deploy the hypervisor|Update the runner/);
  expect(t.transport.sent).toEqual([]);
  await t.r.press('?');
  const help = await t.r.waitFor('Help');
  expect(help).not.toContain('Deploy the hypervisor (nixos-rebuild switch)');
});

it('read-only at the service: a deploy asked for directly is refused and audited', async () => {
  const transport = new ScriptedTransport();
  const audit = new MemoryAudit();
  const runtime = { inventory, transport, guard: new ActionGuard(inventory, audit, true), audit, close: async () => {} } as unknown as Runtime;
  const deps = serviceDeployDeps(runtime);
  await expect(deps.deploy('hv1', {})).rejects.toThrow(/read-only/);
  await expect(deps.update('hv1', 'vm1', {})).rejects.toThrow(/read-only/);
  expect(transport.sent).toEqual([]);
  expect(audit.entries.map((e) => [e.action, e.outcome])).toEqual([
    ['host.deploy', 'refused'],
    ['vm.update', 'refused'],
  ]);
});
