import { Profiler } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { App } from '../../src/app.js';
import { createController, registerCoreHandlers } from '../../src/controller/index.js';
import { buildKeymap } from '../../src/keymap/index.js';
import type { HostStatus } from '../../src/model/status.js';
import { createStore } from '../../src/store/index.js';
import { gridModelSelector } from '../../src/views/grid-model.js';
import { renderTui, type Rendered } from '../helpers/render.js';
import { FIVE, host, vm } from './setup.js';

// An idle grid must not redraw: each React commit costs Ink a layout and a whole-screen render, and hosts
// report every second whether anything changed or not. Commits are counted with a Profiler around the app.

const SINCE = new Date(Date.now() - 3 * 3_600_000).toISOString(); // ages in hours: they move once a minute

function twoHosts(over: Partial<Record<string, number>> = {}, since = SINCE): HostStatus[] {
  // fresh objects each time, as each report from the poller is
  return ['hv1', 'hv2'].map((h) => host(h, FIVE.map((n) => vm(n, { since, newestSnapshotAt: since, memoryBytes: over[`${h}/${n}`] ?? 536_870_912 }))));
}

let r: Rendered | undefined;
afterEach(() => r?.unmount());

/** The app over a store that has had 8 reports of `hosts()`, its React commits counted. */
function mountGrid(hosts: () => HostStatus[], size = { cols: 200, rows: 60 }) {
  const store = createStore();
  store.dispatch({ type: 'hosts/init', hosts: hosts().map((h) => ({ name: h.name, vms: h.vms.map((v) => ({ name: v.name, role: v.role, unit: v.unit })) })) });
  // the sparklines grow a bar per report up to 6: past that an unchanged VM draws the same
  for (let i = 0; i < 8; i++) for (const h of hosts()) store.dispatch({ type: 'hosts/status', status: h, at: Date.now() + i });
  const keymap = buildKeymap({});
  const controller = createController({ store, keymap });
  registerCoreHandlers(controller);
  let commits = 0;
  const rendered = renderTui(
    <Profiler id="app" onRender={() => commits++}>
      <App services={{ store, controller, keymap }} />
    </Profiler>,
    size,
  );
  r = rendered;
  return { store, r: rendered, commits: () => commits };
}

function start(since = SINCE, size?: { cols: number; rows: number }) {
  const grid = mountGrid(() => twoHosts({}, since), size);
  const report = (over?: Partial<Record<string, number>>) => {
    for (const h of twoHosts(over, since)) grid.store.dispatch({ type: 'hosts/status', status: h, at: Date.now() });
  };
  return { ...grid, report };
}

describe('an idle grid', () => {
  it('does not re-render on reports that change nothing shown, and does on one that does', async () => {
    const t = start();
    await t.r.waitFor('hv2');
    await t.r.settle();
    const before = t.commits();
    for (let i = 0; i < 5; i++) {
      t.report(); // same content, new objects, a new history point each
      await t.r.settle();
    }
    expect(t.commits()).toBe(before);
    // 600M is shown as "600M" instead of "512M": that one must reach the screen
    t.report({ 'hv2/vm3': 600 * 2 ** 20 });
    await t.r.waitFor('600M');
    expect(t.commits()).toBeGreaterThan(before);
  });

  it("does not re-render on reports about cards out of the window; a card scrolled to shows the latest", async () => {
    const t = start(SINCE, { cols: 100, rows: 24 }); // room for hv1 only
    await t.r.waitFor('hv1');
    await t.r.settle();
    expect(t.r.lastFrame()).not.toContain('hv2');
    const before = t.commits();
    for (let i = 0; i < 5; i++) {
      t.report({ 'hv2/vm3': (600 + i) * 2 ** 20 }); // only hv2's vm3 moves
      await t.r.settle();
    }
    expect(t.commits()).toBe(before);
    t.report({ 'hv1/vm1': 700 * 2 ** 20, 'hv2/vm3': 604 * 2 ** 20 });
    await t.r.waitFor('700M');
    expect(t.commits()).toBeGreaterThan(before);
    // select hv2's vm3: the window moves there and its card shows the last report's 604M
    t.store.dispatch({ type: 'ui/select', ref: { host: 'hv2', vm: 'vm3' } });
    const f = await t.r.waitFor('604M');
    expect(f).toContain('hv2');
  });

  it('does not re-render on the clock when no age it shows has moved', async () => {
    const t = start();
    await t.r.waitFor('hv2');
    await t.r.settle();
    const before = t.commits();
    await new Promise((res) => setTimeout(res, 1_300)); // past the grid's 1 s clock check
    await t.r.settle();
    expect(t.commits()).toBe(before);
    expect(t.r.lastFrame()).toMatch(/running\) 3h/);
  });

  it('shows uptimes past 10 minutes in whole minutes (as k9s), so their clock does not redraw every second', async () => {
    const t = start(new Date(Date.now() - 14 * 60_000 - 20_000).toISOString());
    await t.r.waitFor('hv2');
    await t.r.settle();
    const before = t.commits();
    await new Promise((res) => setTimeout(res, 1_300));
    await t.r.settle();
    expect(t.commits()).toBe(before);
    expect(t.r.lastFrame()).toMatch(/running\) 14m /);
  });
});

