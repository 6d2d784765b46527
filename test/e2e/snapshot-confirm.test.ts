import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { PtySession } from './pty.js';
import { tempHome } from './screen.js';

// `c` in the snapshot browser (issue 23.12), in a real terminal against the demo: it asks first, naming the
// snapshot and showing the exact zfs command; n takes none, y takes exactly the one shown. Build first (npx tsup).

const home = tempHome();
let s: PtySession | undefined;
afterEach(() => {
  s?.kill();
  s = undefined;
});
afterAll(() => home.cleanup());

const snapshotsIn = (screen: string) => new Set([...screen.matchAll(/@(\d{8}-\d{4}(?:-\d+)?)\b/g)].map((m) => m[1]!));

describe('taking a snapshot now (c)', () => {
  it('asks first with the exact command; n takes none, y takes the one shown', async () => {
    s = await PtySession.start({ args: ['--demo'], cols: 140, rows: 40, env: home.env });
    await s.waitForText(/demo\s+● reachable/, 30_000);
    s.press('z');
    const listed = await s.waitForText(/Snapshots · demo:vm1[\s\S]*@/);
    const before = snapshotsIn(listed);

    s.press('c');
    let screen = await s.waitForText(/Snapshot vm1 now as @\d{8}-\d{4}/);
    const name = /Snapshot vm1 now as @(\S+)\?/.exec(screen)![1]!;
    expect(screen).toContain(`$ zfs snapshot microvms/storage/vm1@${name}`);
    s.press('n');
    screen = await s.waitForText('snapshot cancelled');
    expect(snapshotsIn(screen)).toEqual(before);

    s.press('c');
    await s.waitForText(`Snapshot vm1 now as @${name}?`);
    s.press('y');
    screen = await s.waitForText(`created microvms/storage/vm1@${name}`, 15_000);
    expect(before.has(name)).toBe(false);
    s.press('q');
  }, 60_000);
});
