import { describe, expect, it } from 'vitest';
import { selectedVm } from './pty.js';
import { cardText, sessionPerTest } from './screen.js';

// SGR mouse reports in a real terminal: a click selects the card under it, the wheel scrolls help; the
// reporting is switched off again on the way out, and --no-mouse never switches it on.

const { home, start: spawn } = sessionPerTest();

const click = (x: number, y: number) => `\x1b[<0;${x + 1};${y + 1}M\x1b[<0;${x + 1};${y + 1}m`;
const where = (screen: string, text: string) => {
  const lines = screen.split('\n');
  const y = lines.findIndex((l) => l.includes(text));
  return { x: lines[y]!.indexOf(text), y };
};

async function start(args: string[] = []) {
  const s = await spawn({ args: ['--demo', ...args], cols: 120, rows: 40, env: home.env });
  await s.waitFor('the grid', (scr) => (cardText(scr, 'vm5') ? true : undefined), 30_000);
  return s;
}

describe('mouse', () => {
  it('a click selects the card under it; the wheel scrolls help; reporting is off again after q', async () => {
    const s = await start();
    expect(s.raw).toContain('\x1b[?1006h');
    const p = where(await s.screenText(), 'vm5');
    s.press(click(p.x + 2, p.y + 2)); // inside vm5's card, below its name
    await s.waitFor('vm5 selected', (scr) => (selectedVm(scr) === 'vm5' ? true : undefined));
    s.press('?');
    const before = await s.waitForText(/Help/);
    s.press('\x1b[<65;10;10M'.repeat(3));
    await s.waitFor('help scrolled', (scr) => (scr.split('\n')[2] !== before.split('\n')[2] ? true : undefined));
    s.press('\x1b'); // esc closes help
    await s.waitFor('the grid', (scr) => (cardText(scr, 'vm5') ? true : undefined));
    s.press('q');
    await s.exit();
    const program = s.raw.slice(0, s.raw.indexOf('@@EXIT'));
    expect(program.lastIndexOf('\x1b[?1000l')).toBeGreaterThan(program.lastIndexOf('\x1b[?1000h'));
  });

  it('--no-mouse never turns reporting on', async () => {
    const s = await start(['--no-mouse']);
    expect(s.raw).not.toContain('\x1b[?1000h');
    s.press('q');
    await s.exit();
  });
});
