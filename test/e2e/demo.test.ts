import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { statusReportSchema } from '../../src/model/status.js';
import { BIN, bundleBuilt, PtySession, selectedVm, type SpawnOptions } from './pty.js';
import { cardText, tempHome } from './screen.js';

// The built binary against the built-in demo, in a real pseudo-terminal: what a new user sees in the first
// five minutes. Build first (`npx tsup`; `npm test` does it).

const VMS = ['vm1', 'vm2', 'vm3', 'vm4', 'vm5'];
const home = tempHome();
let session: PtySession | undefined;

async function start(opts: SpawnOptions = {}): Promise<PtySession> {
  session = await PtySession.start({ args: ['--demo'], ...opts, env: { ...home.env, ...opts.env } });
  return session;
}

/** Every VM card and the host header are on screen. */
const FULL_GRID = (s: string) => VMS.every((v) => cardText(s, v) !== undefined) && /demo\s+● reachable/.test(s) && /pool microvms ONLINE/.test(s);

async function untilGrid(s: PtySession): Promise<string> {
  return s.waitFor('every VM and the host header', (scr) => (FULL_GRID(scr) ? scr : undefined), 30_000);
}

/** Quits with q and returns how the terminal was left. */
async function quit(s: PtySession) {
  s.press('q');
  const exit = await s.exit();
  return { exit, restored: await s.restoration() };
}

beforeAll(() => () => home.cleanup());
afterEach(() => {
  session?.kill();
  session = undefined;
});

