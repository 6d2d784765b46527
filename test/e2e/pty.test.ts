import { describe, expect, it } from 'vitest';
import { PtySession } from './pty.js';

// The driver's restoration check must be able to fail: programs that leave the terminal broken, and one
// that tidies up, judged the same way the app is.

const sh = (script: string) => PtySession.spawn({ command: ['/bin/sh', '-c', script] });

describe('pty driver: terminal restoration check', () => {
  it('a program that leaves the alternate screen on, the cursor hidden and echo off is caught on all three', async () => {
    const s = sh("printf '\\033[?1049h\\033[?25lhello'; stty -echo");
    const exit = await s.exit();
    expect(exit.code).toBe(0);
    expect(await s.restoration()).toEqual({ leftAltScreen: false, cursorShown: false, echo: false });
  });

  it('a program that tidies up passes, and its screen and exit status are read', async () => {
    const s = sh("stty -echo; printf '\\033[?1049h\\033[?25lhello'; sleep 0.3; printf '\\033[?1049l\\033[?25h'; stty echo; exit 7");
    await s.waitForText('hello');
    const exit = await s.exit();
    expect(exit.code).toBe(7);
    expect(await s.restoration()).toEqual({ leftAltScreen: true, cursorShown: true, echo: true });
  });

  it('keys reach the program as typed', async () => {
    const s = sh("stty raw -echo; dd bs=1 count=4 2>/dev/null | od -An -c; stty sane");
    s.press('up', 'q');
    await s.waitForText(/033\s+\[\s+A\s+q/);
    expect((await s.exit()).code).toBe(0);
  });
});
