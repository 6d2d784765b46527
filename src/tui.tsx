import { openSync } from 'node:fs';
import tty from 'node:tty';
import { render, type Instance } from 'ink';
import { App } from './app.js';
import { EXIT, type GlobalOptions } from './commands/types.js';
import { ConfigError } from './config/errors.js';
import type { Inventory } from './config/types.js';
import { createController, type Controller } from './controller/controller.js';
import { registerCoreHandlers } from './controller/core.js';
import { plugins } from './controller/plugins.js';
import { registerVmActions } from './controller/vm-actions.js';
import { registerCustomCommands } from './controller/custom.js';
import { startCominWatch } from './controller/comin.js';
import { registerShell } from './controller/shell.js';
import { describeRun, runSucceeded } from './services/deploy.js';
import { buildKeymap, KeymapError, type Keymap } from './keymap/build.js';
import { ActionService } from './services/actions.js';
import { StatusPoller } from './services/poller.js';
import type { Runtime } from './services/runtime.js';
import { MAX_FPS } from './render-options.js';
import { askPassphrasesWith, openTuiRuntime, type TuiRuntime } from './start-runtime.js';
import { createStore, type Store } from './store/store.js';
import { spawn } from './util/spawn.js';

// The full-screen UI: runtime -> store <- poller, controller with handlers, <App/> on the alternate screen.
// The terminal is restored on quit, Ctrl-C, SIGTERM/SIGHUP and on a crash. A hang-up (SIGHUP, the terminal
// gone: EIO/EPIPE on it, its input ended) or SIGTERM ends the program within END_DEADLINE_MS whatever still runs.

const ENTER_ALT = '\u001B[?1049h\u001B[H';
const LEAVE_ALT = '\u001B[?1049l';
const SHOW_CURSOR = '\u001B[?25h';
// bracketed paste (a paste arrives marked, and is never taken as keys); mouse: clicks (1000) in SGR form (1006)
const PASTE_ON = '\u001B[?2004h';
const PASTE_OFF = '\u001B[?2004l';
const MOUSE_ON = '\u001B[?1000h\u001B[?1006h';
const MOUSE_OFF = '\u001B[?1006l\u001B[?1000l';

/** The longest a hang-up, a signal or a crash leaves the process alive (cleanup that takes longer is cut). */
export const END_DEADLINE_MS = 600;

/** Errors that say the terminal is gone (its pty closed, the SSH session that held it dropped). */
function terminalGone(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  return code === 'EIO' || code === 'EPIPE' || code === 'ENXIO' || code === 'EBADF' || code === 'ERR_STREAM_DESTROYED';
}

function keymapFor(inv: Inventory): Keymap {
  return buildKeymap({ keys: inv.keys, custom: inv.hosts.flatMap((h) => h.commands) });
}

export function storeFor(inv: Inventory, readOnly: boolean): Store {
  const store = createStore();
  store.dispatch({
    type: 'hosts/init',
    hosts: inv.hosts.map((h) => ({ name: h.name, readOnly: h.readOnly, vms: h.vms.map((v) => ({ name: v.name, role: v.role, unit: v.unit })) })),
  });
  store.dispatch({ type: 'ui/readOnly', readOnly: readOnly || inv.readOnly, shellsInReadOnly: inv.shellsInReadOnly });
  return store;
}

/** Restores the terminal whatever happens; idempotent; writes nothing to a terminal that is gone. */
function terminalGuard(out: NodeJS.WriteStream, inp: NodeJS.ReadStream, mouse: boolean) {
  let inAlt = false;
  let gone = false;
  return {
    enter() {
      if (inAlt || !out.isTTY || gone) return;
      out.write(ENTER_ALT + PASTE_ON + (mouse ? MOUSE_ON : ''));
      inAlt = true;
    },
    restore() {
      if (gone) return;
      try {
        if (inp.isTTY && inp.isRaw) inp.setRawMode(false);
        if (!inAlt) return;
        inAlt = false;
        out.write((mouse ? MOUSE_OFF : '') + PASTE_OFF + LEAVE_ALT + SHOW_CURSOR);
      } catch {
        gone = true; // nothing left to restore
      }
    },
    /** The terminal is gone: nothing is written to it any more. */
    lost() {
      gone = true;
    },
    get gone() {
      return gone;
    },
  };
}

