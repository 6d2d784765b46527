import { readdirSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import type { HostConfig } from '../../src/config/types.js';
import { hostDoctorSections, vmDoctorSections } from '../../src/host/doctor.js';
import { type GatherSection, gatherSections, renderGatherScript, splitSections } from '../../src/host/gather.js';
import { journalctlCommand } from '../../src/host/journal.js';
import { remoteDeployCmd, runnerLinksCmd, runnerUpdateCmd } from '../../src/host/nix.js';
import { shJoin } from '../../src/host/quote.js';
import { unitActionCmd, unitErrorsCmd, unitSettleCmd } from '../../src/host/systemctl.js';
import { listUnitsCmd, unitKnownCmd } from '../../src/host/units.js';
import * as zfs from '../../src/host/zfs.js';
import { killGroupCommand, withPgidReport } from '../../src/host/process-group.js';
import { nestedCommand } from '../../src/host/nested.js';
import { nestedProbeCommand } from '../../src/host/nested-probe.js';
import { hostCommands } from '../../src/demo/cmd/index.js';
import { demoHost, loadDemoHost } from './helpers.js';

// Every remote command the app's builders produce must be answered by the demo, in the demo's healthy
// state, without "command not found", a usage error or "not supported". A builder added to src/host that
// is not listed here fails the first test, so a new command cannot slip through unanswered.

interface Case {
  cmd: string;
  /** Commands run first to put the host in the right state (e.g. stop a VM before renaming its dataset). */
  setup?: string[];
  /** A builder that streams (journalctl -f): run it for a while, then close it. */
  stream?: boolean;
  /** Lines a stream must have printed by then. */
  minLines?: number;
}

const host = loadDemoHost();
const vm = host.vms[0]!;
const ds = vm.dataset;

/** One or more sample command lines per builder. */
const CASES: Record<string, (h: HostConfig) => Case[]> = {
  gatherSections: (h) => sections(gatherSections(h)),
  vmDoctorSections: (h) => h.vms.flatMap((v) => sections(vmDoctorSections(h, v))),
  hostDoctorSections: (h) => sections(hostDoctorSections(h)),
  journalctlCommand: () => [
    { cmd: journalctlCommand({ unit: vm.unit, lines: 5 }) },
    { cmd: journalctlCommand({ unit: vm.unit, since: '15m', lines: 100 }) },
    { cmd: journalctlCommand({ unit: vm.unit, since: '2026-11-26 11:00' }) },
    { cmd: journalctlCommand({ unit: vm.unit, follow: true, lines: 10 }), stream: true, minLines: 11 },
    // A cursor from the lab's journal (another machine): resumed by its time stamp.
    { cmd: journalctlCommand({ unit: vm.unit, follow: true, afterCursor: 's=1c515aead3e041adb3d47a9ef41b2f17;i=81;b=9e0c412ac9524738a2dcf8d01185cec9;m=1a86900f;t=6612cad9478f6;x=ee4ddd505aa1e865' }), stream: true, minLines: 2 },
  ],
  unitActionCmd: () => (['restart', 'stop', 'start'] as const).map((verb) => ({ cmd: unitActionCmd(verb, vm.unit) })),
  unitSettleCmd: () => [{ cmd: unitSettleCmd(vm.unit) }],
  unitErrorsCmd: () => [{ cmd: unitErrorsCmd('microvm@vm3', 5) }],
  listUnitsCmd: () => [{ cmd: listUnitsCmd() }],
  unitKnownCmd: () => [{ cmd: unitKnownCmd('comin') }, { cmd: unitKnownCmd('vm9') }],
  runnerUpdateCmd: (h) => [{ cmd: runnerUpdateCmd(h, h.vms[3]!) }],
  runnerLinksCmd: (h) => [{ cmd: runnerLinksCmd(h, vm) }],
  remoteDeployCmd: (h) => [{ cmd: remoteDeployCmd(h) }],
  zfsListCmd: () => [{ cmd: zfs.zfsListCmd('microvms') }, { cmd: zfs.zfsListCmd(ds) }],
  zfsSnapshotCmd: () => [{ cmd: zfs.zfsSnapshotCmd(ds, '20261126-1200') }, { cmd: zfs.zfsSnapshotCmd('microvms/storage', 'all', { recursive: true }) }],
  zfsDestroySnapshotCmd: () => [{ cmd: zfs.zfsDestroySnapshotCmd(`${ds}@20261119-0200`) }],
  zfsDiffCmd: () => [{ cmd: zfs.zfsDiffCmd(`${ds}@before-upgrade`) }],
  zfsGetMountpointCmd: () => [{ cmd: zfs.zfsGetMountpointCmd(ds) }],
  zfsGetMountedCmd: () => [{ cmd: zfs.zfsGetMountedCmd(ds) }],
  zfsUnmountCmd: () => [{ cmd: zfs.zfsUnmountCmd(ds), setup: [unitActionCmd('stop', vm.unit)] }],
  zfsMountCmd: () => [{ cmd: zfs.zfsMountCmd(ds), setup: [unitActionCmd('stop', vm.unit), zfs.zfsUnmountCmd(ds)] }],
  zfsRenameCmd: () => [{ cmd: zfs.zfsRenameCmd(ds, `${ds}-old`), setup: [unitActionCmd('stop', vm.unit)] }],
  zfsSetMountpointCmd: () => [{ cmd: zfs.zfsSetMountpointCmd(ds, '/var/lib/microvms/vm1-old'), setup: [unitActionCmd('stop', vm.unit)] }],
  zfsCloneCmd: () => [{ cmd: zfs.zfsCloneCmd(`${ds}@before-upgrade`, `${ds}-clone`) }, { cmd: zfs.zfsCloneCmd(`${ds}@before-upgrade`, `${ds}-c2`, '/var/lib/microvms/c2') }],
  zfsPromoteCmd: () => [{ cmd: zfs.zfsPromoteCmd(`${ds}-clone`), setup: [zfs.zfsCloneCmd(`${ds}@before-upgrade`, `${ds}-clone`)] }],
  nestedCommand: (h) => h.vms.map((v) => ({ cmd: nestedCommand(h, v, 'true') })),
  nestedProbeCommand: (h) => [{ cmd: nestedProbeCommand(h, h.vms, 3000) }],
  // Builders that never reach the host's shell: the deploy that runs on this machine.
  localDeployCommand: () => [],
  // The event stream: the demo's inventory has `events: false` (its shell has no event sources).
  eventsCommand: () => [],
  // The SSH layer's wrappers: the group kill needs a live process group (its own test below); the kept shell's
  // loop is a while loop, which the demo's interpreter does not run (the kept shell then execs each refresh).
  killGroupCommand: () => [],
  roundsCommand: () => [],
  // Sent only after a umount or rename said "busy", which the demo's ZFS never says (rollback tests cover it).
  holdersCmd: () => [],
};

function sections(list: GatherSection[]): Case[] {
  return list.map((s) => ({ cmd: shJoin(s.argv) }));
}

/** Matches the naming pattern but reads output rather than building a command. */
const NOT_BUILDERS = new Set(['splitSections']);

const REFUSALS = /command not found|not supported|unrecognized|invalid option|unknown option|usage:|only (runs|builds|answers|sets|changes|writes|greps)/i;

async function run(c: Case): Promise<{ stdout: string; stderr: string; code: number }> {
  const { clock, shell, sh } = demoHost({ crashy: false });
  for (const s of c.setup ?? []) expect(await sh(s), s).toMatchObject({ code: 0 });
  if (!c.stream) return sh(c.cmd);
  let stdout = '';
  let stderr = '';
  const ac = new AbortController();
  const p = shell.run(c.cmd, { out: (t) => (stdout += t), err: (t) => (stderr += t) }, ac.signal);
  await clock.advance(12_000);
  ac.abort();
  await p;
  return { stdout, stderr, code: 0 };
}

describe('the demo answers every command the app builds', () => {
  test('every command builder in src/host is covered here', async () => {
    const builders: string[] = [];
    for (const f of readdirSync(new URL('../../src/host/', import.meta.url))) {
      const mod = (await import(`../../src/host/${f}`)) as Record<string, unknown>;
      for (const [name, v] of Object.entries(mod)) if (typeof v === 'function' && /(Cmd|Command|Sections)$/.test(name) && !NOT_BUILDERS.has(name)) builders.push(name);
    }
    expect(builders.filter((b) => !(b in CASES)), 'add these builders to CASES in test/demo/builders.test.ts').toEqual([]);
    // And every program the gather and doctor scripts call is one the demo implements.
    const programs = new Set([...gatherSections(host), ...hostDoctorSections(host), ...vmDoctorSections(host, vm)].map((s) => s.argv[0]!));
    expect([...programs].filter((p) => !(p in hostCommands))).toEqual([]);
  });

  for (const [name, make] of Object.entries(CASES)) {
    const cases = make(host);
    if (cases.length === 0) continue;
    test(name, async () => {
      for (const c of cases) {
        const r = await run(c);
        expect(`${r.stdout}${r.stderr}`, c.cmd).not.toMatch(REFUSALS);
        expect(r.code, `${c.cmd}\n${r.stderr}`).toBe(0);
        if (c.stream) expect(r.stdout.split('\n').filter(Boolean).length, c.cmd).toBeGreaterThanOrEqual(c.minLines ?? 1);
      }
    });
  }

  test('command lines written inline in services (comin in actions.ts)', async () => {
    expect(await run({ cmd: shJoin(['comin', 'fetch']) })).toMatchObject({ code: 0, stderr: '' });
    const r = await run({ cmd: 'command -v comin >/dev/null 2>&1 || exit 127; comin status --json' });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).deployer.deployment.status).toBe('done');
  });

  test("the SSH layer's own wrappers: the pgid report on streams and the group kill on cancel", async () => {
    const { clock, shell, sh } = demoHost({ crashy: false });
    let err = '';
    let out = '';
    const follow = shell.run(withPgidReport(journalctlCommand({ unit: vm.unit, follow: true, lines: 1 })), { out: (t) => (out += t), err: (t) => (err += t) });
    await clock.advance(6000);
    const pgid = Number(/^mvm-tui-pgid (\d+)\n/.exec(err)?.[1]);
    expect(pgid).toBeGreaterThan(1);
    expect(out.split('\n').filter(Boolean).length).toBeGreaterThanOrEqual(2);
    const k = await sh(killGroupCommand(pgid));
    expect(k).toMatchObject({ code: 0, stderr: '' });
    expect(await follow).toBe(143);
    expect(await sh(killGroupCommand(pgid))).toMatchObject({ code: 0, stderr: '' });
  });

  test('the whole gather script: every section present with rc 0', async () => {
    const { sh } = demoHost();
    const list = gatherSections(host);
    const out = splitSections((await sh(renderGatherScript(list))).stdout);
    for (const s of list) expect(out.get(s.name), s.name).toMatchObject({ rc: 0 });
  });
});
