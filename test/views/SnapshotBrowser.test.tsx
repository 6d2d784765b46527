import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveInventory } from '../../src/config/resolve.js';
import { inventorySchema } from '../../src/config/schema.js';
import { registerSnapshotHandlers } from '../../src/controller/snapshots.js';
import { parseZfsGet } from '../../src/parsers/zfs-get.js';
import { MemoryAudit } from '../../src/services/audit.js';
import { ActionGuard } from '../../src/services/guard.js';
import { listingFromProps } from '../../src/model/snapshots.js';
import { SnapshotService } from '../../src/services/snapshots.js';
import { initialSnapshots, type SnapshotsState } from '../../src/store/slices/snapshots.js';
import { SnapshotBrowser } from '../../src/views/SnapshotBrowser.js';
import { formatBytes } from '../../src/views/snapshot/format.js';
import { renderTui } from '../helpers/render.js';
import { ScriptedTransport } from '../helpers/scripted-transport.js';
import { setup } from './setup.js';

// The browser as a user sees it: rendered alone from real lab output, and inside the app driven by keys
// (commands asserted on a scripted transport).

const LAB = readFileSync(new URL('../fixtures/zfs/lab-get-Hp-o-name-property-value-r-used-referenced-creation.txt', import.meta.url), 'utf8');
const NOW = Date.parse('2026-11-28T13:00:00Z');

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

function hostState(over: Partial<SnapshotsState> = {}): SnapshotsState {
  return { ...initialSnapshots, target: { host: 'lab' }, listing: listingFromProps('lab', 'microvms', parseZfsGet(LAB)), ...over };
}

describe('SnapshotBrowser (render only)', () => {
  it('shows datasets as a tree with totals, and snapshots newest first with time, age, used, referenced', async () => {
    const r = renderTui(<SnapshotBrowser state={hostState()} width={110} height={40} focused now={NOW} />, { cols: 110, rows: 40 });
    cleanup = () => r.unmount();
    const f = await r.waitFor('vm5');
    const lines = f.split('\n');
    const at = (s: string) => lines.findIndex((l) => l.includes(s));
    expect(f).toMatch(/microvms {2}no snapshots/);
    // children indented under their parent
    expect(lines[at('storage  ')]!.indexOf('storage')).toBeGreaterThan(lines[at('microvms  no')]!.indexOf('microvms'));
    expect(lines[at('vm1  ')]!.indexOf('vm1')).toBeGreaterThan(lines[at('storage  ')]!.indexOf('storage'));
    const vm1 = hostState().listing!.datasets.find((d) => d.name === 'microvms/storage/vm1')!;
    expect(f).toContain(`vm1  3 snapshots · ${formatBytes(vm1.snapshotsUsed)} used by snapshots · refer 6.14M`);
    const row = at('vm1  ');
    expect(lines[row + 1]).toMatch(/@20261124-0900\s+2026-11-26 \d\d:\d\d\s+(1d\d*h?|23h\d*m?) ago\s+used\s+\S+\s+refer\s+6\.14M/);
    expect(lines[row + 3]).toMatch(/@20261120-0900.*used\s+88K\s+refer\s+1\.13M/);
  });

  it('filters by name (regex, ! inverts) and hides datasets left without matches', async () => {
    const r = renderTui(<SnapshotBrowser state={hostState({ filter: { text: '1124', editing: false } })} width={110} height={40} focused now={NOW} />, { cols: 110, rows: 40 });
    cleanup = () => r.unmount();
    const f = await r.waitFor('/1124/');
    expect(f).not.toContain('@20261120-0900');
    expect(f).toMatch(/vm1 {2}1\/3 snapshots/);
    expect(f).not.toMatch(/vm4 /); // vm4 has no 1124 snapshot in the lab
  });

  it('says when a filter is not a regex it can read and is matched as plain text', async () => {
    const r = renderTui(<SnapshotBrowser state={hostState({ filter: { text: '1124(?=x)', editing: false } })} width={200} height={40} focused now={NOW} />, { cols: 200, rows: 40 });
    cleanup = () => r.unmount();
    const f = await r.waitFor('esc clears');
    expect(f).toContain('invalid regex');
    expect(f).toContain('matching literally');
  });

  it('marks snapshots, and says so in the title', async () => {
    const s = hostState();
    const marked = s.listing!.datasets.find((d) => d.name === 'microvms/storage/vm2')!.snapshots.map((x) => x.full).slice(0, 2);
    const r = renderTui(<SnapshotBrowser state={{ ...s, marked }} width={110} height={40} focused now={NOW} />, { cols: 110, rows: 40 });
    cleanup = () => r.unmount();
    const f = await r.waitFor('2 marked');
    expect(f.split('\n').filter((l) => /\*\s+@/.test(l))).toHaveLength(2);
  });

  it('shows "not supported by this ZFS" for a diff on zfs-fuse, and a diff where there is one', async () => {
    const r = renderTui(
      <SnapshotBrowser state={hostState({ diff: { supported: false, lines: [], message: 'zfs diff is not supported by this ZFS on lab', snapshot: 'microvms/storage/vm1@20261120-0900' } })} width={110} height={30} focused now={NOW} />,
      { cols: 110, rows: 30 },
    );
    cleanup = () => r.unmount();
    expect(await r.waitFor('not supported')).toContain('zfs diff is not supported by this ZFS on lab');
    r.unmount();
    const r2 = renderTui(
      <SnapshotBrowser state={hostState({ diff: { supported: true, lines: ['+\t/var/lib/microvms/vm1/marker'], snapshot: 'microvms/storage/vm1@20261120-0900' } })} width={110} height={30} focused now={NOW} />,
      { cols: 110, rows: 30 },
    );
    cleanup = () => r2.unmount();
    expect(await r2.waitFor('changes since')).toMatch(/changes since @20261120-0900: 1 path\(s\)[\s\S]*\+ \/var\/lib\/microvms\/vm1\/marker/);
  });
});

