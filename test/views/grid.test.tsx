import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/keymap/index.js';
import { FIVE, host, setupEach, vm } from './setup.js';

const start = setupEach();

/** The VM whose card carries the selection marker. */
const selectedVm = (frame: string) => /[║│]>.\s?(\S+)/.exec(frame)?.[1];

describe('the VM grid', () => {
  it('shows the cases an operator must not miss: runner missing, restart needed, failed with restarts', async () => {
    const { r } = start({
      cols: 120,
      hosts: [
        host('hv1', [
          vm('vm1', { runner: 'missing', active: 'inactive', sub: 'dead' }),
          vm('vm2', { outdated: true }),
          vm('vm3', { active: 'failed', sub: 'failed', restarts: 4, result: 'exit-code' }),
          vm('vm4', { bridge: 'no-carrier', reachable: false }),
          vm('vm5', { reachable: false, probeError: 'timed out' }),
        ]),
      ],
    });
    const f = await r.waitFor('vm5');
    expect(f).toContain('RUNNER MISSING');
    expect(f).toContain('RESTART NEEDED');
    expect(f).toMatch(/✗ failed \(failed\).*↻4 restarts/);
    expect(f).toContain('result exit-code');
    expect(f).toMatch(/br no carrier\s+data [^\n]*ssh no/);
    // Why a VM does not answer SSH, on its card.
    expect(f).toMatch(/br up\s+data [^\n]*ssh timed out/);
    expect(f).toMatch(/pool microvms ONLINE/);
    expect(f).toContain('ebs-volume-microvm-storage active');
  });

  it("says in the host header whether the status comes by the host's events or by polling, and why not by events", async () => {
    const { r, store } = start({ cols: 160 });
    await r.waitFor('vm1');
    expect(r.lastFrame()).not.toMatch(/· (events|polling)/); // events: false, only polled
    store.dispatch({ type: 'hosts/mode', host: 'hv1', mode: { mode: 'polling', why: 'event stream starting' } });
    expect(await r.waitFor('polling (events starting)')).toMatch(/hv1 .*· polling \(events starting\)/);
    store.dispatch({ type: 'hosts/mode', host: 'hv1', mode: { mode: 'events', why: null } });
    expect(await r.waitFor(/hv1 .*· events/)).not.toContain('polling');
    store.dispatch({ type: 'hosts/mode', host: 'hv1', mode: { mode: 'polling', why: 'unit events not permitted: No journal files were opened due to insufficient permissions.' } });
    // too long to sit beside the rest, it starts a line of its own, whole
    expect(await r.waitFor('events unavailable')).toMatch(/^polling \(events unavailable: unit events not permitted: No journal files were opened due to insufficient permissions\.\)$/m);
  });

  it('marks an unreachable host stale, with its age, and keeps its last data', async () => {
    const { r, store } = start();
    await r.waitFor('vm1');
    store.dispatch({ type: 'hosts/status', status: { ...host('hv1', []), reachable: false, error: 'hv1: connection refused (127.0.0.1:22)' }, at: Date.now() });
    const f = await r.waitFor('unreachable');
    expect(f).toMatch(/stale \d+s/);
    expect(f).toContain('connection refused');
    expect(f).toContain('vm5'); // the cards stay
  });

  it('a host never read shows its cards\' snapshots as unknown ("? snaps"), not "0 snaps"', async () => {
    const { unreachableHost } = await import('../../src/parsers/status-assemble.js');
    const { resolveInventory } = await import('../../src/config/resolve.js');
    const { inventorySchema } = await import('../../src/config/schema.js');
    const inv = resolveInventory(inventorySchema.parse({ hosts: [{ name: 'hv1', ssh: { hostname: '127.0.0.1' }, vms: FIVE.map((name) => ({ name })) }] }), '(test)');
    const { r } = start({ hosts: [unreachableHost(inv.hosts[0]!, 'hv1: connection refused (127.0.0.1:22)')] });
    const f = await r.waitFor('connection refused');
    expect(f).toContain('? snaps');
    expect(f).not.toMatch(/\b0 snaps\b/);
  });

  it('during an auto-restart a card shows no memory or CPU ("mem – cpu –"), and steady memory is no full bar', async () => {
    const { r, store } = start({ cols: 120 });
    await r.waitFor('vm1');
    const st = (over: Parameters<typeof vm>[1]) => host('hv1', FIVE.map((n) => vm(n, n === 'vm1' ? over : {})));
    for (let i = 0; i < 6; i++) store.dispatch({ type: 'hosts/status', status: st({ memoryBytes: 2 * 2 ** 30 + i * 2 ** 20, cpuNs: i * 620_000_000 }), at: 10_000 + i * 2000 });
    let f = await r.waitFor(/mem 2\.0G \S+ cpu 31%/);
    const memBars = /mem 2\.0G (\S+) cpu/.exec(f)![1]!;
    expect(memBars).not.toBe('██████');
    expect(memBars).toMatch(/^[▁▂]+$/); // 5 MiB over 2 GiB: a low flat line
    store.dispatch({ type: 'hosts/status', status: st({ active: 'activating', sub: 'auto-restart', memoryBytes: null, cpuNs: null }), at: 24_000 });
    f = await r.waitFor('auto-restart');
    expect(f).toMatch(/mem – \S* ?cpu –/);
    expect(f).not.toMatch(/cpu 31%/);
  });

  it('moves the selection with arrows and hjkl', async () => {
    const { r } = start({ cols: 100 }); // two cards per row
    expect(selectedVm(await r.waitFor('vm1'))).toBe('vm1');
    await r.press('down');
    expect(selectedVm(r.lastFrame())).toBe('vm3');
    await r.press('right');
    expect(selectedVm(r.lastFrame())).toBe('vm4');
    await r.press('k');
    expect(selectedVm(r.lastFrame())).toBe('vm2');
    await r.press('h');
    expect(selectedVm(r.lastFrame())).toBe('vm1');
    await r.press('j', 'j');
    expect(selectedVm(r.lastFrame())).toBe('vm5');
    await r.press('g');
    expect(selectedVm(r.lastFrame())).toBe('vm1');
  });

  it('scrolls to keep the selected card on screen in an 80x24 terminal', async () => {
    const { r } = start({ cols: 80, rows: 24 });
    const first = await r.waitFor('vm1');
    expect(first).not.toContain('vm5 ');
    expect(first).toMatch(/1 more VM/);
    await r.press('G');
    expect(selectedVm(r.lastFrame())).toBe('vm5');
    expect(r.lastFrame().split('\n').length).toBeLessThanOrEqual(23);
  });

  it('says the terminal is too small below 80x24 and recovers on resize', async () => {
    const { r } = start({ cols: 70, rows: 20 });
    expect(await r.waitFor('too small')).toContain('70x20');
    await r.resize(100, 30);
    expect(await r.waitFor('vm1')).not.toContain('too small');
  });

  it('shows a question asked while the terminal is too small (it can be answered there)', async () => {
    const { r, store } = start({ cols: 70, rows: 20 });
    await r.waitFor('too small');
    store.dispatch({ type: 'ui/dialogOpen', dialog: { id: 1, title: 'A deploy is running on hv1: quit and cancel it?', lines: [], danger: true } });
    const f = await r.waitFor('quit and cancel');
    expect(f).toContain('too small');
    await r.press('n'); // the keys reach the dialog there too
    expect(await r.waitFor((x) => !x.includes('quit and cancel'))).toContain('too small');
  });

  it('filters with / (regex) and clears with esc', async () => {
    const { r } = start({ cols: 120 });
    await r.waitFor('vm5');
    await r.press('/');
    await r.type('vm[24]');
    await r.press('return');
    const f = await r.waitFor((x) => !x.includes('vm5'));
    expect(f).toContain('vm2');
    expect(f).toContain('vm4');
    expect(f).not.toMatch(/\bvm1\b/);
    await r.press('escape');
    expect(await r.waitFor('vm5')).toContain('vm1');
  });

  it('/ reopens the grid filter selected: typing replaces it, ← then ! inverts it', async () => {
    const { r, store } = start({ cols: 120 });
    await r.waitFor('vm5');
    await r.press('/');
    await r.type('vm[24]');
    await r.press('return');
    await r.waitFor((x) => !x.includes('vm5'));
    await r.press('/');
    await r.waitFor('/vm[24] (typing replaces it; ← → edit it)');
    await r.press('left');
    await r.type('!');
    await r.press('return');
    await r.waitFor((x) => x.includes('vm5') && !/\bvm2\b/.test(x));
    expect(store.getState().ui.filter.text).toBe('!vm[24]');
    await r.press('/');
    await r.type('vm3');
    await r.press('return');
    await r.waitFor((x) => x.includes('vm3') && !x.includes('vm5'));
    expect(store.getState().ui.filter.text).toBe('vm3');
  });

  it('a filter that would backtrack for ever on V8 runs (on RE2) and filters, with no complaint', async () => {
    const { r } = start({ cols: 120 });
    await r.waitFor('vm5');
    await r.press('/');
    await r.type('^(v+)+m1 ');
    await r.press('return');
    const f = await r.waitFor((fr) => /\bvm1\b/.test(fr) && !/\bvm5\b/.test(fr));
    expect(f).not.toMatch(/regex|literally/);
  });
});

