import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadInventory } from '../../src/config/load.js';
import type { HostConfig, Inventory } from '../../src/config/types.js';
import { createController, type Controller } from '../../src/controller/controller.js';
import { registerDoctorHandlers } from '../../src/controller/doctor.js';
import { registerVmActions } from '../../src/controller/vm-actions.js';
import { fetchHostStatus } from '../../src/services/status.js';
import { buildKeymap } from '../../src/keymap/build.js';
import { ActionService } from '../../src/services/actions.js';
import { MemoryAudit } from '../../src/services/audit.js';
import { checkHostsOverSsh } from '../../src/commands/config.js';
import { diagnoseHost, diagnoseVm, fixCommands } from '../../src/services/doctor.js';
import { ActionGuard } from '../../src/services/guard.js';
import type { Runtime } from '../../src/services/runtime.js';
import { createSshTransport } from '../../src/ssh/index.js';
import type { Transport } from '../../src/ssh/types.js';
import { storeFor } from '../../src/tui.js';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { labRun } from './paths.js';

// An operator's hour on the lab (issue 23): the doctor's fix dialog shows the very lines the audit log then
// records, a failed fix shows its stderr, a failed restart's journal lines are this attempt's only, and the
// bridge check names the bridge. Each test puts back what it broke.

const INVENTORY = labRun('inventory.yaml');
const HOST = 'lab';

let inv: Inventory;
let transport: Transport;
const sh = (command: string) => transport.exec({ host: HOST }, command, { timeoutMs: 30_000 });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor<T>(what: string, get: () => T | undefined | null | false, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = get();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** The lab inventory with the host's remoteFlake set (the lab's runner update runs there). */
function withFlake(remoteFlake: string): Inventory {
  return { ...inv, hosts: inv.hosts.map((h) => ({ ...h, remoteFlake })) };
}

/** A UI without a screen: store, controller and the doctor's handlers on the lab, audited in memory. */
function doctorUi(inventory: Inventory) {
  const audit = new MemoryAudit();
  const guard = new ActionGuard(inventory, audit);
  const runtime = { inventory, transport, guard, audit: undefined, close: async () => {} } as unknown as Runtime;
  const store = storeFor(inventory, false);
  const c: Controller = createController({ store, keymap: buildKeymap({ keys: inventory.keys, custom: [] }) });
  registerDoctorHandlers(c, { runtime });
  return { c, store, audit };
}

/** Opens the doctor on `vm`, puts the cursor on check `id`, presses f and answers y; returns the dialog's commands. */
async function fixThrough(ui: ReturnType<typeof doctorUi>, vm: string, id: string): Promise<string[]> {
  const { c, store } = ui;
  store.dispatch({ type: 'ui/select', ref: { host: HOST, vm } });
  await c.run('host.doctor', 'grid');
  const report = store.getState().doctor.report!;
  const at = report.checks.findIndex((x) => x.id === id);
  expect(at, JSON.stringify(report.checks.map((x) => x.id))).toBeGreaterThanOrEqual(0);
  store.dispatch({ type: 'doctor/move', delta: at - store.getState().doctor.cursor });
  const fixing = c.run('doctor.fix', 'doctor');
  const dialog = await waitFor('the fix dialog', () => store.getState().ui.dialog);
  const shown = dialog.commands ?? [];
  c.answerDialog(true);
  await fixing;
  return shown;
}

beforeAll(async () => {
  inv = await loadInventory({ config: INVENTORY });
  transport = createSshTransport(inv);
});

afterAll(async () => {
  await sh('labctl fix-runner vm5; systemctl stop microvm@vm5; ip link set dev br-vm2 up; true').catch(() => undefined);
  await transport.close();
});

