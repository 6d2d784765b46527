import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { makeStatusCommand } from '../../src/commands/status.js';
import { EXIT, UsageError, type CommandContext } from '../../src/commands/types.js';
import { ConfigError } from '../../src/config/load.js';
import { statusReportSchema } from '../../src/model/status.js';
import { ScriptedTransport } from '../helpers/scripted-transport.js';
import { answerVmProbes, isVmProbe } from '../helpers/vm-probes.js';
import { labBaseline, labInventory, labTrouble } from '../services/status-fixture.js';

const NOW = 1795698730 * 1000 + 65_000;
const isGather = (cmd: string) => cmd.includes('@@mvm system');

function sink() {
  let text = '';
  const stream = new Writable({
    write(chunk, _enc, cb) {
      text += String(chunk);
      cb();
    },
  });
  return { stream, text: () => text };
}

async function run(argv: { json?: boolean; host?: string; args?: string[] }, output: string, probe: (vm: string) => number = () => 0) {
  const t = new ScriptedTransport().on(isGather, { stdout: output }).on(isVmProbe, answerVmProbes(probe));
  let closed = false;
  const cmd = makeStatusCommand({
    open: async () => ({ inventory: labInventory(), transport: t, close: async () => void (closed = true) }),
    now: () => NOW,
  });
  const out = sink();
  const err = sink();
  const ctx: CommandContext = {
    global: { readOnly: false, demo: false, acceptNew: false },
    args: argv.args ?? [],
    values: { json: argv.json, host: argv.host },
    stdout: out.stream,
    stderr: err.stream,
  };
  const code = await cmd.run(ctx);
  return { code, stdout: out.text(), stderr: err.text(), closed, sent: t.sent };
}

describe('mvm-tui status', () => {
  it('exits 0 with a table when every host and VM is as it should be (vm4/vm5 not autostarted, down on purpose)', async () => {
    const r = await run({}, labBaseline());
    expect(r.code).toBe(EXIT.ok);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^lab {2}system running {2}load 6\.23 5\.39 3\.12 {2}mem .* {2}pool labmirror ONLINE .* {2}pool microvms ONLINE .* {2}ebs-volume-microvm-storage active$/);
    expect(lines[1]).toMatch(/^ {2}VM +ROLE +STATE +SINCE +RESTARTS +RUNNER +OUTDATED +BRIDGE +SSH +SNAPSHOTS$/);
    expect(lines[3]).toMatch(/^ {2}vm2 +desktop +active\/running +1m5s +0 +present +no +up +yes +3 \(/);
    expect(r.stdout).not.toContain('!');
    expect(r.closed).toBe(true);
  });

  it('exits 1 and says why when a VM needs attention', async () => {
    const r = await run({}, labTrouble(), (vm) => (['vm1', 'vm2', 'vm4', 'vm5'].includes(vm) ? 255 : 0));
    expect(r.code).toBe(EXIT.attention);
    // The SSH column and the problems say why a VM does not answer; a VM whose unit is down is not probed.
    expect(r.stdout).toMatch(/^ {2}vm1 .* no \(ssh failed\) /m);
    expect(r.stdout).toMatch(/^ {2}vm2 .* no \(unit inactive\) /m);
    expect(r.stdout).toContain('  ! vm1: unit activating/auto-restart, bridge no-carrier, no ssh (ssh failed)\n');
    expect(r.stdout).toContain('  ! vm2: unit inactive/dead, bridge no-carrier\n');
    expect(r.stdout).toContain('  ! vm3: restart needed (current != booted)\n');
    expect(r.stdout).toContain('  ! vm5: runner missing\n');
    expect(r.stdout).not.toMatch(/! vm4/);
  });

  it('--json prints a StatusReport that validates, with the fields scripts rely on', async () => {
    const r = await run({ json: true }, labTrouble());
    expect(r.code).toBe(EXIT.attention);
    const report = statusReportSchema.parse(JSON.parse(r.stdout));
    expect(report.generatedAt).toBe(new Date(NOW).toISOString());
    const [host] = report.hosts;
    expect(host).toMatchObject({ name: 'lab', reachable: true, error: null, system: { state: 'running' } });
    expect(host?.pools.map((p) => p.name)).toEqual(['labmirror', 'microvms']);
    const vm5 = host?.vms.find((v) => v.name === 'vm5');
    expect(vm5).toMatchObject({ role: 'incus', unit: 'microvm@vm5', runner: 'missing', outdated: false, reachable: false, dataset: 'microvms/storage/vm5', snapshots: 3 });
    expect(host?.vms.find((v) => v.name === 'vm3')).toMatchObject({ outdated: true, active: 'active', sub: 'running', bridge: 'up' });
  });

  it('exits 1 for an unreachable host and prints its error', async () => {
    const r = await run({}, '');
    expect(r.code).toBe(EXIT.attention);
    expect(r.stdout).toMatch(/^lab {2}UNREACHABLE: lab: status script failed/);
    // what could not be read is unknown, not "no" and "0"
    const row = r.stdout.split('\n').find((l) => /^vm1\b/.test(l.trim()))!;
    const cols = row.trim().split(/\s+/);
    expect(cols.slice(-4)).toEqual(['?', 'unknown', '-', '?']); // OUTDATED BRIDGE SSH SNAPSHOTS
  });

  it('--json gives null, not false and 0, for an unreachable host\'s outdated and snapshots', async () => {
    const r = await run({ json: true }, '');
    const report = statusReportSchema.parse(JSON.parse(r.stdout));
    expect(report.hosts[0]!.vms[0]).toMatchObject({ outdated: null, snapshots: null });
    // and a reachable one still has its facts
    const ok = statusReportSchema.parse(JSON.parse((await run({ json: true }, labBaseline())).stdout));
    expect(ok.hosts[0]!.vms.every((v) => v.outdated !== null && v.snapshots !== null)).toBe(true);
  });

  it('--host picks one host; an unknown host or a stray argument is a usage error', async () => {
    expect((await run({ host: 'lab' }, labBaseline())).code).toBe(EXIT.ok);
    await expect(run({ host: 'nope' }, labBaseline())).rejects.toThrow(UsageError);
    await expect(run({ args: ['extra'] }, labBaseline())).rejects.toThrow(/unexpected argument "extra"/);
  });

  it('exits 2 on a config error', async () => {
    const cmd = makeStatusCommand({
      open: async () => {
        throw new ConfigError('config: /x.yaml: hosts: at least one host', '/x.yaml');
      },
    });
    const err = sink();
    const code = await cmd.run({ global: { readOnly: false, demo: false, acceptNew: false }, args: [], values: {}, stdout: sink().stream, stderr: err.stream });
    expect(code).toBe(EXIT.usage);
    expect(err.text()).toContain('at least one host');
  });
});
