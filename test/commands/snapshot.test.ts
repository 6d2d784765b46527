import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { makeSnapshotCommands } from '../../src/commands/snapshot.js';
import { UsageError, type CommandContext, type Subcommand } from '../../src/commands/types.js';
import { MemoryAudit } from '../../src/services/audit.js';
import { ActionGuard } from '../../src/services/guard.js';
import { ScriptedTransport } from '../helpers/scripted-transport.js';
import { mutations, testInventory, zfsGet } from '../services/snapshots-setup.js';

const D = 'microvms/storage/vm4';
const listing = zfsGet([
  [D, 5000, 3000, 100],
  [`${D}@first`, 10, 1000, 1779782400],
  [`${D}@target`, 20, 2000, 1779786000],
  [`${D}@latest`, 4096, 2800, 1779789600],
]);

function harness(opts: { readOnly?: boolean; interactive?: boolean; answer?: string } = {}) {
  const transport = new ScriptedTransport()
    .on('zfs get -H -p', { stdout: listing })
    .on('mountpoint', { stdout: '/var/lib/microvms/vm4\tinherited from microvms/storage\n' })
    .on('systemctl is-active', { stdout: 'active\n' })
    .on(/^zfs (umount|mount|rename|clone|promote|snapshot|destroy) |^systemctl (stop|start) /, { code: 0 })
    .on(/^zfs get -H -o value mounted /, { stdout: 'yes\n' });
  const audit = new MemoryAudit();
  const inventory = testInventory({ readOnly: opts.readOnly });
  const asked: string[] = [];
  const cmds = makeSnapshotCommands({
    open: async () => ({ inventory, transport, guard: new ActionGuard(inventory, audit), close: async () => {} }),
    interactive: () => opts.interactive ?? false,
    ask: async (q) => {
      asked.push(q);
      return opts.answer ?? '';
    },
    now: () => new Date('2026-05-26T12:00:00Z'),
  });
  const run = async (name: string, args: string[], values: CommandContext['values'] = {}) => {
    const cmd = cmds.find((c) => c.name === name) as Subcommand;
    let out = '';
    let err = '';
    const stdout = new PassThrough().on('data', (d: Buffer) => (out += d));
    const stderr = new PassThrough().on('data', (d: Buffer) => (err += d));
    const code = await cmd.run({ global: { readOnly: false, demo: false, acceptNew: false }, args, values, stdout, stderr });
    return { code, out, err };
  };
  return { run, transport, audit, asked };
}

describe('mvm-tui snapshot list', () => {
  it('--json gives name, dataset, createdAt (ISO), used, referenced per snapshot, newest first', async () => {
    const { run, transport } = harness();
    const r = await run('snapshot list', ['vm4'], { json: true });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual([
      { name: 'latest', dataset: D, createdAt: '2026-05-26T10:00:00.000Z', used: 4096, referenced: 2800 },
      { name: 'target', dataset: D, createdAt: '2026-05-26T09:00:00.000Z', used: 20, referenced: 2000 },
      { name: 'first', dataset: D, createdAt: '2026-05-26T08:00:00.000Z', used: 10, referenced: 1000 },
    ]);
    expect(transport.sent[0]?.command).toContain(` -r used,referenced,creation ${D}`);
  });

  it('prints a table with the per-dataset totals and ages', async () => {
    const { run } = harness();
    const r = await run('snapshot list', ['vm4']);
    expect(r.out).toContain(`hv:${D}  (3 snapshots, 4.03K used by them`);
    expect(r.out).toMatch(/@latest\s+2026-05-26 10:00\s+2h ago\s+used\s+4K/);
    expect(r.out.indexOf('@latest')).toBeLessThan(r.out.indexOf('@first'));
  });

  it('lists the whole pool of each host without a VM; an unknown VM is a usage error', async () => {
    const { run, transport } = harness();
    expect((await run('snapshot list', [], { host: 'hv' })).code).toBe(0);
    expect(transport.sent[0]?.command).toMatch(/ microvms$/);
    await expect(run('snapshot list', ['vm9'])).rejects.toThrow(UsageError);
  });
});