describe.skipIf(!existsSync(INVENTORY))('an operator on the lab (issue 23)', () => {
  it("the doctor's fix dialog shows exactly the commands the audit log then records (a missing runner: update, restart)", async () => {
    await sh('systemctl stop microvm@vm5; labctl break-runner vm5');
    const ui = doctorUi(withFlake('/root'));
    const shown = await fixThrough(ui, 'vm5', 'runner.present');
    // the inventory's updateCommand in remoteFlake, then the restart: not the seed's `nix build ...`
    expect(shown).toEqual(['cd /root && /usr/local/sbin/lab-update-runner vm5', 'systemctl restart microvm@vm5']);
    expect(ui.audit.entries.map((e) => e.command)).toEqual(shown);
    expect(ui.audit.entries.map((e) => e.outcome)).toEqual(['ok', 'ok']);
    expect(ui.store.getState().ui.status?.kind).toBe('ok');
  });

  it('a failed fix shows its stderr in the pane and the status line (whole)', async () => {
    await sh('systemctl stop microvm@vm5; labctl break-runner vm5');
    const ui = doctorUi(withFlake('/root/no-such-flake'));
    const shown = await fixThrough(ui, 'vm5', 'runner.present');
    expect(shown[0]).toBe('cd /root/no-such-flake && /usr/local/sbin/lab-update-runner vm5');
    expect(ui.audit.entries.map((e) => [e.command, e.outcome])).toEqual([[shown[0], 'failed']]);
    const d = ui.store.getState().doctor;
    // bash's own words, as the CLI prints them
    expect(d.notice).toMatch(/runner rebuild failed \(exit 1\): .*cd: \/root\/no-such-flake: No such file or directory/);
    expect(d.output.join('\n')).toMatch(/cd: \/root\/no-such-flake: No such file or directory/);
    expect(ui.store.getState().ui.status).toMatchObject({ kind: 'error', text: expect.stringMatching(/No such file or directory/) });
    await sh('labctl fix-runner vm5');
  });

  it("a restart that is skipped (runner missing) after a crash: the error carries this attempt's journal lines only", async () => {
    await sh('labctl fix-runner vm5; systemctl start microvm@vm5');
    await sleep(1000);
    // a crash: logged at priority 3, Restart=always brings the unit back after RestartSec=5s
    expect((await sh('labctl crash vm5')).code).toBe(0);
    await sleep(500);
    const crashLine = (await sh('journalctl -u microvm@vm5 -p err -n 1 -o cat --no-pager')).stdout.trim();
    expect(crashLine).toMatch(/crash/i);
    await sh('systemctl stop microvm@vm5; labctl break-runner vm5');
    await sleep(3000); // the attempt starts well after the crash
    const actions = new ActionService({ inventory: inv, transport, guard: new ActionGuard(inv, new MemoryAudit()) });
    const [o] = await actions.unitAction('restart', HOST, ['vm5']);
    expect(o!.ok).toBe(false);
    expect(o!.message).toMatch(/skipped: its condition failed/);
    expect(o!.journal.join('\n')).not.toContain(crashLine);

    // the grid's card says RUNNER MISSING (a real refresh): r warns in its confirmation before anything runs
    const ui = doctorUi(inv);
    ui.store.dispatch({ type: 'hosts/status', status: await fetchHostStatus(transport, inv.hosts[0]!), at: Date.now() });
    const ran: string[] = [];
    registerVmActions(ui.c, { run: async (_verb, t) => (ran.push(t.vm), { ok: true }) });
    ui.store.dispatch({ type: 'ui/select', ref: { host: HOST, vm: 'vm5' } });
    const asking = ui.c.run('vm.restart', 'grid');
    const dialog = await waitFor('the restart dialog', () => ui.store.getState().ui.dialog);
    expect(dialog.commands).toEqual(['systemctl restart microvm@vm5']);
    expect(dialog.lines.join('\n')).toMatch(/RUNNER MISSING on vm5: systemd skips the unit/);
    ui.c.answerDialog(false);
    await asking;
    expect(ran).toEqual([]);
    await sh('labctl fix-runner vm5');
  });

  it("a deploy's audit entry names the host as its target, not the flake attribute", async () => {
    const inventory = withFlake('/root');
    const audit = new MemoryAudit();
    const actions = new ActionService({ inventory, transport, guard: new ActionGuard(inventory, audit) });
    const r = await actions.deploy(HOST);
    expect(r.code).toBe(0);
    expect(audit.entries).toMatchObject([{ host: 'lab', target: 'lab', action: 'host.deploy', command: 'cd /root && /usr/local/sbin/lab-deploy', outcome: 'ok' }]);
  });

  it('config check (built CLI) and doctor --host say what the inventory points at is missing on the host', async () => {
    // a remoteFlake the host does not have (as `config init` writes /root/simple-microvm-infra for a host without it)
    const bin = fileURLToPath(new URL('../../bin/mvm-tui', import.meta.url));
    const dir = mkdtempSync(join(tmpdir(), 'mvm-op-'));
    const file = join(dir, 'inventory.yaml');
    writeFileSync(file, readFileSync(INVENTORY, 'utf8').replace(/^(\s+)updateCommand: (.*)$/m, '$1updateCommand: $2\n$1remoteFlake: /root/no-such-flake'));
    const r = await promisify(execFile)(process.execPath, [bin, 'config', 'check', '--config', file], { timeout: 60_000 }).then(
      (x) => ({ code: 0, ...x }),
      (e: { code: number; stdout: string; stderr: string }) => e,
    );
    expect(r.code).toBe(1);
    rmSync(dir, { recursive: true, force: true });
    expect(r.stderr).toContain('lab: [FAIL] /root/no-such-flake: missing');
    expect(r.stderr).toContain('lab: [ok  ] /usr/local/sbin/lab-update-runner: /usr/local/sbin/lab-update-runner');
    expect(r.stderr).toContain('lab: [ok  ] /usr/local/sbin/lab-deploy: /usr/local/sbin/lab-deploy');
    expect(r.stderr).toContain('lab: [ok  ] microvms: imported');
    expect(r.stderr).toContain('lab: [ok  ] ebs-volume-microvm-storage: loaded');
    const report = await diagnoseHost(transport, withFlake('/root/no-such-flake').hosts[0]!);
    expect(report.checks.find((c) => c.id === 'setup.remoteFlake')).toMatchObject({ ok: false, evidence: expect.stringMatching(/^\/root\/no-such-flake: missing/) });
    // everything pointed elsewhere: each named as missing
    const wrong = { ...inv, hosts: inv.hosts.map((h) => ({ ...h, remoteFlake: '/root', updateCommand: '/usr/local/sbin/no-such-updater {vm}', pool: 'nopool', storageUnit: 'no-such-storage' })) };
    const [res] = await checkHostsOverSsh(wrong, { readOnly: false, demo: false, acceptNew: false });
    expect(res && 'checks' in res ? res.checks.map((c) => [c.id, c.ok]) : res).toEqual([
      ['setup.remoteFlake', true],
      ['setup.updateCommand', false],
      ['setup.deployCommand', true],
      ['setup.pool', false],
      ['setup.storageUnit', false],
    ]);
  });

  it("the bridge check names the VM's bridge, and its fix is the command that brings it up", async () => {
    await sh('ip link set dev br-vm2 down');
    const host = inv.hosts[0] as HostConfig;
    const r = await diagnoseVm(transport, host, 'vm2');
    const br = r.checks.find((x) => x.id === 'net.bridge')!;
    expect(br.ok).toBe(false);
    expect(br.evidence).toMatch(/^br-vm2: down/);
    expect(br.fix?.commands).toEqual(['ip link set dev br-vm2 up']);
    expect((await sh(br.fix!.commands[0]!)).code).toBe(0);
    const after = await diagnoseVm(transport, host, 'vm2');
    expect(after.checks.find((x) => x.id === 'net.bridge')!.ok).toBe(true);
    expect(fixCommands(host, host.vms[1])['vm.restart']).toEqual(['systemctl restart microvm@vm2']);
  });
});