const VM2 = 'microvms/storage/vm2';
const vm2Listing = LAB.split('\n').filter((l) => l.startsWith(VM2)).join('\n') + '\n';

function app(opts: { readOnly?: boolean; cols?: number; rows?: number; listing?: string } = {}) {
  const t = setup({ cols: opts.cols ?? 140, rows: opts.rows ?? 44, readOnly: opts.readOnly });
  cleanup = () => t.r.unmount();
  const inventory = resolveInventory(inventorySchema.parse({ hosts: [{ name: 'hv1', ssh: { hostname: '127.0.0.1' }, vms: ['vm1', 'vm2', 'vm3', 'vm4', 'vm5'].map((name) => ({ name })) }] }), '(test)');
  const transport = new ScriptedTransport()
    .on('zfs get -H -p', { stdout: opts.listing ?? vm2Listing })
    .on('mountpoint', { stdout: '/var/lib/microvms/vm2\tlocal\n' })
    .on('systemctl is-active', { stdout: 'active\n' })
    .on(/^zfs get -H -o value mounted/, { stdout: 'yes\n' })
    .on(/^zfs diff /, { stdout: 'M\t/var/lib/microvms/vm2/\n+\t/var/lib/microvms/vm2/OLD-DIFF-MARKER\n' })
    .on(/^zfs (umount|mount|rename|clone|promote|destroy|snapshot) |^systemctl (stop|start) /, { code: 0 });
  const audit = new MemoryAudit();
  const service = new SnapshotService({ inventory, transport, guard: new ActionGuard(inventory, audit, opts.readOnly), now: () => new Date('2026-11-26T13:00:00Z') });
  registerSnapshotHandlers(t.controller, { service });
  const sent = () => transport.sent.map((s) => s.command).filter((c) => !/^zfs get |^systemctl is-active /.test(c));
  return { ...t, transport, sent, audit };
}