describe('mvm-tui snapshot create', () => {
  it('creates with a typed name and prints it', async () => {
    const { run, transport } = harness();
    const r = await run('snapshot create', ['vm4'], { name: 'pre-upgrade' });
    expect(r).toMatchObject({ code: 0, out: `${D}@pre-upgrade\n` });
    expect(mutations(transport)).toEqual([`zfs snapshot ${D}@pre-upgrade`]);
  });

  it('refuses a hostile name as a usage error and runs nothing', async () => {
    const { run, transport } = harness();
    await expect(run('snapshot create', ['vm4'], { name: 'x; reboot' })).rejects.toThrow(/invalid ZFS name/);
    expect(transport.sent).toEqual([]);
  });

  it('exits 3 in read-only mode', async () => {
    const { run, transport } = harness({ readOnly: true });
    const r = await run('snapshot create', ['vm4']);
    expect(r.code).toBe(3);
    expect(r.err).toMatch(/read-only/);
    expect(mutations(transport)).toEqual([]);
  });
});

describe('mvm-tui snapshot rollback', () => {
  it('needs --yes when stdin is not a terminal, after showing what would leave the dataset', async () => {
    const { run, transport } = harness();
    await expect(run('snapshot rollback', ['vm4', 'target'])).rejects.toThrow(/--yes/);
    expect(mutations(transport)).toEqual([]);
  });

  it('with --yes stops, preserves, clones, promotes, starts and says where the old state is', async () => {
    const { run, transport, audit } = harness();
    const r = await run('snapshot rollback', ['vm4', 'target'], { yes: true });
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/1 newer snapshot\(s\).*\n {2}@latest\n/);
    expect(r.err).toContain('microvm@vm4 is stopped first and started again afterwards');
    expect(r.out).toContain(`kept in ${D}-pre-rollback-20260526-120000`);
    expect(mutations(transport)[0]).toBe('systemctl stop microvm@vm4');
    expect(audit.entries).toMatchObject([{ action: 'snapshot.rollback', outcome: 'ok' }]);
  });

  it('at a terminal, asks for the VM name and cancels on anything else', async () => {
    const wrong = harness({ interactive: true, answer: 'vm1' });
    const r = await wrong.run('snapshot rollback', ['vm4', 'target']);
    expect(r.code).toBe(1);
    expect(wrong.asked[0]).toContain('(vm4)');
    expect(mutations(wrong.transport)).toEqual([]);
    const right = harness({ interactive: true, answer: 'vm4' });
    expect((await right.run('snapshot rollback', ['vm4', 'target'])).code).toBe(0);
  });

  it('--keep-running leaves the unit alone', async () => {
    const { run, transport } = harness();
    await run('snapshot rollback', ['vm4', 'target'], { yes: true, 'keep-running': true });
    expect(mutations(transport).filter((c) => c.startsWith('systemctl'))).toEqual([]);
  });
});

describe('mvm-tui snapshot destroy', () => {
  it('destroys several with --yes', async () => {
    const { run, transport } = harness();
    const r = await run('snapshot destroy', ['vm4', 'first', 'latest'], { yes: true });
    expect(r.code).toBe(0);
    expect(mutations(transport)).toEqual([`zfs destroy ${D}@first`, `zfs destroy ${D}@latest`]);
  });

  it('refuses without --yes off a terminal, and a name that does not exist, destroying nothing', async () => {
    const { run, transport } = harness();
    await expect(run('snapshot destroy', ['vm4', 'first'])).rejects.toThrow(/--yes/);
    await expect(run('snapshot destroy', ['vm4', 'first', 'nope'], { yes: true })).rejects.toThrow(/no such snapshot.*@nope/);
    await expect(run('snapshot destroy', ['vm4', 'first', '$(reboot)'], { yes: true })).rejects.toThrow(/invalid ZFS name/);
    expect(mutations(transport)).toEqual([]);
  });
});
