import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { busUnits, escapeBusPath, eventsCommand } from '../../src/host/events.js';
import { eventGather, linesOf, SECTION_GROUPS, splitSections } from '../../src/host/gather.js';
import { unescapeBusPath } from '../../src/parsers/events.js';
import { roundsCommand, ROUND_END } from '../../src/host/kept-shell.js';
import { parseCounterFiles } from '../../src/parsers/counters.js';
import { parseStatLinks } from '../../src/parsers/stat-links.js';
import { parseSysfsLinks } from '../../src/parsers/ip.js';
import { labHost } from '../services/status-fixture.js';

// The event-mode script's lines (src/host/gather.ts) in a real bash kept across runs, as the hypervisor's kept shell
// runs them (src/ssh/rounds.ts): the counters with only the lines the status reads, `runners-check`, which prints
// the runner links only when one changed, and the whole read's lines that start a process only when needed
// (`systemctl`, `zpool` and `stat` here are scripts on PATH that log each call and answer as the real ones do).

let dir = '';
let sh: ChildProcessWithoutNullStreams | null = null;
afterEach(() => {
  sh?.kill();
  sh = null;
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function keptShell(script: string, env?: NodeJS.ProcessEnv) {
  const p = spawn('bash', ['-c', roundsCommand(script)], env ? { env } : {});
  sh = p;
  let out = '';
  p.stdout.setEncoding('utf8').on('data', (t: string) => (out += t));
  let n = 0;
  return async (lines: number[]) => {
    const token = `t${++n}`;
    out = '';
    p.stdin.write(`${token} ${lines.join(' ')}\n`);
    const mark = `${ROUND_END}${token}\n`;
    while (!out.includes(mark)) await new Promise((r) => setTimeout(r, 5));
    return splitSections(out.slice(0, out.indexOf(mark)));
  };
}

/** Two runner generations under DIR/store and vm1, vm2 under DIR/vms, vm1's current and booted pointing at the
 *  first: the lab host's config with its first two VMs there. */
function runnerTree(dir: string) {
  for (const d of ['a', 'b']) mkdirSync(join(dir, 'store', d), { recursive: true });
  for (const vm of ['vm1', 'vm2']) mkdirSync(join(dir, 'vms', vm), { recursive: true });
  symlinkSync(join(dir, 'store/a'), join(dir, 'vms/vm1/current'));
  symlinkSync(join(dir, 'store/a'), join(dir, 'vms/vm1/booted'));
  const base = labHost();
  return { ...base, microvmsDir: join(dir, 'vms'), vms: base.vms.slice(0, 2) };
}

describe('event-mode tick lines in a real shell', () => {
  it('reads load and memory down to MemAvailable; prints the runner links on the first run and when a current link changed, not otherwise', async () => {
    dir = mkdtempSync(join(tmpdir(), 'mvm-evgather-'));
    const host = runnerTree(dir);
    const g = eventGather(host);
    const run = keptShell(g.script);
    const tick = linesOf(g, SECTION_GROUPS.counters);
    const link = (s: Map<string, { text: string }>, vm: string) => parseStatLinks(s.get('runners')!.text).get(join(dir, 'vms', vm, 'current'));

    const first = await run(tick);
    const files = parseCounterFiles(first.get('counters')!.text);
    expect(files.get('/proc/loadavg')).toMatch(/^\d+\.\d+ \d+\.\d+ \d+\.\d+ \d+\/\d+ \d+\n$/);
    expect(files.get('/proc/meminfo')!.split('\n').filter(Boolean).map((l) => l.split(':')[0])).toEqual(['MemTotal', 'MemFree', 'MemAvailable']);
    expect(link(first, 'vm1')).toBe(join(dir, 'store/a'));
    expect(link(first, 'vm2')).toBeNull(); // no link

    expect((await run(tick)).has('runners')).toBe(false);
    unlinkSync(join(dir, 'vms/vm1/current'));
    symlinkSync(join(dir, 'store/b'), join(dir, 'vms/vm1/current'));
    expect(link(await run(tick), 'vm1')).toBe(join(dir, 'store/b'));
    expect((await run(tick)).has('runners')).toBe(false);
    symlinkSync(join(dir, 'store/a'), join(dir, 'vms/vm2/current')); // a link appears
    expect(link(await run(tick), 'vm2')).toBe(join(dir, 'store/a'));
    rmSync(join(dir, 'vms/vm1/current')); // and one goes
    expect(link(await run(tick), 'vm1')).toBeNull();
    expect((await run(tick)).has('runners')).toBe(false);
  });
});

/** A directory on PATH with `stat` (logs, then the real one), `systemctl` and `zpool` (log, answer from files). */
function fakeTools(root: string): { env: NodeJS.ProcessEnv; calls: () => string[]; answer: (file: string, text: string) => void } {
  const bin = join(root, 'bin');
  mkdirSync(bin);
  const log = join(root, 'calls.log');
  writeFileSync(log, '');
  const tool = (name: string, body: string) => {
    writeFileSync(join(bin, name), `#!/bin/sh\necho "${name} $*" >> ${log}\n${body}\n`);
    chmodSync(join(bin, name), 0o755);
  };
  tool('stat', 'PATH=/usr/bin:/bin exec stat "$@"');
  tool('systemctl', `case "$1" in is-system-running) cat ${root}/state; [ "$(cat ${root}/state)" = running ];; list-units) cat ${root}/failed;; esac`);
  tool('zpool', `case "$1" in list) cat ${root}/zpool-list; exit $(cat ${root}/zpool-list-rc);; status) echo "  pool: tank";; esac`);
  return {
    env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
    calls: () => readFileSync(log, 'utf8').split('\n').filter(Boolean).map((l) => l.split(' ').slice(0, 2).join(' ')),
    answer: (file, text) => writeFileSync(join(root, file), text),
  };
}

describe('event-mode whole-read lines in a real shell', () => {
  it('runners: printed every time, `stat` again only when a current or booted link moved or a link is dangling; runners-check sees current only', async () => {
    dir = mkdtempSync(join(tmpdir(), 'mvm-evgather-'));
    const tools = fakeTools(dir);
    const host = runnerTree(dir);
    const g = eventGather(host);
    const run = keptShell(g.script, tools.env);
    const runners = linesOf(g, ['runners']);
    const tick = linesOf(g, SECTION_GROUPS.counters);
    const stats = () => tools.calls().filter((c) => c.startsWith('stat')).length;
    const booted = (s: Map<string, { text: string }>, vm: string) => parseStatLinks(s.get('runners')!.text).get(join(dir, 'vms', vm, 'booted'));

    const first = await run(runners);
    expect(booted(first, 'vm1')).toBe(join(dir, 'store/a'));
    expect(first.get('runners')!.rc).toBe(1); // vm2 has no links: stat says so, as in the polling script
    expect(stats()).toBe(1);
    expect(booted(await run(runners), 'vm1')).toBe(join(dir, 'store/a')); // printed again, from the kept output
    expect((await run(tick)).has('runners')).toBe(false);
    expect(stats()).toBe(1);
    unlinkSync(join(dir, 'vms/vm1/booted'));
    symlinkSync(join(dir, 'store/b'), join(dir, 'vms/vm1/booted'));
    expect((await run(tick)).has('runners')).toBe(false); // the tick checks current only
    expect(booted(await run(runners), 'vm1')).toBe(join(dir, 'store/b'));
    expect(stats()).toBe(2);
    await run(runners);
    expect(stats()).toBe(2);
    symlinkSync(join(dir, 'store/gone'), join(dir, 'vms/vm2/current')); // dangling: cannot be saved
    await run(tick);
    await run(tick);
    expect(stats()).toBe(4);
  });

  it('system: the failed units only when the state is not running; zpool status only when zpool list failed', async () => {
    dir = mkdtempSync(join(tmpdir(), 'mvm-evgather-'));
    const tools = fakeTools(dir);
    const g = eventGather(labHost());
    const run = keptShell(g.script, tools.env);
    const lines = linesOf(g, ['system', 'failed', ...SECTION_GROUPS.pools.filter((s) => s !== 'zfs')]);
    tools.answer('state', 'running\n');
    tools.answer('failed', '');
    tools.answer('zpool-list', 'tank\t1G\t1M\t1G\tONLINE\n');
    tools.answer('zpool-list-rc', '0');
    let s = await run(lines);
    expect(s.get('system')).toEqual({ text: 'running\n', rc: 0 });
    expect(s.get('failed')).toEqual({ text: '', rc: 0 });
    expect(s.get('zpool-status')).toEqual({ text: '', rc: 0 });
    expect(tools.calls()).toEqual(['systemctl is-system-running', 'zpool list']);
    tools.answer('state', 'degraded\n');
    tools.answer('failed', 'x.service loaded failed failed X\n');
    tools.answer('zpool-list-rc', '1');
    s = await run(lines);
    expect(s.get('system')).toEqual({ text: 'degraded\n', rc: 1 });
    expect(s.get('failed')).toEqual({ text: 'x.service loaded failed failed X\n', rc: 0 });
    expect(s.get('zpool-status')).toEqual({ text: '  pool: tank\n', rc: 0 });
    expect(tools.calls().slice(2)).toEqual(['systemctl is-system-running', 'systemctl list-units', 'zpool list', 'zpool status']);
  });

  it('bridges: read from /sys/class/net, one that does not exist listed by name only', async () => {
    const base = labHost();
    const host = { ...base, vms: [{ ...base.vms[0]!, bridge: 'lo' }, { ...base.vms[1]!, bridge: 'mvm-nobr0' }] };
    const g = eventGather(host);
    const s = (await keptShell(g.script)(linesOf(g, SECTION_GROUPS.links))).get('bridges')!;
    expect(s.rc).toBe(0);
    expect(s.text.split('\n')[1]).toBe('mvm-nobr0   ');
    expect(parseSysfsLinks(s.text)).toEqual([{ name: 'lo', operstate: 'UNKNOWN', flags: ['UP', 'LOWER_UP'], carrier: true }]);
  });
});

describe('the event stream command', () => {
  it("takes the bus signals of the host's own units, Unit interface only, with sd-bus's path escaping", () => {
    const host = labHost();
    const cmd = eventsCommand(host);
    expect(cmd).toContain('--match type=signal,sender=org.freedesktop.systemd1,interface=org.freedesktop.DBus.Properties,member=PropertiesChanged,path=/org/freedesktop/systemd1/unit/microvm_40vm1_2eservice,arg0=org.freedesktop.systemd1.Unit ');
    expect(cmd).toContain('path=/org/freedesktop/systemd1/unit/microvm_2dtap_2dinterfaces_40vm5_2eservice,');
    expect(busUnits(host)).toContain('microvms.target');
    for (const u of busUnits(host)) expect(unescapeBusPath(escapeBusPath(u))).toBe(u);
    expect(escapeBusPath('2fa.service')).toBe('_32fa_2eservice');
    // It ends when the channel's stdin does, and never wakes on a timer.
    expect(cmd).not.toMatch(/sleep/);
    expect(cmd.split('\n').slice(-2)).toEqual(['while read -r mvm_x; do :; done', 'kill 0']);
  });
});