describe('the snapshot browser in the app', () => {
  it("ages move with the grid's clock between refreshes, in its age format (they froze at the listing's time)", async () => {
    const created = Math.floor(Date.now() / 1000) - 5;
    const listing = vm2Listing.replace(/(@20261124-0900\tcreation\t)\d+/, `$1${created}`);
    const { r, transport } = app({ listing });
    await r.waitFor('vm1');
    await r.press('right', 'z');
    const ageOf = (f: string) => Number(/@20261124-0900 .* (\d+)s ago/.exec(f)?.[1]);
    const first = ageOf(await r.waitFor(/@20261124-0900 .* \d+s ago/));
    const reads = transport.sent.filter((x) => x.command.startsWith('zfs get -H -p')).length;
    const later = ageOf(await r.waitFor((f) => ageOf(f) >= first + 2, 5000));
    expect(later).toBeGreaterThanOrEqual(first + 2);
    // no new listing was read: the clock alone moved them
    expect(transport.sent.filter((x) => x.command.startsWith('zfs get -H -p')).length).toBe(reads);
  });

  it('z opens it for the selected VM; j moves; space marks; ctrl-d destroys the marked ones after y', async () => {
    const { r, sent } = app();
    await r.waitFor('vm1');
    await r.press('right'); // select vm2
    await r.press('z');
    let f = await r.waitFor('@20261120-0900');
    expect(f).toContain('Snapshots · hv1:vm2 (microvms/storage/vm2)');
    await r.press('space', 'space');
    f = await r.waitFor('2 marked');
    await r.press('ctrl-d');
    f = await r.waitFor('Destroy 2 snapshots?');
    expect(f).toContain(`${VM2}@20261124-0900`);
    expect(f).toContain(`${VM2}@20261122-0900`);
    expect(sent()).toEqual([]);
    await r.press('y');
    await r.waitFor(/destroyed/);
    expect(sent()).toEqual([`zfs destroy ${VM2}@20261124-0900`, `zfs destroy ${VM2}@20261122-0900`]);
  });

  it('R asks to stop the VM, then wants the VM name typed, then rolls back keeping the old state', async () => {
    const { r, sent, audit } = app();
    await r.waitFor('vm1');
    await r.press('right', 'z');
    await r.waitFor('@20261120-0900');
    await r.press('j', 'j'); // the oldest
    await r.press('R');
    await r.waitFor('Stop microvm@vm2 for the rollback?');
    await r.press('y');
    let f = await r.waitFor('Roll vm2 back to @20261120-0900?');
    expect(f).toContain('2 newer snapshot(s)');
    expect(f).toContain('@20261124-0900, @20261122-0900');
    expect(f).toContain(`${VM2}-pre-rollback-20261126-130000`);
    expect(f).toContain('mounted at /var/lib/microvms/vm2-pre-rollback-20261126-130000');
    expect(f).toContain('microvm@vm2 is stopped first');
    await r.press('return'); // nothing typed: refused
    f = await r.waitFor('type vm2 to confirm');
    expect(sent()).toEqual([]);
    await r.type('vm2');
    await r.press('return');
    await r.waitFor(/now at @20261120-0900/);
    expect(sent()[0]).toBe('systemctl stop microvm@vm2');
    expect(sent()).toContain(`zfs clone -o mountpoint=/var/lib/microvms/vm2 ${VM2}-pre-rollback-20261126-130000@20261120-0900 ${VM2}`);
    expect(sent().at(-1)).toBe('systemctl start microvm@vm2');
    expect(audit.entries).toMatchObject([{ action: 'snapshot.rollback', outcome: 'ok' }]);
  });

  for (const [cols, rows] of [[80, 24], [120, 34], [220, 60]] as const) {
    it(`at ${cols}x${rows} the rollback result is shown whole (where the old state is kept, how to remove it) and the old diff goes`, async () => {
      const { r } = app({ cols, rows });
      await r.waitFor('vm1');
      await r.press('right', 'z');
      await r.waitFor('@20261120-0900');
      await r.press('j', 'j', 'd');
      await r.waitFor('OLD-DIFF-MARKER');
      await r.press('R');
      const ask = await r.waitFor('Stop microvm@vm2 for the rollback?');
      // y and n are the two ways on, said in the footer; n is not "cancel" here
      expect(ask).toMatch(/y stop it, roll back, start it again · n\/esc\/enter keep it running/);
      expect(ask).not.toMatch(/n\/esc cancel/);
      await r.press('y');
      await r.waitFor('Roll vm2 back');
      await r.type('vm2');
      await r.press('return');
      const f = await r.waitFor(/started again\./);
      const pane = f.slice(f.lastIndexOf('Snapshots ·'));
      const text = pane.split('\n').map((l) => l.replace(/^[│║ ]+|[│║ ]+$/g, '')).join(' ').replace(/\s+/g, ' ');
      const kept = `${VM2}-pre-rollback-20261126-130000`;
      expect(text).toContain(`${VM2} is now at @20261120-0900.`);
      expect(text).toContain(`are kept in ${kept} (mounted at /var/lib/microvms/vm2-pre-rollback-20261126-130000).`);
      expect(text).toContain(`Remove it when no longer needed: zfs destroy -r ${kept}`);
      expect(text).toContain('microvm@vm2 was stopped and started again.');
      expect(f).not.toContain('OLD-DIFF-MARKER');
      for (const line of f.split('\n')) expect(line.length).toBeLessThanOrEqual(cols);
    });
  }

  it('/ filters the list as you type, without triggering the browser keys', async () => {
    const { r, sent } = app();
    await r.waitFor('vm1');
    await r.press('right', 'z');
    await r.waitFor('@20261120-0900');
    await r.press('/');
    await r.type('1122c');
    const f = await r.waitFor('/1122c');
    expect(f).not.toContain('@20261124-0900');
    expect(sent()).toEqual([]); // the 'c' went into the field, it did not create a snapshot
    await r.press('return'); // keep the filter
    await r.waitFor('(esc clears)');
    await r.press('escape'); // clears it, the browser stays
    expect(await r.waitFor('@20261124-0900')).toContain('@20261120-0900');
    await r.press('escape'); // closes the browser
    await r.waitFor((f) => !f.includes('Snapshots ·'));
  });

  it('n takes a typed name; a hostile one is refused and nothing runs', async () => {
    const { r, sent } = app();
    await r.waitFor('vm1');
    await r.press('right', 'z');
    await r.waitFor('@20261120-0900');
    await r.press('n');
    // the prompt's own hints (ok/cancel), not the filter's (keep/clear)
    const prompt = await r.waitFor('new snapshot name');
    expect(prompt).toMatch(/enter ok +esc cancel/);
    expect(prompt).not.toMatch(/enter keep|esc clear/);
    await r.type('x;reboot');
    await r.press('return');
    // said as a bad snapshot name (not as the filter's error), and kept in the field to be corrected
    const bad = await r.waitFor(/snapshot name "x;reboot" refused: only letters/);
    expect(bad).not.toContain('filter.apply');
    expect(bad).toContain('new snapshot name: x;reboot');
    expect(sent()).toEqual([]);
    await r.press('escape');
    await r.waitFor((f) => !f.includes('new snapshot name'));
    await r.press('n');
    await r.type('pre-upgrade');
    await r.press('return');
    await r.waitFor(/created microvms\/storage\/vm2@pre-upgrade/);
    expect(sent()).toEqual([`zfs snapshot ${VM2}@pre-upgrade`]);
  });

  it('read-only: browsing works, the dangerous keys are gone', async () => {
    const { r, sent } = app({ readOnly: true });
    await r.waitFor('vm1');
    await r.press('right', 'z');
    await r.waitFor('@20261120-0900');
    await r.press('c', 'ctrl-d', 'R');
    await r.settle();
    expect(r.lastFrame()).not.toMatch(/Destroy|Roll vm2/);
    expect(sent()).toEqual([]);
  });
});