describe('help', () => {
  it('? lists the descriptions of the table, esc closes it', async () => {
    const { r } = start({ rows: 60 });
    await r.waitFor('vm1');
    await r.press('?');
    const f = await r.waitFor('Help');
    for (const id of ['app.quit', 'nav.down', 'vm.restart', 'vm.stop', 'grid.filter']) {
      expect(f).toContain(COMMANDS.find((c) => c.id === id)!.description);
    }
    // nothing without a handler is advertised
    expect(f).not.toContain(COMMANDS.find((c) => c.id === 'snapshot.open')!.description);
    await r.press('escape');
    expect(await r.waitFor('vm1')).not.toContain('Help');
  });

  it('follows rebinding', async () => {
    const { r, store } = start({ rows: 60, keys: { 'vm.restart': 'R' } });
    await r.waitFor('vm1');
    await r.press('?');
    const f = await r.waitFor('Help');
    expect(f).toMatch(/R\s+Restart the VM/);
    await r.press('escape', 'r');
    expect(store.getState().ui.dialog).toBeNull();
    await r.press('R');
    expect(await r.waitFor('Restart vm1 on hv1?')).toBeTruthy();
  });
});

describe('dangerous commands', () => {
  it('r asks, naming VM and host; y restarts exactly that VM and says so', async () => {
    const { r, calls } = start();
    await r.waitFor('vm1');
    await r.press('right', 'r');
    const d = await r.waitFor('Restart vm2 on hv1?');
    expect(d).toContain('systemctl restart microvm@vm2');
    expect(calls).toEqual([]);
    await r.press('y');
    await r.waitFor('restarted vm2 on hv1');
    expect(calls).toEqual([{ verb: 'restart', host: 'hv1', vm: 'vm2' }]);
  });

  it('a question is drawn over the grid: the cards around it stay, none shows through it', async () => {
    const { r } = start();
    await r.waitFor('vm5');
    await r.press('right', 'r');
    const f = await r.waitFor('Restart vm2 on hv1?');
    const lines = f.split('\n');
    expect(lines.some((l) => /^[│║][> ] ?vm1\b/.test(l))).toBe(true); // the grid's first card, left of the dialog
    expect(f).toContain('vm5');
    // inside the dialog's double frame only its own text: no card border or card text shows through
    const inside = lines.filter((l) => /╔|╚/.test(l) || /║ (Restart|\$|y)/.test(l));
    const top = lines.findIndex((l) => l.includes('Restart vm2 on hv1?'));
    const from = lines[top]!.indexOf('║');
    const to = lines[top]!.indexOf('║', from + 1);
    expect(inside.length).toBeGreaterThan(0);
    for (let y = top; y < lines.length && lines[y]![from] === '║'; y++) expect(lines[y]!.slice(from + 1, to)).not.toMatch(/[│╭╮╰╯]|active \(|snaps/);
  });

  it('n cancels without calling the service', async () => {
    const { r, calls } = start();
    await r.waitFor('vm1');
    await r.press('X');
    await r.waitFor('Stop vm1 on hv1?');
    await r.press('n');
    await r.waitFor('stop cancelled');
    expect(calls).toEqual([]);
  });

  it('marked VMs are stopped together after one confirmation', async () => {
    const { r, calls } = start();
    await r.waitFor('vm1');
    await r.press('space', 'right', 'space'); // space marks and moves on
    await r.press('X');
    await r.waitFor('Stop vm1, vm3 on hv1?');
    await r.press('y');
    await r.waitFor('stopped vm1, vm3 on hv1');
    expect(calls.map((c) => c.vm)).toEqual(['vm1', 'vm3']);
  });

  it('enter alone never confirms: a stop, start or restart dialog says y confirms, and enter cancels it', async () => {
    const { r, calls, store } = start();
    await r.waitFor('vm1');
    for (const [key, title] of [['X', 'Stop vm1'], ['S', 'Start vm1'], ['r', 'Restart vm1']] as const) {
      await r.press(key);
      const f = await r.waitFor(title);
      expect(f).toMatch(/y confirm · n\/esc\/enter cancel/);
      await r.press('return');
      await r.waitFor((x) => !x.includes(title));
      expect(store.getState().ui.dialog).toBeNull();
    }
    expect(calls).toEqual([]);
  });

  it('shows a spinner on the card while the action runs', async () => {
    let release!: () => void;
    const { r } = start({ run: () => new Promise((res) => (release = () => res({ ok: true }))) });
    await r.waitFor('vm1');
    await r.press('r', 'y');
    expect(await r.waitFor(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] restart/)).toBeTruthy();
    release();
    await r.waitFor('restarted vm1');
  });

  it('read-only: r does nothing but say read-only, and help lacks it', async () => {
    const { r, calls, store } = start({ readOnly: true, rows: 60 });
    await r.waitFor('vm1');
    expect(r.lastFrame()).toContain('READ-ONLY');
    expect(r.lastFrame()).not.toMatch(/r restart/);
    await r.press('r');
    expect(await r.waitFor('read-only: Restart the VM')).toBeTruthy();
    expect(store.getState().ui.dialog).toBeNull();
    expect(calls).toEqual([]);
    await r.press('?');
    const help = (await r.waitFor('Help')).split('\n').slice(0, -1).join('\n'); // not the status line
    for (const c of COMMANDS.filter((x) => x.dangerous)) expect(help).not.toContain(c.description);
    expect(help).toContain('read-only');
  });
});

describe('command palette', () => {
  it(': completes over the commands and runs the chosen one', async () => {
    const { r } = start();
    await r.waitFor('vm1');
    await r.press(':');
    await r.type('rest');
    const f = await r.waitFor('vm.restart');
    expect(f).not.toContain('vm.stop');
    await r.press('return');
    expect(await r.waitFor('Restart vm1 on hv1?')).toBeTruthy();
  });

  it('q in the palette is text, not quit', async () => {
    const { r, quits } = start();
    await r.waitFor('vm1');
    await r.press(':', 'q');
    expect(await r.waitFor('app.quit')).toBeTruthy();
    expect(quits()).toBe(0);
    await r.press('return');
    expect(quits()).toBe(1);
  });
});

it('q quits', async () => {
  const { r, quits } = start({ hosts: [host('hv1', FIVE.map((n) => vm(n)))] });
  await r.waitFor('vm1');
  await r.press('q');
  expect(quits()).toBe(1);
});