describe('mvm-tui --demo in a real terminal', () => {
  it('a session: grid, move, help, logs, snapshot, restart, quit with the terminal restored', async () => {
    const s = await start({ cols: 120, rows: 40 });
    const first = await s.waitForText(/vm1/, 30_000);
    console.log(`spawn -> first frame with a VM: ${Math.round(performance.now() - s.startedAt)} ms`);
    expect(first).toContain('demo');
    let screen = await untilGrid(s);
    console.log(`spawn -> live grid (every VM with state): ${Math.round(performance.now() - s.startedAt)} ms`);
    for (const vm of VMS) expect(cardText(screen, vm)).toMatch(/active \(running\)|activating|failed|inactive/);
    expect(selectedVm(screen)).toBe('vm1');

    // move: j/k and down/up by rows of cards, arrows along a row
    const moves: Array<[string, string]> = [['j', 'vm4'], ['k', 'vm1'], ['right', 'vm2'], ['down', 'vm5'], ['left', 'vm4'], ['up', 'vm1']];
    for (const [key, vm] of moves) {
      s.press(key);
      await s.waitFor(`${vm} selected after ${key}`, (scr) => (selectedVm(scr) === vm ? true : undefined));
    }

    // help opens over the grid and closes again
    s.press('?');
    screen = await s.waitForText(/Help[\s\S]*Quit mvm-tui/);
    expect(cardText(screen, 'vm1')).toBeUndefined();
    s.press('esc');
    screen = await untilGrid(s);
    expect(screen).not.toContain('Quit mvm-tui');

    // logs: the pane opens and new lines arrive (heartbeats every 5 s in the demo)
    s.press('l');
    const beats = (scr: string) => new Set([...scr.matchAll(/\[vm1\] heartbeat (\d+)/g)].map((m) => m[1]!));
    const seen = await s.waitFor('a vm1 heartbeat in the log pane', (scr) => (beats(scr).size ? beats(scr) : undefined), 15_000);
    await s.waitFor(
      'a newer heartbeat',
      (scr) => ([...beats(scr)].some((n) => !seen.has(n)) ? true : undefined),
      20_000,
    );
    s.press('esc');
    await s.waitFor('the log pane closed', (scr) => (beats(scr).size === 0 ? true : undefined));

    // snapshot: z opens the browser on vm1, c asks and y takes one, and it is listed
    s.press('z');
    screen = await s.waitForText(/Snapshots · demo:vm1/);
    const before = new Set([...screen.matchAll(/@(\S+)/g)].map((m) => m[1]));
    s.press('c');
    await s.waitForText(/Snapshot vm1 now as @/);
    s.press('y');
    const created = await s.waitFor('the snapshot created', (scr) => /created microvms\/storage\/vm1@(\S+)/.exec(scr)?.[1], 20_000);
    expect(before.has(created)).toBe(false);
    await s.waitFor(`@${created} in the list`, (scr) => (scr.split('\n').some((l) => l.includes(created) && !l.includes('created')) ? true : undefined), 10_000);
    s.press('esc');
    await s.waitFor('the browser closed', (scr) => (!scr.includes('Snapshots ·') && FULL_GRID(scr) ? true : undefined));

    // restart vm2 (which needs one): confirm, then see the unit come back freshly started
    s.press('right');
    await s.waitFor('vm2 selected', (scr) => (selectedVm(scr) === 'vm2' ? true : undefined));
    screen = await s.screenText();
    expect(cardText(screen, 'vm2')).toMatch(/RESTART NEEDED/);
    expect(cardText(screen, 'vm2')).toMatch(/active \(running\) \d+d/);
    s.press('r');
    screen = await s.waitForText(/Restart vm2( on demo)?\?/);
    expect(screen).toContain('systemctl restart microvm@vm2');
    s.press('y');
    const transitions = new Set<string>();
    await s.waitFor(
      'vm2 restarted',
      (scr) => {
        const card = cardText(scr, 'vm2') ?? '';
        if (/restart/.test(card.split('\n')[1] ?? '')) transitions.add('spinner');
        if (/activating|deactivating|inactive/.test(card)) transitions.add('transient state');
        return /restarted vm2/.test(scr) && /active \(running\) \d+s\b/.test(card) && !/RESTART NEEDED/.test(card) ? true : undefined;
      },
      30_000,
    );
    // the restart was seen in flight, not only its result
    expect(transitions.size).toBeGreaterThan(0);

    const { exit, restored } = await quit(s);
    expect(exit.code).toBe(0);
    expect(restored).toEqual({ leftAltScreen: true, cursorShown: true, echo: true });
    // after the alternate screen is gone, the demo says how to set up a real host
    expect(s.raw.slice(s.raw.lastIndexOf('\x1b[?1049l'))).toMatch(/mvm-tui config init/);
  });

  it('Ctrl-C quits and restores the terminal', async () => {
    const s = await start();
    await untilGrid(s);
    s.press('ctrl-c');
    const exit = await s.exit();
    expect(exit.code).toBe(0);
    expect(await s.restoration()).toEqual({ leftAltScreen: true, cursorShown: true, echo: true });
  });

  it('kill -TERM ends it with 143 and restores the terminal', async () => {
    const s = await start();
    await untilGrid(s);
    process.kill(s.programPid(), 'SIGTERM');
    const exit = await s.exit();
    expect(exit.code).toBe(143);
    expect(await s.restoration()).toEqual({ leftAltScreen: true, cursorShown: true, echo: true });
  });

  it('200x60 shows every VM in one screen with its details', async () => {
    const s = await start({ cols: 200, rows: 60 });
    const screen = await untilGrid(s);
    for (const vm of VMS) expect(cardText(screen, vm)).toMatch(/snaps?/);
    expect(screen).not.toMatch(/Terminal too small/);
    await quit(s);
  });

  it('80x24: header on top, the cards that fit, a "more" line, the status line last; never a full clear', async () => {
    const s = await start({ cols: 80, rows: 24 });
    const screen = await s.waitFor('the header and vm1', (scr) => (/demo\s+● reachable/.test(scr) && cardText(scr, 'vm1')?.includes('active') ? scr : undefined), 30_000);
    const lines = screen.split('\n');
    // a frame taller than the screen would scroll the header away
    expect(lines[0]).toMatch(/^ demo\s+● reachable/);
    for (const vm of ['vm1', 'vm2', 'vm3', 'vm4']) expect(cardText(screen, vm), vm).toMatch(/active/);
    expect(screen).toMatch(/… 1 more VM/);
    // the frame is rows-1 tall: the status line (demo notice + key hints, ending with the two always kept) is the 23rd row
    expect(lines[22]).toMatch(/^DEMO · real host: mvm-tui config init\s+.*q quit {2}\? help$/);
    s.press('G');
    await s.waitFor('vm5 selected, scrolled into view', (scr) => (selectedVm(scr) === 'vm5' ? true : undefined));
    await quit(s);
    // Ink clears the whole screen (flicker) when a frame is as tall as the terminal
    expect(s.raw).not.toContain('\x1b[2J');
  });

  it('below 80x24 it says the terminal is too small, and grows back into the grid', async () => {
    const s = await start({ cols: 70, rows: 20 });
    await s.waitForText(/Terminal too small: 70x20[\s\S]*at least 80x24/, 30_000);
    s.resize(120, 40);
    await untilGrid(s);
    const { exit } = await quit(s);
    expect(exit.code).toBe(0);
  });

  it('NO_COLOR: no colour codes, and state still reads as words and symbols', async () => {
    const s = await start({ env: { NO_COLOR: '1', FORCE_COLOR: undefined } });
    const screen = await untilGrid(s);
    for (const vm of VMS) expect(cardText(screen, vm)).toMatch(/[●▲▼○✗] (active|activating|inactive|failed)/);
    expect(screen).toMatch(/ONLINE/);
    expect(cardText(screen, 'vm2')).toMatch(/RESTART NEEDED/);
    await quit(s);
    // SGR colour sequences (30-37, 90-97 foreground; 38;5/38;2 extended) must not appear at all
    // eslint-disable-next-line no-control-regex
    expect(s.raw).not.toMatch(/\x1b\[(?:[0-9;]*;)?(?:3[0-79]|9[0-7]|38;[25])(?:;[0-9;]*)?m/);
  });

  it('a 16-colour terminal (TERM=xterm) gets only the 16 basic colours, and the same words', async () => {
    const s = await start({ term: 'xterm', env: { COLORTERM: undefined, FORCE_COLOR: undefined } });
    const screen = await untilGrid(s);
    for (const vm of VMS) expect(cardText(screen, vm)).toMatch(/[●▲▼○✗] (active|activating|inactive|failed)/);
    await quit(s);
    /* eslint-disable no-control-regex */
    expect(s.raw).toMatch(/\x1b\[3[0-7]m/);
    expect(s.raw).not.toMatch(/\x1b\[[0-9;]*[34]8;[25];/);
    /* eslint-enable no-control-regex */
  });

  it('with no inventory file and no --demo, the UI runs the demo and says how to configure a real host', async () => {
    const s = await start({ args: [] });
    const screen = await untilGrid(s);
    expect(screen).toMatch(/No inventory, DEMO: mvm-tui config init/);
    const { exit, restored } = await quit(s);
    expect(exit.code).toBe(0);
    expect(restored.leftAltScreen).toBe(true);
    expect(s.raw).toMatch(/examples\/simple-microvm-infra\.yaml/);
  });

  it('a missing file named with --config is an error, not the demo', async () => {
    const s = await start({ args: ['--config', '/nonexistent/mvm-tui.yaml'] });
    const exit = await s.exit();
    expect(exit.code).toBe(2);
    expect(s.raw).toMatch(/nonexistent\/mvm-tui\.yaml: no such file/);
    expect(s.raw).not.toContain('\x1b[?1049h');
  });
});

describe('--demo for subcommands', () => {
  it('status --demo --json reports the demo host and its five VMs (no inventory, no terminal)', async () => {
    await bundleBuilt();
    const r = await promisify(execFile)(process.execPath, [BIN, 'status', '--demo', '--json', '--no-probe'], { env: { ...process.env, ...home.env }, timeout: 30_000 }).then(
      (o) => ({ code: 0, stdout: o.stdout }),
      (e: { code?: number; stdout?: string }) => ({ code: e.code ?? -1, stdout: e.stdout ?? '' }),
    );
    // 1 is fine: the demo's vm2 needs a restart, which status reports as needing attention
    expect([0, 1]).toContain(r.code);
    const report = statusReportSchema.parse(JSON.parse(r.stdout));
    expect(report.hosts.map((h) => h.name)).toEqual(['demo']);
    expect(report.hosts[0]!.vms.map((v) => v.name)).toEqual(VMS);
  });

  const cli = (args: string[]) =>
    promisify(execFile)(process.execPath, [BIN, ...args], { env: { ...process.env, ...home.env }, timeout: 30_000 }).then(
      (o) => ({ code: 0, stdout: o.stdout, stderr: o.stderr }),
      (e: { code?: number; stdout?: string; stderr?: string }) => ({ code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' }),
    );

  it('logs of a name that is no VM and no unit is a usage error (exit 2) naming what exists', async () => {
    await bundleBuilt();
    for (const name of ['vm9', 'nosuchd']) {
      const r = await cli(['logs', '--demo', name]);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(new RegExp(`no VM or unit named "${name}" on demo\\. VMs: vm1, vm2, vm3, vm4, vm5; units on demo: .*comin\\.service.*sshd\\.service`));
    }
  });

  it('logs of the host units comin and sshd print their lines', async () => {
    await bundleBuilt();
    const comin = await cli(['logs', '--demo', 'comin', '-n', '3']);
    expect(comin.code).toBe(0);
    expect(comin.stdout).toMatch(/comin\[info\]: The remote branch origin\/main is at /);
    const sshd = await cli(['logs', '--demo', 'sshd.service', '-n', '3']);
    expect(sshd.code).toBe(0);
    expect(sshd.stdout).toMatch(/sshd\[info\]: Accepted publickey for root/);
  });
});
