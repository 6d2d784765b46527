import { describe, expect, it } from 'vitest';
import { belowPaneRows, computeLayout } from '../../src/store/layout.js';
import { cardLines } from '../../src/views/VmCard.js';
import { FIVE, host, setupEach, vm } from './setup.js';

// Nothing an operator needs is cut mid-word on the cards and the host header (issue 18): a field that does not
// fit takes a shorter whole form, wraps onto a line of its own (header), or is shown whole under the cards for
// the selected VM. With a log pane under the grid the host header stays and no blank rows are left.

const start = setupEach();

const DAY = 86_400_000;
/** A card's inner lines (frames stripped) as the frame shows them. */
const cardInner = (frame: string, name: string) => {
  const lines = frame.split('\n');
  const y = lines.findIndex((l) => new RegExp(`[│║][> ][ *]${name}\\b`).test(l));
  const x = lines[y]!.search(new RegExp(`[│║][> ][ *]${name}\\b`));
  return lines.slice(y, y + 6).map((l) => l.slice(x + 1, x + 38));
};

const HARD = [
  // the longest states systemd gives a unit, a restart count, a long age, a long probe error, a long snapshot name
  vm('vm1', { active: 'activating', sub: 'auto-restart', restarts: 3, since: new Date(Date.now() - 12 * DAY).toISOString(), memoryBytes: null, cpuNs: null }),
  vm('vm2', { reachable: false, probeError: 'unit inactive', active: 'inactive', sub: 'dead', datasetUsed: 123 * 2 ** 30 }),
  vm('vm3', { reachable: false, probeError: 'ssh or timeout missing', bridge: 'no-carrier' }),
  vm('vm4', { newestSnapshot: 'microvms/storage/vm4@before-upgrade-to-nixos-25.05', newestSnapshotAt: new Date(Date.now() - 3 * DAY - 7_200_000).toISOString() }),
  vm('vm5', { active: 'failed', sub: 'failed', restarts: 12, runner: 'missing', outdated: true, result: 'exit-code' }),
];

describe('cards: every field whole', () => {
  it('a line that does not fit takes a shorter whole form: ↻3, not "↻3 re…"', () => {
    const { lines, dropped } = cardLines(HARD[0]!, undefined, Date.now());
    const state = lines[0]!.map((s) => s.text).join('');
    expect(state).toMatch(/^▲ activating \(auto-restart\) 12d ↻3$/);
    expect(dropped).toEqual([]);
    for (const l of lines) expect(l.map((s) => s.text).join('').length).toBeLessThanOrEqual(37);
  });

  for (const cols of [80, 100, 120, 160]) {
    it(`at ${cols} columns no card line ends cut, and the selected card's left-out fields are shown whole under the cards`, async () => {
      const { r, store } = start({ cols, rows: 60, hosts: [host('hv1', HARD)] });
      await r.waitFor('vm5');
      for (const name of FIVE) {
        store.dispatch({ type: 'ui/select', ref: { host: 'hv1', vm: name } });
        const f = await r.waitFor(new RegExp(`[║]>[ *]${name}\\b`));
        for (const l of cardInner(f, name)) expect(l).not.toMatch(/…/);
        const inner = cardInner(f, name).join('\n');
        if (name === 'vm1') expect(inner).toMatch(/↻3\b/);
        if (name === 'vm2') expect(inner).toMatch(/ssh unit inactive/);
        if (name === 'vm3') {
          // 'ssh or timeout missing' does not fit beside the bridge and data: the card says no, the line under the cards why
          expect(inner).toMatch(/ssh no\s*$/m);
          expect(f).toMatch(/^vm3: ssh: ssh or timeout missing/m);
        }
        if (name === 'vm4') {
          expect(inner).toMatch(/3 snaps, newest 3d2h/);
          expect(f.replace(/\n/g, ' ')).toMatch(/vm4: newest snapshot @before-upgrade-to-nixos-25\.05/);
        }
        if (name === 'vm5') {
          expect(inner).toMatch(/RUNNER MISSING · RESTART NEEDED/);
          expect(f).toMatch(/^vm5: result exit-code/m);
        }
        for (const line of f.split('\n')) expect(line.length).toBeLessThanOrEqual(cols);
      }
    });
  }
});

