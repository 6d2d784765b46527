import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach } from 'vitest';
import { PtySession, type SpawnOptions } from './pty.js';

// Reading the grid off a screen as text, the way a user's eye does: by the card's frame.

/** The lines of one VM card (frame included), found by its name line `│> vm2 role`. */
export function cardText(screen: string, vm: string): string | undefined {
  const lines = screen.split('\n');
  const re = new RegExp(`[║│][> ][ *]${vm}\\b`);
  for (let y = 0; y < lines.length; y++) {
    const m = re.exec(lines[y]!);
    if (!m) continue;
    const x = m.index;
    // the frame's right edge: the next vertical border on the name line
    const right = lines[y]!.slice(x + 1).search(/[║│]/);
    const width = right < 0 ? lines[y]!.length - x : right + 2;
    return lines
      .slice(Math.max(0, y - 1), y + 7)
      .map((l) => l.slice(x, x + width))
      .join('\n');
  }
  return undefined;
}

/** A temporary HOME (and XDG dirs) so no test reads or writes the user's configuration or audit log. */
export function tempHome(): { env: Record<string, string>; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'mvm-tui-e2e-home-'));
  return {
    env: { HOME: dir, XDG_CONFIG_HOME: join(dir, '.config'), XDG_STATE_HOME: join(dir, '.local/state'), XDG_DATA_HOME: join(dir, '.local/share') },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A temporary HOME for the file, and a start() whose session is killed after each test (register at top level). */
export function sessionPerTest(): { home: ReturnType<typeof tempHome>; start(opts: SpawnOptions): Promise<PtySession> } {
  const home = tempHome();
  let session: PtySession | undefined;
  afterEach(() => {
    session?.kill();
    session = undefined;
  });
  afterAll(() => home.cleanup());
  return { home, start: async (opts) => (session = await PtySession.start(opts)) };
}