describe('ages in seconds', () => {
  // five VMs up about a minute, started 200 ms apart: one of their ages moves every 200 ms
  const young = (mem = 536_870_912) => ['hv1', 'hv2'].map((h) => host(h, FIVE.map((n, i) => vm(n, { since: new Date(T0 - 60_000 - i * 200).toISOString(), memoryBytes: mem }))));
  let T0 = 0;
  function mount() {
    T0 = Date.now();
    return mountGrid(() => young());
  }
  const sleep = (ms: number) => new Promise((res) => setTimeout(res, ms));

  it('move with the reports that redraw the grid every second, not in frames of their own between two reports', async () => {
    const t = mount();
    await t.r.waitFor('hv2');
    await sleep(500); // reports half a second out of step with the grid's mount (its clock's phase)
    const before = t.commits();
    for (let i = 0; i < 3; i++) {
      // each report shows a new memory figure on every card: a redraw of its own
      for (const h of young((i % 2 ? 512 : 600) * 2 ** 20)) t.store.dispatch({ type: 'hosts/status', status: h, at: Date.now() });
      await t.r.settle();
      await sleep(1000 - 20);
    }
    expect(t.commits() - before).toBe(3);
  });

  it('still move every second with no report to carry them', async () => {
    const t = mount();
    await t.r.waitFor('hv2');
    await t.r.settle();
    const before = t.commits();
    await sleep(3_200);
    expect(t.commits() - before).toBeGreaterThanOrEqual(2);
    // vm1's uptime as drawn is at most a second behind
    const age = Math.floor((Date.now() - T0 + 60_000) / 1000) - 60;
    expect(t.r.lastFrame()).toMatch(new RegExp(`running\\) 1m(${age}|${age - 1})s`));
  });
});

describe('a fresh connection', () => {
  it('says how long it has been up as an age with seconds (as the cards do), so a blip shows; it ticks with the clock', async () => {
    const t = start();
    const up = Date.now() - 20_000;
    for (const host of ['hv1', 'hv2']) t.store.dispatch({ type: 'hosts/conn', conn: { host, status: 'up', since: up } });
    await t.r.waitFor(/reachable 2[01]s/);
    await t.r.waitFor(/reachable 2[23]s/, 4000);
    expect(t.r.lastFrame()).not.toMatch(/reachable since/);
  });
});

describe('the grid model', () => {
  it('hands back the same row for every card a report did not change, and the same model when none changed', () => {
    const store = createStore();
    const hosts = twoHosts();
    store.dispatch({ type: 'hosts/init', hosts: hosts.map((h) => ({ name: h.name, vms: h.vms.map((v) => ({ name: v.name, role: v.role, unit: v.unit })) })) });
    for (let i = 0; i < 8; i++) for (const h of twoHosts()) store.dispatch({ type: 'hosts/status', status: h, at: Date.now() + i });
    const select = gridModelSelector();
    const a = select(store.getState());
    for (const h of twoHosts({ 'hv1/vm2': 3 * 2 ** 30 })) store.dispatch({ type: 'hosts/status', status: h, at: Date.now() + 10 });
    const b = select(store.getState());
    const changed = b.rows.filter((row, i) => row !== a.rows[i]).map((row) => `${row.ref.host}/${row.ref.vm}`);
    expect(changed).toEqual(['hv1/vm2']);
    expect(b.hosts.every((h, i) => h === a.hosts[i])).toBe(true);
  });

  it('with only some cards on screen, keeps those that did not change and carries the latest data for all', () => {
    const store = createStore();
    store.dispatch({ type: 'hosts/init', hosts: twoHosts().map((h) => ({ name: h.name, vms: h.vms.map((v) => ({ name: v.name, role: v.role, unit: v.unit })) })) });
    for (let i = 0; i < 8; i++) for (const h of twoHosts()) store.dispatch({ type: 'hosts/status', status: h, at: Date.now() + i });
    const select = gridModelSelector(() => ({ cards: new Set(FIVE.map((n) => `hv1/${n}`)), hosts: new Set(['hv1']), width: 120 }));
    const a = select(store.getState());
    for (const h of twoHosts({ 'hv1/vm2': 3 * 2 ** 30, 'hv2/vm3': 2 * 2 ** 30 })) store.dispatch({ type: 'hosts/status', status: h, at: Date.now() + 10 });
    const b = select(store.getState());
    const keptOnScreen = b.rows.filter((row, i) => row.ref.host === 'hv1' && row === a.rows[i]).map((row) => row.ref.vm);
    expect(keptOnScreen).toEqual(FIVE.filter((n) => n !== 'vm2'));
    const mem = (m: typeof b, h: string, v: string) => m.rows.find((row) => row.ref.host === h && row.ref.vm === v)?.status?.memoryBytes;
    expect([mem(b, 'hv1', 'vm2'), mem(b, 'hv2', 'vm3')]).toEqual([3 * 2 ** 30, 2 * 2 ** 30]);
  });
});
