import { describe, expect, it } from 'vitest';
import { PtySession, selectedVm, type SpawnOptions } from './pty.js';
import { cardText, sessionPerTest } from './screen.js';

// Keys that arrive together, in a real terminal: each key of a read acts exactly as if it had come alone.
// At 80 columns the demo's grid has two cards a row: vm1 vm2 / vm3 vm4 / vm5, so j moves vm1 -> vm3 -> vm5.

const { home, start: spawn } = sessionPerTest();

async function start(opts: SpawnOptions = {}): Promise<PtySession> {
  const session = await spawn({ args: ['--demo'], cols: 80, rows: 40, ...opts, env: { ...home.env, ...opts.env } });
  await session.waitFor('the grid', (s) => (['vm1', 'vm5'].every((v) => cardText(s, v)) ? true : undefined), 30_000);
  return session;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const selected = (s: PtySession, vm: string, after: string) => s.waitFor(`${vm} selected after ${JSON.stringify(after)}`, (scr) => (selectedVm(scr) === vm ? true : undefined), 5000);

describe('keys in bursts (a held key, a paste, a slow link)', () => {
  it('moves once per key of a burst: "jj", "kk", "j ESC[B k", a sequence cut between two reads', async () => {
    const s = await start();
    expect(selectedVm(await s.screenText())).toBe('vm1');
    s.press('jj');
    await selected(s, 'vm5', 'jj');
    s.press('kk');
    await selected(s, 'vm1', 'kk');
    s.press('j\x1b[Bk');
    await selected(s, 'vm3', 'j ESC[B k');
    s.press('\x1b[');
    await sleep(30);
    s.press('B');
    await selected(s, 'vm5', 'ESC[ | B');
    // and nothing else happened: no dialog, no help, the grid is still there
    const screen = await s.screenText();
    expect(screen).not.toMatch(/Help|\?$/m);
    expect(cardText(screen, 'vm1')).toBeDefined();
  });

  it('a burst of 50 backspaces empties a 50-character filter typed in one burst', async () => {
    const s = await start();
    s.press('/', 'x'.repeat(50));
    await s.waitForText(`/${'x'.repeat(50)}`);
    await s.waitFor('no card shown', (scr) => (cardText(scr, 'vm1') ? undefined : true));
    s.press('\x7f'.repeat(50));
    await s.waitFor('every card again', (scr) => (cardText(scr, 'vm1') && cardText(scr, 'vm5') ? true : undefined));
    expect(await s.screenText()).not.toContain('/x');
  });

  it('two ctrl keys in one read: ctrl-n ctrl-n in the palette selects the third entry', async () => {
    const s = await start();
    s.press(':');
    const first = await s.waitFor('the palette', (scr) => /^│ > (\S+)/m.exec(scr)?.[1]);
    const entries = (scr: string) => [...scr.matchAll(/^│ [> ] (\S+)/gm)].map((m) => m[1]!);
    const third = entries(await s.screenText())[2]!;
    expect(first).not.toBe(third);
    s.press('\x0e\x0e');
    await s.waitFor(`${third} selected`, (scr) => (/^│ > (\S+)/m.exec(scr)?.[1] === third ? true : undefined));
  });

  it('a paste outside a text field does nothing; into a text field it is typed', async () => {
    const s = await start();
    s.press('\x1b[200~jjqX\x1b[201~');
    await sleep(500);
    const screen = await s.screenText();
    expect(selectedVm(screen)).toBe('vm1'); // not moved, not quit, no stop dialog
    expect(screen).not.toMatch(/Stop vm1/);
    s.press('/', '\x1b[200~vm5\x1b[201~');
    await s.waitFor('only vm5 shown', (scr) => (cardText(scr, 'vm5') && !cardText(scr, 'vm1') ? true : undefined));
  });

  it('a held key (40 a second for 2 s) moves a log pane exactly 80 lines', async () => {
    // 100 rows: the zoomed pane shows more than 80 lines, so the line that was 80th from the top is seen to
    // become the first one. The demo's flood fills vm1's journal (200 lines a second go on arriving meanwhile).
    const s = await start({ rows: 100, env: { MVM_DEMO_FLOOD: 'vm1:200' } });
    s.press('l');
    await s.waitForText(/▶ vm1 microvm@vm1/);
    s.press('R', 'Z'); // the last 1000 lines, the pane full screen
    const held = (scr: string) => Number(/ (\d[\d,]*) held/.exec(scr)?.[1]?.replace(/,/g, '') ?? 0);
    await s.waitFor('more than 300 lines held', (scr) => (/last 1000/.test(scr) && held(scr) > 300 ? true : undefined), 15_000);
    s.press('g'); // the oldest line held; paused, so the picture stands still
    const before = await s.waitFor('the top of the pane', (scr) => (/PAUSED -\d/.test(scr) ? scr : undefined));
    const body = (scr: string) => scr.split('\n').filter((l) => /^║ +\d\d:\d\d:\d\d /.test(l));
    const scrolled = (scr: string) => Number(/PAUSED -([\d,]+)/.exec(scr)![1]!.replace(/,/g, ''));
    expect(body(before).length).toBeGreaterThan(80);
    for (let i = 0; i < 80; i++) {
      s.press('j');
      await sleep(25);
    }
    const after = await s.waitFor('the pane 80 lines further', (scr) => (/PAUSED -\d/.test(scr) && scrolled(scr) === scrolled(before) - 80 ? scr : undefined), 5000);
    expect(body(after)[0]).toBe(body(before)[80]);
    await sleep(300); // and no key comes late
    expect(scrolled(await s.screenText())).toBe(scrolled(before) - 80);
  });
});