/**
 * Keys are read from a stream of our own on /dev/tty, not from process.stdin: to hand the terminal to a shell
 * it is destroyed (its fd closed), which surely stops reading. pause() on process.stdin does not stop the tty
 * handle (it reads on until 16 KiB are buffered), so keys typed into the shell would vanish into our buffer.
 */
function openInput(): NodeJS.ReadStream {
  try {
    return new tty.ReadStream(openSync('/dev/tty', 'r')) as unknown as NodeJS.ReadStream;
  } catch {
    return process.stdin;
  }
}

/** Waits for one key on the terminal (or for `stop()` to turn true: a hang-up while waiting). */
function anyKey(stop: () => boolean): Promise<void> {
  return new Promise<void>((resolve) => {
    let inp: NodeJS.ReadStream;
    try {
      inp = openInput();
      if (inp.isTTY) inp.setRawMode(true);
    } catch {
      return resolve();
    }
    const poll = setInterval(() => stop() && end(), 100);
    const end = () => {
      clearInterval(poll);
      try {
        if (inp.isTTY && inp.isRaw) inp.setRawMode(false);
      } catch {
        // gone
      }
      if (inp !== process.stdin) {
        inp.on('error', () => {});
        inp.destroy();
      } else inp.pause();
      resolve();
    };
    inp.once('data', end);
    inp.once('end', end);
    inp.once('error', end);
  });
}

