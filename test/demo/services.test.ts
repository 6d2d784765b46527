import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { auditCommand } from '../../src/commands/audit.js';
import { AuditLog, defaultAuditPath, demoAuditPath } from '../../src/services/audit.js';
import { commandContext } from '../helpers/command-context.js';
import { openDemoRuntime, type DemoRuntime } from '../../src/demo/runtime.js';
import { ActionService } from '../../src/services/actions.js';
import { tailLogs } from '../../src/services/logs/tail.js';
import { executeRollback, planRollback } from '../../src/services/rollback.js';
import { SnapshotService } from '../../src/services/snapshots.js';
import { parseZfsGet } from '../../src/parsers/index.js';

// The app's services against the demo, through `openDemoRuntime` (what `mvm-tui --demo` opens): the real
// SSH transport on loopback, the guard and the audit log. Actions run 20x faster than in the demo proper.

let rt: DemoRuntime;
const global = { readOnly: false, demo: true, acceptNew: false };
// the demo audits to a file of its own under XDG_STATE_HOME: a directory of this test's
const state = mkdtempSync(join(tmpdir(), 'mvm-demo-state-'));

beforeAll(async () => {
  vi.stubEnv('XDG_STATE_HOME', state);
  rt = await openDemoRuntime(global, { speed: 0.05, crashy: false, heartbeatMs: 500 });
});
afterAll(async () => {
  await rt?.close();
  vi.unstubAllEnvs();
  rmSync(state, { recursive: true, force: true });
});

describe('services against the demo', () => {
  test('restart through the actions service settles and is audited', async () => {
    const actions = new ActionService({ inventory: rt.inventory, transport: rt.transport, guard: rt.guard });
    const [o] = await actions.unitAction('restart', 'demo', ['vm1'], { pollMs: 20 });
    expect(o).toMatchObject({ ok: true, state: { active: 'active', sub: 'running' } });
    const audit = await rt.audit.read();
    expect(audit.at(-1)).toMatchObject({ host: 'demo', target: 'vm1' });
    // to the demo's own log on disk, which `mvm-tui --demo audit` prints; the real log gets nothing
    expect(rt.audit.path).toBe(demoAuditPath());
    expect((await new AuditLog(demoAuditPath()).read()).at(-1)).toMatchObject({ host: 'demo', target: 'vm1', action: 'vm.restart' });
    expect(await new AuditLog(defaultAuditPath()).read()).toEqual([]);
    const c = commandContext({ global: { demo: true } });
    expect(await auditCommand.run(c.c)).toBe(0);
    expect(c.out()).toMatch(/demo\s+vm1\s+vm\.restart\s+ok/);
  });

  test('a runner update makes vm4 outdated, streamed line by line; comin answers', async () => {
    const actions = new ActionService({ inventory: rt.inventory, transport: rt.transport, guard: rt.guard });
    const lines: string[] = [];
    const before = await actions.runnerLinks('demo', 'vm4');
    const r = await actions.updateRunner('demo', 'vm4', { onLine: (l: string) => lines.push(l) });
    expect(r.code).toBe(0);
    expect(lines.some((l) => /building '\/nix\/store\/.*vm4\.drv'/.test(l))).toBe(true);
    const after = await actions.runnerLinks('demo', 'vm4');
    expect(after.current).not.toBe(before.current);
    expect(after.booted).toBe(before.booted);
    expect(await actions.cominStatus('demo')).toMatchObject({ deploymentStatus: 'done' });
  });

  test('a deploy streams nixos-rebuild output from the flake checkout and ends with the new generation', async () => {
    const actions = new ActionService({ inventory: rt.inventory, transport: rt.transport, guard: rt.guard });
    const lines: string[] = [];
    const r = await actions.deploy('demo', { onLine: (l: string) => lines.push(l) });
    expect(r.code).toBe(0);
    expect(lines[0]).toBe('building the system configuration...');
    expect(lines.at(-1)).toMatch(/^Done\. The new configuration is \/nix\/store\/[0-9a-z]{32}-nixos-system-hypervisor-/);
  }, 20_000);

  test("the demo inventory's custom commands run (one in a VM by nested ssh)", async () => {
    const actions = new ActionService({ inventory: rt.inventory, transport: rt.transport, guard: rt.guard });
    const up = await actions.custom('demo', 'uptime', 'vm5');
    expect(up.code).toBe(0);
    expect(up.lastLines.join('\n')).toMatch(/ up .*load average/);
    expect((await actions.custom('demo', 'pool-status')).code).toBe(0);
  });

  test('rollback keeps the old state: vm2 stopped, dataset renamed aside, clone promoted, vm2 started again', async () => {
    const snaps = new SnapshotService({ inventory: rt.inventory, transport: rt.transport, guard: rt.guard });
    // The demo names its nightly snapshots after today's date (YYYYMMDD-0200, one a day for a week): roll
    // back to the third newest, so the two after it are the newer ones, whatever day the test runs.
    const listing = await snaps.list('demo', 'microvms/storage/vm2');
    const nightly = listing.datasets[0]!.snapshots.map((x) => x.name).filter((n) => /^\d{8}-0200$/.test(n)).sort();
    expect(nightly).toHaveLength(7);
    const [target, newer1, newer2] = nightly.slice(-3) as [string, string, string];
    const plan = await planRollback(snaps, 'demo', 'vm2', target);
    expect(plan.newer.map((s) => s.name).sort()).toEqual([newer1, newer2]);
    const res = await executeRollback(snaps, plan);
    expect(res.warnings).toEqual([]);
    expect(res).toMatchObject({ stopped: true, started: true });
    const props = parseZfsGet((await rt.transport.exec({ host: 'demo' }, 'zfs get -H -p -o name,property,value -r origin,mounted microvms/storage')).stdout);
    expect(props.get(plan.preserved)).toMatchObject({ mounted: 'yes' });
    expect(props.has(`${plan.preserved}@${newer2}`)).toBe(true);
    expect(props.get('microvms/storage/vm2')).toMatchObject({ mounted: 'yes', origin: '-' });
    expect((await rt.transport.exec({ host: 'demo' }, 'systemctl is-active microvm@vm2')).stdout).toBe('active\n');
  }, 20_000);

  test('a log tail follows vm5 and stops cleanly', async () => {
    const seen: string[] = [];
    const h = tailLogs(rt.transport, { host: 'demo', unit: 'microvm@vm5', follow: true, lines: 3 }, { onEntries: (b) => seen.push(...b.map((e) => e.message)) }, { batchMs: 10 });
    const deadline = Date.now() + 10_000;
    // The backlog (-n 3), then live lines; vm5's guest also logs the odd warning between heartbeats.
    const heartbeat = /^\[vm5\] heartbeat \d+ uptime=\d+s$/;
    while (!seen.slice(3).some((m) => heartbeat.test(m)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    h.stop();
    await h.done;
    expect(seen.length).toBeGreaterThanOrEqual(4);
    expect(seen.slice(3).some((m) => heartbeat.test(m))).toBe(true);
  }, 15_000);
});