describe('the host header: every field whole', () => {
  const comin = { commit: 'a3f9c2e7d1b04c55', status: 'done', fetchedAt: Date.now() - 38_000 };
  for (const cols of [80, 100, 120, 160]) {
    it(`at ${cols} columns each field is whole on some line (the header takes the lines it needs)`, async () => {
      const { r, store } = start({
        cols,
        rows: 60,
        hosts: [host('hv1', FIVE.map((n) => vm(n)), { storageUnit: { name: 'ebs-volume-microvm-storage.service', active: 'active' }, system: { state: 'degraded', failedUnits: ['nix-gc.service', 'logrotate.service', 'ebs-volume-microvm-storage-long-name.service'], load: [0.12, 0.2, 0.31], memTotal: 8 * 2 ** 30, memAvailable: 5 * 2 ** 30 } })],
      });
      store.dispatch({ type: 'hosts/comin', host: 'hv1', comin: comin as never });
      const f = await r.waitFor(/comin a3f9c2e7/);
      const lines = f.split('\n');
      const header = lines.slice(0, lines.findIndex((l) => /[╭╔]/.test(l)));
      const fields = [/hv1/, /● reachable/, /degraded/, /load 0\.12 0\.20 0\.31/, /mem 3\.0G\/8\.0G/, /pool microvms ONLINE 12G\/100G \(12%\)/, /\/var\/lib\/microvms 12G\/98G \(12%\)/, /ebs-volume-microvm-storage active/, /comin a3f9c2e7 done fetched \d\ds ago/, /nix-gc\.service/, /logrotate\.service/, /ebs-volume-microvm-storage-long-name\.service/];
      for (const field of fields) expect(header.some((l) => field.test(l)), `${field} whole in\n${header.join('\n')}`).toBe(true);
      for (const l of header) expect(l).not.toMatch(/…/);
      for (const l of header) expect(l.length).toBeLessThanOrEqual(cols);
      if (cols >= 160) expect(header.length).toBe(3); // name line, storage line, failed units
    });
  }
});

describe('stale data says so with its age', () => {
  it('an unreachable host: its header and every card say "stale" with the age of the last good report, as the grid clock reads it', async () => {
    const { r, store } = start({ cols: 120 });
    await r.waitFor('vm5');
    // the last good report was 75 s ago
    store.dispatch({ type: 'hosts/status', status: host('hv1', FIVE.map((n) => vm(n))), at: Date.now() - 75_000 });
    store.dispatch({ type: 'hosts/status', status: { ...host('hv1', []), reachable: false, error: 'hv1: status refresh timed out after 20 s' }, at: Date.now() });
    const f = await r.waitFor(/stale 1m1\ds/);
    expect(f).toMatch(/✗ unreachable \ds · stale 1m1\ds · hv1: status refresh timed out after 20 s/);
    for (const name of FIVE) expect(f).toMatch(new RegExp(`${name} .*stale 1m1\\ds`));
  });

  it('a host never read: its cards say unreachable and every value unknown (? or –), none made up', async () => {
    const { unreachableHost } = await import('../../src/parsers/status-assemble.js');
    const { resolveInventory } = await import('../../src/config/resolve.js');
    const { inventorySchema } = await import('../../src/config/schema.js');
    const inv = resolveInventory(inventorySchema.parse({ hosts: [{ name: 'hv1', ssh: { hostname: '127.0.0.1' }, vms: FIVE.map((name) => ({ name })) }] }), '(test)');
    const { r } = start({ cols: 120, hosts: [unreachableHost(inv.hosts[0]!, 'hv1: connection refused (127.0.0.1:22)')] });
    const f = await r.waitFor('connection refused');
    const card = cardInner(f, 'vm1').join('\n');
    expect(card).toMatch(/unreachable/);
    expect(card).toMatch(/\? unknown –/);
    expect(card).toMatch(/br \?\s+data –\s+ssh –/);
    expect(card).toMatch(/\? snaps/);
    expect(card).toMatch(/mem –\s+cpu –/);
  });
});

describe('a log pane under the grid', () => {
  it('the panes get the rows the grid would leave blank; the header and a row of cards stay when they fit', () => {
    const layout = computeLayout({ cols: 100, rows: 30 }, 1, false);
    // body 28, the layout's share for the panes 14: a 3-row header, one row of cards and the footer take 12
    expect(belowPaneRows(layout, 28, 3, 1)).toBe(16);
    // where the header and a row do not fit in the grid's share (80x24 with a 4-row status line), the row alone in
    // the grid's share: the panes keep theirs
    expect(belowPaneRows(computeLayout({ cols: 80, rows: 24 }, 1, false), 19, 3, 1)).toBe(11);
  });

  it('at 100x30 with the selection on the second row of cards, the host header stays on screen and no blank rows are left', async () => {
    const { r, store } = start({ cols: 100, rows: 30 });
    await r.waitFor('vm5');
    store.dispatch({ type: 'ui/select', ref: { host: 'hv1', vm: 'vm3' } });
    store.dispatch({ type: 'ui/paneOpen', pane: { id: 'p1', kind: 'nothing', scope: 'logs', title: 'a pane' } as never });
    const f = await r.waitFor(/a pane: no view/);
    const lines = f.split('\n');
    expect(lines[0]).toMatch(/hv1\s+● reachable/);
    expect(f).toMatch(/[║]> [ ]?vm3/);
    // every row from the header to the pane's frame has something on it
    const paneTop = lines.findIndex((l) => /^[╭╔]═*|^[╭╔]─{20,}/.test(l) && !/[╮╗]\s+[╭╔]/.test(l) && l.length >= 99);
    for (const l of lines.slice(0, paneTop)) expect(l.trim()).not.toBe('');
  });
});
