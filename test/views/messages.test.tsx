import { describe, expect, it } from 'vitest';
import { setupEach } from './setup.js';

// A message that does not fit the status line is wrapped there and kept whole in the message history (M or
// :messages); help and the history scroll by line, by page and to either end.

const start = setupEach();

const LONG =
  'rollback failed: cannot rollback to microvms/storage/vm1@20261206-1300: more recent snapshots or bookmarks exist; the newer snapshots were kept as microvms/storage/vm1-preserved-20261206-1342@20261206-1342 and END-OF-MESSAGE';

/** The frame's lines without the frame's borders, joined with spaces (a wrapped text reads as one). */
const flat = (frame: string) =>
  frame
    .split('\n')
    .map((l) => l.replace(/^[│╭╰|]\s?|\s?[│╮╯|]$/g, '').trim())
    .join(' ')
    .replace(/\s+/g, ' ');

describe('the message history', () => {
  for (const [cols, rows] of [[80, 24], [120, 34], [220, 60]] as const) {
    it(`a long error is shown whole on the status line at ${cols}x${rows}, and the screen keeps its height`, async () => {
      const { r, controller } = start({ cols, rows });
      await r.waitFor('vm1');
      controller.status(LONG, 'error');
      const f = await r.waitFor('END-OF-MESSAGE');
      expect(flat(f)).toContain(LONG);
      expect(f.split('\n').length).toBeLessThanOrEqual(rows - 1);
      for (const line of f.split('\n')) expect(line.length).toBeLessThanOrEqual(cols);
      // the key hints are still there
      expect(f).toMatch(/\? help/);
    });
  }

  it('M opens every message, whole and in order; esc closes it', async () => {
    const { r, controller } = start({ cols: 80, rows: 24 });
    await r.waitFor('vm1');
    controller.status('first message', 'info');
    controller.status(LONG, 'error');
    controller.status('last message', 'ok');
    await r.waitFor('last message');
    await r.press('M');
    const f = await r.waitFor('Messages');
    expect(f).toContain('3 this session');
    const text = flat(f);
    expect(text).toMatch(/first message.*rollback failed.*END-OF-MESSAGE.*last message/);
    expect(text).toContain(LONG.replace(/\s+/g, ' ').slice(0, 60));
    await r.press('escape');
    await r.waitFor((fr) => !fr.includes('this session') && fr.includes('vm1'));
  });

  it('opens from the palette as :messages', async () => {
    const { r, controller } = start({ cols: 100, rows: 30 });
    await r.waitFor('vm1');
    controller.status('something happened', 'warn');
    await r.press(':');
    await r.type('messages');
    await r.press('return');
    const f = await r.waitFor('this session');
    expect(f).toContain('something happened');
  });

  it('shows the newest messages first when there are more than fit, and g/G/pgup scroll', async () => {
    const { r, controller } = start({ cols: 80, rows: 24 });
    await r.waitFor('vm1');
    for (let i = 1; i <= 40; i++) controller.status(`message number ${i}`, 'info');
    await r.waitFor('message number 40');
    // the overlay alone (the status line under it shows the last message too)
    const overlay = (f: string) => f.slice(0, f.indexOf('╰'));
    await r.press('M');
    let f = overlay(await r.waitFor('this session'));
    expect(f).toContain('message number 40');
    expect(f).not.toMatch(/message number 1\s/);
    await r.press('g');
    f = overlay(r.lastFrame());
    expect(f).toMatch(/message number 1\s/);
    expect(f).not.toContain('message number 40');
    await r.press('G');
    expect(overlay(r.lastFrame())).toContain('message number 40');
    await r.press('pageup');
    f = overlay(r.lastFrame());
    expect(f).not.toContain('message number 40');
    expect(f).toContain('lines above');
  });
});

describe('help scrolling', () => {
  it('pgdn scrolls a page (not 3 lines like j), G and end reach the last line, g and home the first', async () => {
    const { r } = start({ cols: 100, rows: 30 });
    await r.waitFor('vm1');
    await r.press('?');
    const first = await r.waitFor('Quit mvm-tui');
    const firstLines = first.split('\n').filter((l) => /^│\s+\S/.test(l));
    await r.press('j');
    const afterJ = r.lastFrame();
    expect(afterJ).not.toBe(first);
    await r.press('k');
    await r.press('pagedown');
    const page = r.lastFrame();
    // a page: nothing of the first screen's body stays on the second
    const bodyOf = (f: string) => f.split('\n').slice(2, -3).map((l) => l.trim()).filter(Boolean);
    const seen = new Set(bodyOf(first));
    const overlap = bodyOf(page).filter((l) => seen.has(l) && !/^│\s*│$/.test(l));
    expect(overlap.length).toBeLessThanOrEqual(1);
    expect(firstLines.length).toBeGreaterThan(0);
    await r.press('G');
    expect(r.lastFrame()).toContain('Move to the next pane'); // the deploy section's last row
    const end = r.lastFrame();
    await r.press('g');
    expect(r.lastFrame()).toContain('Quit mvm-tui');
    await r.press('end');
    expect(r.lastFrame()).toBe(end);
    await r.press('home');
    expect(r.lastFrame()).toContain('Quit mvm-tui');
  });
});
