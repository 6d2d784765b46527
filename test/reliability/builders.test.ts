import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseInventoryText } from '../../src/config/load.js';
import type { HostConfig, VmConfig } from '../../src/config/types.js';
import { vmDoctorSections } from '../../src/host/doctor.js';
import { gatherSections, renderGatherScript } from '../../src/host/gather.js';
import { JOURNAL_FIELDS, journalctlCommand, normalizeSince } from '../../src/host/journal.js';
const FIELDS = `--output-fields=${JOURNAL_FIELDS.join(',')}`;
import { expandTemplate, inDir, runnerLinksCmd, runnerUpdateCmd } from '../../src/host/nix.js';
import { shJoin, shq } from '../../src/host/quote.js';
import { SETTLE_PROPS, unitActionCmd, unitErrorsCmd, unitSettleCmd } from '../../src/host/systemctl.js';
import * as Z from '../../src/host/zfs.js';
import { nestedCommand } from '../../src/host/nested.js';
import { hostile, sample, seed } from './hostile-strings.js';
import { rec, runLines } from './shell-argv.js';

// Every remote command line built from user or config input, fed thousands of random and adversarial
// strings: each is either refused by the builder, or the real /bin/sh turns the line into exactly the
// argv that was meant (nothing escapes its quotes), and no user value lands where it reads as an option.
// Replay a failure with FC_SEED=<seed printed in the test name>.

const base = parseInventoryText(
  `hosts:\n  - name: lab\n    ssh: { hostname: 127.0.0.1, user: root }\n    vms:\n      - name: vm1\n`,
  'builders.yaml',
).hosts[0]!;
const vm1 = base.vms[0]!;

interface Built {
  line: string;
  /** What the printer functions print for the line. */
  expected: string;
  /** User values that must not read as options (start with '-'). */
  values?: string[];
}

interface Outcome {
  accepted: number;
  refused: number;
}

/** Builds each input (a throw is a refusal), runs the accepted lines through sh, compares. */
function check<T>(inputs: T[], build: (input: T) => Built): Outcome {
  const built: Array<{ input: T; b: Built }> = [];
  let refused = 0;
  for (const input of inputs) {
    try {
      built.push({ input, b: build(input) });
    } catch (e) {
      expect(e).toBeInstanceOf(Error);
      expect((e as Error).message.length).toBeGreaterThan(0);
      refused++;
    }
  }
  const failures: unknown[] = [];
  for (let i = 0; i < built.length; i += 500) {
    const chunk = built.slice(i, i + 500);
    const { outputs, stderr } = runLines(chunk.map((c) => c.b.line));
    chunk.forEach(({ input, b }, j) => {
      const got = outputs[j];
      const optionLike = (b.values ?? []).filter((v) => v.startsWith('-'));
      if (got !== b.expected || optionLike.length) failures.push({ input, line: b.line, got, expected: b.expected, optionLike, stderr: stderr.slice(0, 200) });
    });
  }
  expect(failures.slice(0, 3), `seed ${seed}`).toEqual([]);
  return { accepted: built.length, refused };
}

const one = (argv: string[], values?: string[]): Built => ({ line: shJoin(argv), expected: rec(argv), values });

