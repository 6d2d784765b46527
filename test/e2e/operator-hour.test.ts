import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PtySession, type SpawnOptions } from './pty.js';
import { cardText, tempHome } from './screen.js';

// Issue 23's operator hour, the parts a terminal shows: log panes side by side, a paused pane under a flood,
// editing a filter, quitting the demo and its dialogs. The built binary against the demo (`npm run build`).

const home = tempHome();
let session: PtySession | undefined;

async function start(opts: SpawnOptions = {}): Promise<PtySession> {
  session = await PtySession.start({ args: ['--demo'], cols: 160, rows: 40, ...opts, env: { ...home.env, ...opts.env } });
  await session.waitFor('the grid', (scr) => (cardText(scr, 'vm5')?.includes('active') ? true : undefined), 30_000);
  return session;
}

/** The `flood N` numbers on screen, top to bottom. */
const floodRows = (scr: string) => [...scr.matchAll(/\] flood (\d+)/g)].map((m) => Number(m[1]));

beforeAll(() => () => home.cleanup());
afterEach(() => {
  session?.kill();
  session = undefined;
});

describe('an operator hour in a real terminal (issue 23)', () => {
  it('a pane paused under a log flood keeps showing the lines it was paused on', async () => {
    const s = await start({ env: { MVM_DEMO_FLOOD: 'vm1:2500' } });
    s.press('l');
    await s.waitFor('flood lines in the pane', (scr) => (floodRows(scr).length >= 10 ? true : undefined), 20_000);
    s.press('k');
    // the rows paused on, read off two whole frames that agree (a read can land inside a redraw)
    let last = '';
    const before = await s.waitFor('the pane paused', (scr) => {
      const rows = /PAUSED -1/.test(scr) ? floodRows(scr).join() : '';
      const same = rows && rows === last;
      last = rows;
      return same ? floodRows(scr) : undefined;
    });
    // Until the 10,000-line window has moved well past what the pane showed (the old view then slid to its top).
    const t0 = performance.now();
    const after = await s.waitForText(/PAUSED -1 · [\d,]+ new · 10,000 held · \d+,\d{3} older left the window/, 45_000);
    const header = after.split('\n').find((l) => l.includes('PAUSED'))!;
    console.log(`paused on flood ${before[0]}..${before.at(-1)}; ${Math.round((performance.now() - t0) / 1000)} s later: ${header.slice(header.indexOf('PAUSED')).trim()}`);
    // A screen read can land inside a full redraw (the flood redraws the header many times a second): the rows
    // must read as before on a whole frame within a few seconds, with the window moved on.
    await s.waitFor('the rows paused on, after the window moved on', (scr) => (floodRows(scr).join() === before.join() && /older left the window/.test(scr) ? true : undefined), 5_000);
    s.press('G');
    await s.waitFor('following again, on newer lines', (scr) => (/FOLLOW/.test(scr) && floodRows(scr).every((n) => n > before.at(-1)! + 10_000) ? true : undefined));
  }, 90_000);

  it('/ on a pane with a filter starts from that filter, selected: typing replaces it, ← and backspace edit it', async () => {
    const s = await start();
    s.press('l');
    await s.waitForText(/\] heartbeat \d+/, 20_000);
    const footer = (re: RegExp) => s.waitFor(`the filter line ${re}`, (scr) => scr.split('\n').find((l) => re.test(l)));
    // One key at a time, each step checked on screen.
    s.press('/');
    await footer(/║\/ /);
    s.press('heartbeat');
    await footer(/║\/heartbeat /);
    s.press('enter');
    await s.waitForText(/· \/heartbeat\/ +║/);
    s.press('/');
    await footer(/║\/heartbeat \(typing replaces it; ← → edit it\)/);
    s.press('left'); // an arrow keeps the text: the cursor goes to its start
    await footer(/║\/heartbeat +║/);
    s.press('!');
    await footer(/║\/!heartbeat +║/);
    s.press('enter');
    await s.waitForText(/· \/!heartbeat\/ +║/);
    s.press('/');
    await footer(/║\/!heartbeat \(typing/);
    s.press('crash'); // typing replaces the selected filter
    await footer(/║\/crash +║/);
    s.press('\x7f');
    await footer(/║\/cras +║/);
    s.press('\x7f');
    await footer(/║\/cra +║/); // backspace erases at the cursor
    s.press('sh');
    await footer(/║\/crash +║/);
    s.press('enter');
    await s.waitForText(/· \/crash\/ +║/);
  }, 60_000);

  it('at 160 columns two log panes sit side by side beside the grid; | stacks them and back', async () => {
    const s = await start();
    s.press('l');
    await s.waitForText('▶ vm1 microvm@vm1 @ demo');
    s.press('tab');
    await s.waitForText(/^║> vm1/m);
    s.press('right');
    await s.waitForText(/║> vm2/);
    s.press('L');
    await s.waitForText('▶ vm2 microvm@vm2 @ demo');
    const sideBySide = (scr: string) => scr.split('\n').find((l) => l.includes('vm1 microvm@vm1 @ demo') && l.includes('vm2 microvm@vm2 @ demo'));
    const line = await s.waitFor('both panes titled on one line', sideBySide);
    expect(line.indexOf('vm1 microvm@vm1')).toBeGreaterThanOrEqual(40); // the grid keeps a column of cards on the left
    expect(cardText(await s.screenText(), 'vm3')).toMatch(/active/);
    s.press('|');
    const stacked = await s.waitFor('the panes stacked', (scr) => (!sideBySide(scr) && scr.includes('vm2 microvm@vm2 @ demo') ? scr : undefined));
    const rows = stacked.split('\n');
    expect(rows.findIndex((l) => l.includes('vm1 microvm@vm1 @ demo'))).toBeLessThan(rows.findIndex((l) => l.includes('vm2 microvm@vm2 @ demo')));
    expect(stacked).toMatch(/\| split/); // the hint bar names the key
    s.press('|');
    await s.waitFor('side by side again', sideBySide);
  }, 60_000);

  it('dialogs overlay the grid; a running deploy pane says where ctrl-c goes; quitting the demo beside an inventory points to it', async () => {
    const inventory = join(home.env.XDG_CONFIG_HOME!, 'mvm-tui', 'config.yaml');
    mkdirSync(dirname(inventory), { recursive: true });
    writeFileSync(inventory, 'hosts: []\n');
    try {
      const s = await start({ cols: 120, rows: 40 });
      s.press('r');
      let scr = await s.waitForText('Restart vm1 on demo?');
      expect(cardText(scr, 'vm5')).toMatch(/active/); // the grid stays around the question
      s.press('n');
      await s.waitFor('the question gone', (x) => (x.includes('Restart vm1 on demo?') ? undefined : true));
      s.press('D');
      await s.waitForText(/Deploy the hypervisor demo\?/);
      s.press('y');
      await s.waitForText('ctrl-c cancels it · esc hide (it keeps running)');
      s.press('tab');
      await s.waitForText('tab to this pane, then ctrl-c cancels it (ctrl-c elsewhere asks to quit)');
      s.press('ctrl-c');
      scr = await s.waitForText('A deploy is running on demo: quit and cancel it?');
      expect(cardText(scr, 'vm2')).toMatch(/active/);
      s.press('n');
      await s.waitFor('the quit question gone', (x) => (x.includes('quit and cancel it?') ? undefined : true));
      s.press('tab');
      await s.waitForText('ctrl-c cancels it · esc hide');
      s.press('ctrl-c');
      await s.waitForText('Cancel the deploy of demo?');
      s.press('y');
      await s.waitForText(/CANCELLED deploy of demo/, 20_000);
      s.press('q');
      const exit = await s.exit();
      expect(exit.code).toBe(0);
      expect(s.raw).toContain(`Your inventory is ${inventory}: run \`mvm-tui\` without --demo`);
      expect(s.raw).not.toContain('config init`');
    } finally {
      rmSync(inventory);
    }
  }, 90_000);
});