/** `opening` is the runtime being opened (main.ts starts it while this module loads). */
export async function runTui(global: GlobalOptions, opening: Promise<TuiRuntime> = openTuiRuntime(global)): Promise<number> {
  const { stdout, stdin, stderr } = process;
  let rt: Runtime;
  let notice: string | undefined;
  let exitNotice: string | undefined;
  let keymap: Keymap;
  try {
    ({ rt, notice, exitNotice } = await opening);
  } catch (e) {
    // A missing default inventory already fell back to the demo; this is a bad or explicitly named file.
    if (e instanceof ConfigError) {
      stderr.write(`mvm-tui: ${e.message}\n`);
      return EXIT.usage;
    }
    throw e;
  }
  try {
    keymap = keymapFor(rt.inventory);
  } catch (e) {
    await rt.close();
    if (e instanceof KeymapError) {
      stderr.write(`mvm-tui: ${rt.inventory.source}: ${e.message}\n`);
      return EXIT.usage;
    }
    throw e;
  }

  if (!stdin.isTTY) {
    // keys need a terminal in raw mode; without one the UI could not even be quit
    await rt.close();
    stderr.write('mvm-tui: the full-screen UI needs a terminal; for scripts use `mvm-tui status` (see --help)\n');
    return EXIT.usage;
  }
  const store = storeFor(rt.inventory, global.readOnly);
  const controller: Controller = createController({
    store,
    keymap,
    // a key refused in read-only mode is audited like the service layer's refusals (the command was never built)
    onRefused: (r) => void rt.guard.refused({ host: r.host, target: r.target, action: r.id, command: `(${r.description})` }).catch(() => {}),
  });
  if (notice) controller.status(notice, 'warn');
  // Keys load on the first connection, after the first frame: an encrypted key asks in a dialog of the UI.
  askPassphrasesWith(async (keyPath) => {
    const typed = await controller.askSecret({ title: `Passphrase for ${keyPath}`, lines: ['Needed to connect; decrypted once in memory, the passphrase is not kept.'] });
    if (typed === null) throw new Error('passphrase entry cancelled');
    return typed;
  });
  const poller = new StatusPoller(rt.transport, rt.inventory, {
    intervalMs: rt.inventory.refreshMs,
    events: rt.inventory.events,
    fullEveryMs: rt.inventory.fullRefreshMs,
    usageEveryMs: rt.inventory.poolRefreshMs,
    onStatus: (status) => store.dispatch({ type: 'hosts/status', status, at: Date.now() }),
    onMode: (host, mode) => store.dispatch({ type: 'hosts/mode', host, mode }),
  });
  const refresh = (host?: string) => void poller.refreshNow(host).catch(() => {});
  const actions = new ActionService({ inventory: rt.inventory, transport: rt.transport, guard: rt.guard });
  registerCoreHandlers(controller, { refresh: () => refresh() });
  registerVmActions(controller, {
    run: async (verb, t) => {
      const [o] = await actions.unitAction(verb, t.host, [t.vm]);
      if (!o) return { ok: false, message: 'no outcome' };
      return { ok: o.ok, message: [o.message, ...o.journal.slice(-1)].join(' — ') };
    },
    refresh,
    unitOf: (t) => rt.inventory.hosts.find((h) => h.name === t.host)?.vms.find((v) => v.name === t.vm)?.unit ?? `microvm@${t.vm}`,
  });
  registerCustomCommands(
    controller,
    rt.inventory.hosts.flatMap((h) => h.commands.map((c) => ({ host: h.name, name: c.name, command: c.command, dangerous: c.dangerous, onVm: c.onVm }))),
    async (host, name, vm) => {
      const r = await actions.custom(host, name, vm);
      return { ok: runSucceeded(r), message: [describeRun(r), r.lastLines[r.lastLines.length - 1]].filter(Boolean).join(': ') };
    },
  );
  const stopComin = startCominWatch(controller, {
    hosts: rt.inventory.hosts.map((h) => h.name),
    status: async (host) => {
      const s = await actions.cominStatus(host);
      if (!s) return null;
      if (s.error !== undefined) return { commit: '', status: `error: ${s.error}`, fetchedAt: null };
      return { commit: s.deployedCommit ?? '', status: s.deploymentStatus ?? 'unknown', fetchedAt: s.fetchedAt ?? null };
    },
    fetch: async (host) => {
      const r = await actions.cominFetch(host);
      return { ok: runSucceeded(r), message: describeRun(r) };
    },
  });
  const offState = rt.transport.onState((conn) => store.dispatch({ type: 'hosts/conn', conn }));

  // mouse reporting unless --no-mouse or `mouse: false`; turned off again on every way out (restore)
  const term = terminalGuard(stdout, stdin, !global.noMouse && rt.inventory.mouse !== false);
  let ink: Instance | null = null;
  let input: NodeJS.ReadStream = process.stdin;
  let ending = false;
  // set below: a hang-up ends the UI; declared here for the input's listeners
  let hangUp: (why: string) => void = () => {};
  const inputEnded = () => hangUp('the terminal closed');
  const inputError = (e: Error) => hangUp(e.message);
  const mount = () => {
    if (ending) return;
    term.enter();
    input = openInput();
    // the pty master closed: the input ends (or fails with EIO) even when no SIGHUP comes
    input.on('end', inputEnded);
    input.on('error', inputError);
    ink = render(<App services={{ store, controller, keymap }} />, {
      stdin: input,
      exitOnCtrlC: false,
      patchConsole: true,
      // incrementalRendering (ink 6.8) is off on purpose: with a rows-1 frame ending in a newline it moves the
      // cursor up one line too few, leaving a stale line at the top on every redraw (seen in a real pty).
      incrementalRendering: false,
      maxFps: MAX_FPS,
    });
  };
  const unmount = () => {
    try {
      ink?.unmount();
    } catch {
      // a terminal gone mid-frame: nothing to tidy on it
    }
    ink = null;
    input.off('end', inputEnded);
    input.off('error', inputError);
    if (input !== process.stdin) {
      try {
        if (input.isRaw && !term.gone) input.setRawMode(false);
      } catch {
        // gone
      }
      input.on('error', () => {}); // a late EIO from the closed fd is no crash
      input.destroy();
    }
  };

  const suspend = async <T,>(fn: () => Promise<T>): Promise<T> => {
    // All UI state lives in the store, so a fresh mount after the shell shows exactly what was there.
    unmount();
    term.restore();
    try {
      return await fn();
    } finally {
      mount();
    }
  };
  registerShell(controller, {
    hosts: rt.inventory.hosts,
    runInteractive: (argv) =>
      suspend(
        () =>
          new Promise<number | null>((resolve) => {
            const child = spawn(argv[0]!, argv.slice(1), { stdio: 'inherit' });
            child.on('error', (e) => {
              stderr.write(`mvm-tui: ${argv[0]}: ${e.message}\n`);
              resolve(127);
            });
            child.on('exit', (code) => resolve(code));
          }).then(async (code) => {
            // a shell that failed leaves its reason (ssh's last error lines) on the screen: wait for a key
            // before the UI covers it again
            if (code !== 0 && !ending && !term.gone) {
              stderr.write(`\nmvm-tui: ${argv[0]} ended with exit ${code ?? 'by a signal'}; press any key to return\n`);
              await anyKey(() => ending);
            }
            return code;
          }),
      ),
  });

  const cleanups: Array<() => void | Promise<void>> = [];
  for (const plugin of plugins) {
    const c = plugin({ controller, store, runtime: rt, refresh, suspend });
    if (c) cleanups.push(c);
  }

  let finish!: (code: number) => void;
  const done = new Promise<number>((r) => (finish = r));
  controller.onQuit(() => finish(EXIT.ok));
  /** Ends the UI now, and the process within END_DEADLINE_MS whatever the cleanup still waits for. */
  const endNow = (code: number) => {
    if (ending) return;
    ending = true;
    finish(code);
    setTimeout(() => process.exit(code), END_DEADLINE_MS).unref();
    // unref'd: a clean end exits sooner by itself; while anything holds the process the timer still fires
  };
  hangUp = () => {
    term.lost();
    endNow(129);
  };
  const onSignal = (sig: NodeJS.Signals) => {
    if (sig === 'SIGHUP') hangUp('SIGHUP');
    else endNow(143);
  };
  let crashed = false;
  const onCrash = (e: unknown) => {
    if (terminalGone(e)) return hangUp(String(e));
    // a crash while handling one (or while ending) exits at once: never loop
    if (crashed) process.exit(EXIT.attention);
    crashed = true;
    try {
      term.restore();
      if (!term.gone) stderr.write(`mvm-tui: crashed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    } catch {
      // the terminal went with it
    }
    endNow(EXIT.attention);
  };
  // a write to a terminal that is gone fails with EIO/EPIPE as an 'error' event: that is a hang-up
  const onOutputError = (e: Error) => (terminalGone(e) ? hangUp(e.message) : onCrash(e));
  stdout.on('error', onOutputError);
  stderr.on('error', onOutputError);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);
  process.on('uncaughtException', onCrash);
  process.on('unhandledRejection', onCrash);
  // last resort: whatever path exits the process, leave the terminal usable
  const onExit = () => term.restore();
  process.on('exit', onExit);

  let code: number;
  try {
    mount();
    // a turn between the first frame and the first refresh: a hang-up or signal that came while the frame was
    // drawn (the longest synchronous stretch of start-up) ends the program before the first connection starts
    await new Promise((r) => setImmediate(r));
    if (!ending) poller.start();
    code = await Promise.race([
      done,
      // Ink exits by itself on a render error: treat it as a crash, not a hang
      (ink as Instance | null)?.waitUntilExit().then(
        () => new Promise<number>(() => {}),
        (e: unknown) => {
          onCrash(e);
          return EXIT.attention;
        },
      ) ?? done,
    ]);
  } finally {
    askPassphrasesWith(undefined);
    poller.stop();
    stopComin();
    offState();
    unmount();
    term.restore();
    process.off('SIGTERM', onSignal);
    process.off('SIGHUP', onSignal);
    process.off('uncaughtException', onCrash);
    process.off('unhandledRejection', onCrash);
    process.off('exit', onExit);
    for (const c of cleanups) await Promise.resolve(c()).catch(() => {});
    await rt.close().catch(() => {});
    if (term.gone) {
      // nothing can be shown any more; an EIO still coming from a write in flight is no crash
      stdout.off('error', onOutputError);
      stderr.off('error', onOutputError);
      stdout.on('error', () => {});
      stderr.on('error', () => {});
    } else {
      stdout.off('error', onOutputError);
      stderr.off('error', onOutputError);
    }
  }
  if (exitNotice && !term.gone) stderr.write(exitNotice);
  return code;
}
