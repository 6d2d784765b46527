import { describe, expect, it } from 'vitest';
import { selectedVm } from './pty.js';
import { cardText, sessionPerTest } from './screen.js';

// Issue 18 in a real terminal: the built binary against the demo at 80x24, 120x34 and 220x60. Every doctor check
// is listed or counted, the rollback result and error messages are whole, no field of a card or the host header
// is cut mid-word, the host header stays with a log pane open (100x30), and a host that stops answering says its
// data is stale with its age. Build first (`npx tsup`; `npm test` does it).

const { home, start } = sessionPerTest();
const SIZES = [[80, 24], [120, 34], [220, 60]] as const;
const DOCTOR_CHECKS = 11;

const demo = (cols: number, rows: number, env: Record<string, string> = {}) => start({ args: ['--demo'], cols, rows, env: { ...home.env, ...env } });
/** Text inside the frames of the pane titled `title`, joined into one line. */
const paneText = (screen: string, title: string) =>
  screen
    .slice(screen.lastIndexOf(title))
    .split('\n')
    .map((l) => l.replace(/^[│║ ]+|[│║ ]+$/g, ''))
    .join(' ')
    .replace(/\s+/g, ' ');
/** The lines above the first card: the host header. */
const headerOf = (screen: string) => {
  const lines = screen.split('\n');
  return lines.slice(0, lines.findIndex((l) => /^[╭╔]/.test(l)));
};

describe('every doctor check, or how many more', () => {
  for (const [cols, rows] of SIZES) {
    it(`at ${cols}x${rows}`, async () => {
      const s = await demo(cols, rows);
      await s.waitForText(/demo\s+● reachable/, 30_000);
      s.press('d');
      const screen = await s.waitForText(/doctor vm1 on demo .*\d+ ms\)/, 20_000);
      const listed = screen.split('\n').filter((l) => /\[(ok|FAIL|\?\?)\]/.test(l)).length;
      const more = [...screen.matchAll(/[↑↓] (\d+) more (above|below)/g)].reduce((a, m) => a + Number(m[1]), 0);
      expect(listed + more).toBe(DOCTOR_CHECKS);
      if (rows >= 34) expect(listed).toBe(DOCTOR_CHECKS);
    });
  }
});

describe('the rollback result, whole', () => {
  for (const [cols, rows] of SIZES) {
    it(`at ${cols}x${rows}: in the pane, and in the message history (M)`, async () => {
      const s = await demo(cols, rows);
      await s.waitForText(/demo\s+● reachable/, 30_000);
      s.press('z');
      // the list read (its dataset row counts the snapshots), not only the pane open: the cards name snapshots too
      await s.waitForText(/Snapshots · demo:vm1[\s\S]*\d+ snapshots · /, 20_000);
      s.press('j', 'j', 'R');
      await s.waitForText(/Stop microvm@vm1 for the rollback\?/, 20_000);
      s.press('y');
      await s.waitForText(/Roll vm1 back/, 20_000);
      s.press('vm1', 'enter');
      const screen = await s.waitForText(/started again\./, 30_000);
      const kept = /(microvms\/storage\/vm1-pre-rollback-\d{8}-\d{6})/.exec(screen.replace(/\n/g, ' '))![1]!;
      const text = paneText(screen, 'Snapshots ·');
      expect(text).toMatch(/microvms\/storage\/vm1 is now at @\d{8}-\d{4}\./);
      expect(text).toContain(`are kept in ${kept} (mounted at /var/lib/microvms/${kept.split('/').pop()}).`);
      expect(text).toContain(`Remove it when no longer needed: zfs destroy -r ${kept}`);
      expect(text).toContain('microvm@vm1 was stopped and started again.');
      for (const line of screen.split('\n')) expect(line.length).toBeLessThanOrEqual(cols);
      // the status line says where the whole message is when it cannot hold it; the history holds it whole
      s.press('esc');
      await s.waitFor('the browser closed', (scr) => (!scr.includes('Snapshots ·') ? true : undefined));
      s.press('M');
      const history = await s.waitForText(/Messages/);
      expect(history.replace(/[│║]/g, ' ').replace(/\s+/g, ' ')).toContain(`are kept in ${kept} (mounted at`);
    });
  }
});

