import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { busUnits, escapeBusPath, eventsCommand } from '../../src/host/events.js';
import { eventGather, linesOf, SECTION_GROUPS, splitSections } from '../../src/host/gather.js';
import { unescapeBusPath } from '../../src/parsers/events.js';
import { roundsCommand, ROUND_END } from '../../src/host/kept-shell.js';
import { parseCounterFiles } from '../../src/parsers/counters.js';
import { parseStatLinks } from '../../src/parsers/stat-links.js';
import { labHost } from '../services/status-fixture.js';

// The event-mode tick's lines (src/host/gather.ts) in a real bash kept across runs, as the hypervisor's kept shell
// runs them (src/ssh/rounds.ts): the counters with only the lines the status reads, and `runners-check`, which
// prints the runner links only when one changed.

let dir = '';
let sh: ChildProcessWithoutNullStreams | null = null;
afterEach(() => {
  sh?.kill();
  sh = null;
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function keptShell(script: string) {
  const p = spawn('bash', ['-c', roundsCommand(script)]);
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

describe('event-mode tick lines in a real shell', () => {
  it('reads load and memory down to MemAvailable; prints the runner links on the first run and when a current link changed, not otherwise', async () => {
    dir = mkdtempSync(join(tmpdir(), 'mvm-evgather-'));
    for (const d of ['a', 'b']) mkdirSync(join(dir, 'store', d), { recursive: true });
    for (const vm of ['vm1', 'vm2']) mkdirSync(join(dir, 'vms', vm), { recursive: true });
    symlinkSync(join(dir, 'store/a'), join(dir, 'vms/vm1/current'));
    symlinkSync(join(dir, 'store/a'), join(dir, 'vms/vm1/booted'));
    const base = labHost();
    const host = { ...base, microvmsDir: join(dir, 'vms'), vms: base.vms.slice(0, 2) };
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