// Thousands of shell runs per test: generous timeouts for a loaded CI machine.
describe(`hostile input never escapes a remote command (seed ${seed})`, { timeout: 120_000 }, () => {
  it('shq/shJoin: any string without NUL comes back as exactly one argument', () => {
    const o = check(sample(fc.array(hostile, { minLength: 1, maxLength: 4 })), (args) => ({ line: shJoin(['systemctl', ...args]), expected: rec(['systemctl', ...args]) }));
    expect(o.refused).toBe(0);
    expect(() => shq('a\0b')).toThrow(/NUL/);
  });

  it('unit actions, settle and error reads: a unit is refused or passed verbatim', () => {
    const units = sample(hostile, 3000, 1);
    const verbs = ['restart', 'start', 'stop'] as const;
    const o = check(units, (u) => one(['systemctl', verbs[u.length % 3]!, u]));
    const direct = check(units, (u) => ({ line: unitActionCmd(verbs[u.length % 3]!, u), expected: rec(['systemctl', verbs[u.length % 3]!, u]), values: [u] }));
    expect(direct.accepted).toBeGreaterThan(300);
    expect(direct.refused).toBeGreaterThan(300);
    expect(o.refused).toBe(0);
    check(units, (u) => ({ line: unitSettleCmd(u), expected: rec(['systemctl', 'show', u, '-p', SETTLE_PROPS.join(',')]), values: [u] }));
    check(units, (u) => ({ line: unitErrorsCmd(u, 7), expected: rec(['journalctl', '-u', u, '-p', 'warning', '-n', '7', '-o', 'cat', '--all', '--no-pager']), values: [u] }));
    expect(() => unitActionCmd('kill' as never, 'microvm@vm1')).toThrow();
  });

  it('journal queries: unit, --since filter, cursor and line count are refused or passed verbatim', () => {
    const units = check(sample(hostile, 3000, 2), (u) => ({ line: journalctlCommand({ unit: u, follow: true }), expected: rec(['journalctl', '-u', u, '-o', 'json', '--all', FIELDS, '-f', '--no-pager']), values: [u] }));
    expect(units.accepted).toBeGreaterThan(300);
    // --since: the value is normalised ('15m' -> '-15m'); whatever is accepted must be one argument.
    const sinceArb = fc.oneof(hostile, fc.stringMatching(/^-?(\d{1,3}(s|m|h|d|w))+$/), fc.constantFrom('today', 'yesterday', '2026-11-26 12:00', '@1700000000'));
    const since = check(sample(sinceArb, 3000, 3), (s) => {
      const line = journalctlCommand({ unit: 'microvm@vm1', since: s, lines: 5 });
      // The value may be normalised ('15m' -> '-15m'); what matters is that it stays one argument.
      return { line, expected: rec(['journalctl', '-u', 'microvm@vm1', '-o', 'json', '--all', FIELDS, '--since', normalizeSince(s), '-n', '5', '--no-pager']) };
    });
    expect(since.accepted).toBeGreaterThan(300);
    expect(since.refused).toBeGreaterThan(300);
    const cursors = check(sample(fc.oneof(hostile, fc.stringMatching(/^s=[0-9a-f]{32};i=[0-9a-f]{1,6};b=[0-9a-f]{32}$/)), 2000, 4), (c) => ({
      line: journalctlCommand({ unit: 'microvm@vm1', follow: true, afterCursor: c }),
      expected: rec(['journalctl', '-u', 'microvm@vm1', '-o', 'json', '--all', FIELDS, '-f', '--after-cursor', c, '--no-pager']),
    }));
    expect(cursors.accepted).toBeGreaterThan(100);
    for (const n of [-1, 1.5, Number.NaN, 1e12]) expect(() => journalctlCommand({ unit: 'microvm@vm1', lines: n })).toThrow();
  });

  it('zfs: dataset, snapshot, rename, clone, mountpoint and rollback names are refused or passed verbatim', () => {
    const names = sample(hostile, 3000, 5);
    const pairs = sample(fc.tuple(hostile, hostile), 3000, 6);
    const outcomes = [
      check(names, (d) => ({ line: Z.zfsListCmd(d), expected: rec(['zfs', 'get', '-H', '-p', '-o', 'name,property,value', '-r', 'used,referenced,creation', d]), values: [d] })),
      check(pairs, ([d, s]) => ({ line: Z.zfsSnapshotCmd(d, s, { recursive: true }), expected: rec(['zfs', 'snapshot', '-r', `${d}@${s}`]), values: [d] })),
      check(pairs, ([d, s]) => ({ line: Z.zfsDestroySnapshotCmd(`${d}@${s}`), expected: rec(['zfs', 'destroy', `${d}@${s}`]), values: [d] })),
      check(names, (f) => ({ line: Z.zfsDestroySnapshotCmd(f), expected: rec(['zfs', 'destroy', f]), values: [f] })),
      check(names, (f) => ({ line: Z.zfsDiffCmd(f), expected: rec(['zfs', 'diff', '-H', f]), values: [f] })),
      check(pairs, ([a, b]) => ({ line: Z.zfsRenameCmd(a, b), expected: rec(['zfs', 'rename', a, b]), values: [a, b] })),
      check(pairs, ([f, t]) => ({ line: Z.zfsCloneCmd(`microvms/storage/vm1@${f}`, t), expected: rec(['zfs', 'clone', `microvms/storage/vm1@${f}`, t]), values: [f, t] })),
      check(pairs, ([t, mp]) => ({ line: Z.zfsCloneCmd('microvms/storage/vm1@s', t, `/${mp}`), expected: rec(['zfs', 'clone', '-o', `mountpoint=/${mp}`, 'microvms/storage/vm1@s', t]), values: [t] })),
      check(pairs, ([d, mp]) => ({ line: Z.zfsSetMountpointCmd(d, `/${mp}`), expected: rec(['zfs', 'set', `mountpoint=/${mp}`, d]), values: [d] })),
      ...([
        [Z.zfsGetMountpointCmd, ['get', '-H', '-o', 'value,source', 'mountpoint']],
        [Z.zfsUnmountCmd, ['umount']],
        [Z.zfsMountCmd, ['mount']],
        [Z.zfsGetMountedCmd, ['get', '-H', '-o', 'value', 'mounted']],
        [Z.zfsPromoteCmd, ['promote']],
      ] as const).map(([f, argv]) => check(names, (d) => ({ line: f(d), expected: rec(['zfs', ...argv, d]), values: [d] }))),
      // The preserved dataset of a rollback is derived from the VM's dataset.
      check(names, (d) => {
        const p = Z.preservedDatasetName(d, new Date(0));
        return { line: Z.zfsRenameCmd(d, p), expected: rec(['zfs', 'rename', d, p]), values: [d, p] };
      }),
    ];
    for (const o of outcomes) {
      expect(o.accepted).toBeGreaterThan(30);
      expect(o.refused).toBeGreaterThan(100);
    }
  });

  it('custom commands and runner updates: {vm} {unit} {dataset} become exactly one argument each', () => {
    const vms = sample(fc.record({ name: hostile, unit: hostile, dataset: hostile }), 3000, 7);
    const o = check(vms, (v) => {
      const vm: VmConfig = { ...vm1, ...v };
      return { line: expandTemplate('systemctl status {unit} && zfs list {dataset} x{vm}y', { vm }), expected: rec(['systemctl', 'status', v.unit]) + rec(['zfs', 'list', v.dataset, `x${v.name}y`]) };
    });
    expect(o.refused).toBe(0);
    check(vms, (v) => {
      const vm: VmConfig = { ...vm1, ...v };
      const host: HostConfig = { ...base, updateCommand: 'nix build {vm} {dataset}', remoteFlake: `/${v.unit}` };
      return { line: runnerUpdateCmd(host, vm), expected: rec(['cd', `/${v.unit}`]) + rec(['nix', 'build', v.name, v.dataset]) };
    });
    check(vms, (v) => ({ line: inDir(v.name, shJoin(['nix', 'build'])), expected: rec(['cd', v.name]) + rec(['nix', 'build']) }));
  });

  it('runner links: the microvms dir and VM name reach readlink verbatim', () => {
    const o = check(sample(fc.tuple(hostile, hostile), 2000, 8), ([dir, name]) => {
      const host: HostConfig = { ...base, microvmsDir: `/${dir}` };
      const d = `/${dir}/${name}`;
      // readlink is a printer function here: its record (the shell drops the NULs of a command substitution)
      // becomes printf's argument.
      return { line: runnerLinksCmd(host, { ...vm1, name }), expected: `readlink${d}/current\x1e<rs>\nreadlink${d}/booted\x1e<rs>\n` };
    });
    expect(o.refused).toBe(0);
  });

  it('nested ssh to a VM: the hypervisor shell hands ssh the VM command as one argument', () => {
    const o = check(sample(fc.tuple(hostile, hostile, fc.array(hostile, { maxLength: 3 })), 3000, 9), ([address, key, args]) => {
      const host: HostConfig = { ...base, vmAccess: { ...base.vmAccess, remoteIdentityFile: key } };
      const command = shJoin(['systemctl', 'is-active', ...args]);
      return {
        line: nestedCommand(host, { ...vm1, address }, command),
        expected: rec(['ssh', '-i', key, '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=5', `root@${address}`, '--', command]),
      };
    });
    expect(o.refused).toBe(0);
    // And the VM's shell turns that argument into the intended argv.
    check(sample(fc.array(hostile, { maxLength: 4 }), 2000, 10), (args) => ({ line: shJoin(['systemctl', 'is-active', ...args]), expected: rec(['systemctl', 'is-active', ...args]) }));
  });

  it('the status gather script and the doctor sections: hostile VM, unit, pool and dir values stay inside their argument', () => {
    const hosts = sample(fc.record({ vm: hostile, unit: hostile, pool: hostile, dir: hostile, tap: hostile, dataset: hostile }), 1000, 11);
    const o = check(hosts, (h) => {
      const vm: VmConfig = { ...vm1, name: h.vm, unit: h.unit, tap: h.tap, dataset: h.dataset };
      const host: HostConfig = { ...base, pool: h.pool, microvmsDir: `/${h.dir}`, vms: [vm] };
      const sections = [...gatherSections(host), ...vmDoctorSections(host, vm)];
      return {
        line: renderGatherScript(sections),
        expected: sections.map((s) => `@@mvm ${s.name}\n${rec(s.argv)}@@rc 0\n`).join(''),
        values: [h.vm, h.unit, h.pool],
      };
    });
    expect(o.accepted).toBeGreaterThan(100);
    expect(o.refused).toBeGreaterThan(100);
  });
});