describe('an error message, whole', () => {
  for (const [cols, rows] of SIZES) {
    it(`at ${cols}x${rows}: a command that cannot run here says so in words, not cut`, async () => {
      const s = await demo(cols, rows);
      await s.waitForText(/demo\s+● reachable/, 30_000);
      s.press(':');
      await s.waitForText(/[│║] :/);
      s.press('log.zoom', 'enter');
      // The palette says why while the name is typed; once enter has run it, the palette is closed and the status
      // line says it (under load the first screen with the words can still be the palette's).
      const screen = await s.waitFor('the palette closed, the message shown', (scr) => (/none is open/.test(scr) && !/enter run/.test(scr) ? scr : undefined));
      const status = screen.split('\n').slice(-6).join(' ').replace(/\s+/g, ' ');
      expect(status).toMatch(/works in a log pane, and none is open \(l opens it\)/);
    });
  }
});

describe('cards and header: no field cut mid-word', () => {
  for (const [cols, rows] of [[80, 24], [100, 30], [120, 34], [160, 40], [220, 60]] as const) {
    it(`at ${cols}x${rows}`, async () => {
      const s = await demo(cols, rows);
      const screen = await s.waitForText(/demo\s+● reachable[\s\S]*comin a3f9c2e7 done fetched/, 30_000);
      const header = headerOf(screen);
      for (const field of [/demo\s+● reachable/, /pool microvms ONLINE \S+\/\S+ \(\d+%\)/, /\/var\/lib\/microvms \S+\/\S+ \(\d+%\)/, /ebs-volume-microvm-storage active/, /comin a3f9c2e7 done fetched \d+[sm] ago/])
        expect(header.some((l) => field.test(l)), `${field} in\n${header.join('\n')}`).toBe(true);
      for (const l of header) expect(l).not.toContain('…');
      // vm3 restarts now and then in the demo: its count is whole in any form
      for (const vm of ['vm1', 'vm2', 'vm3', 'vm4', 'vm5']) {
        const card = cardText(screen, vm);
        if (card) expect(card).not.toContain('…');
      }
      expect(cardText(screen, 'vm3') ?? cardText((s.press('G'), await s.waitFor('vm5 selected', (scr) => (selectedVm(scr) === 'vm5' ? scr : undefined))), 'vm3')).toMatch(/↻\d+( restarts)?\s*[│║]/);
    });
  }
});

describe('a log pane under the grid', () => {
  it('at 100x30 with the second row of cards selected: the host header stays and no blank rows are left', async () => {
    const s = await demo(100, 30);
    await s.waitForText(/demo\s+● reachable/, 30_000);
    s.press('j');
    await s.waitFor('vm3 selected', (scr) => (selectedVm(scr) === 'vm3' ? true : undefined));
    s.press('l');
    const screen = await s.waitForText(/microvm@vm3 @ demo/);
    const lines = screen.split('\n');
    expect(lines[0]).toMatch(/^ demo\s+● reachable/);
    const paneTop = lines.findIndex((l) => l.includes('╗') && l.length > 60 && !l.includes('╮'));
    expect(paneTop).toBeGreaterThan(0);
    for (const [i, l] of lines.slice(0, paneTop).entries()) expect(l.trim(), `row ${i} blank:\n${screen}`).not.toBe('');
    expect(cardText(screen, 'vm3')).toBeDefined();
  });
});

describe('a host that stops answering', () => {
  it('its header and cards say stale with the age of the last good report; the values shown are the last known', async () => {
    const s = await demo(120, 34, { MVM_DEMO_OUTAGE: '6:120' });
    await s.waitForText(/demo\s+● reachable/, 30_000);
    const screen = await s.waitForText(/✗ unreachable \d+s · stale \d+s/, 30_000);
    expect(screen).toMatch(/last known: running/);
    for (const vm of ['vm1', 'vm2', 'vm3']) expect(cardText(screen, vm)).toMatch(/stale \d+s/);
    // the age moves with the clock
    const age = Number(/· stale (\d+)s/.exec(screen)![1]);
    await s.waitFor('an older stale age', (scr) => (Number(/· stale (\d+)s/.exec(scr)?.[1] ?? 0) > age ? true : undefined), 10_000);
  });

  it('never read: every value unknown (? and –), none made up', async () => {
    const s = await demo(120, 34, { MVM_DEMO_OUTAGE: '0:120' });
    const screen = await s.waitForText(/✗ unreachable/, 30_000);
    const card = cardText(screen, 'vm1')!;
    expect(card).toMatch(/unreachable/);
    expect(card).toMatch(/\? unknown –/);
    expect(card).toMatch(/\? snaps/);
    expect(card).not.toMatch(/\b0 snaps\b/);
    expect(card).toMatch(/mem –\s+cpu –/);
  });
});
