import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import xterm from '@xterm/headless';
import pty from 'node-pty';

// Drives the built binary in a real pseudo-terminal: node-pty for the terminal, @xterm/headless to turn the
// byte stream into the screen a user would see. The child runs under a tiny sh wrapper that prints its exit
// status and `stty -a` afterwards, so a test can tell whether the terminal was left in a usable state.

const { Terminal } = xterm;

export const ROOT = resolve(import.meta.dirname, '../..');
export const BIN = resolve(ROOT, 'bin/mvm-tui');

const KEYS: Record<string, string> = {
  up: '\x1b[A',
  down: '\x1b[B',
  right: '\x1b[C',
  left: '\x1b[D',
  enter: '\r',
  esc: '\x1b',
  tab: '\t',
  'ctrl-c': '\x03',
  'ctrl-d': '\x04',
};

export interface SpawnOptions {
  /** Arguments after the program. */
  args?: string[];
  /** The program and its leading arguments; default: node bin/mvm-tui. */
  command?: string[];
  cols?: number;
  rows?: number;
  /** Added to (or, when undefined, removed from) the inherited environment; CI is always removed. */
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** TERM for the child (default xterm-256color; 'xterm' is a 16-colour terminal). */
  term?: string;
}

export interface Exit {
  /** The exit status of the program itself (from the wrapper), or null if it died before the wrapper said. */
  code: number | null;
  /** `stty -a` run after the program, on the same terminal. */
  stty: string;
}

export interface Restoration {
  /** The last alternate-screen switch in the raw stream leaves it. */
  leftAltScreen: boolean;
  /** The cursor is shown after the last time it was hidden. */
  cursorShown: boolean;
  /** The terminal's echo flag is on after the program (it was in raw mode while running). */
  echo: boolean;
}

function childEnv(term: string, extra: Record<string, string | undefined>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  // Ink renders nothing live when CI is set, even to an empty value.
  delete env.CI;
  env.TERM = term;
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits a little for dist/cli.js (tsup cleans dist/ before writing it), then says to build. */
export async function bundleBuilt(timeoutMs = 15_000): Promise<void> {
  const file = resolve(ROOT, 'dist/cli.js');
  for (const until = performance.now() + timeoutMs; !existsSync(file); await sleep(100)) {
    if (performance.now() > until) throw new Error('dist/cli.js is missing: build first (npx tsup; npm test builds)');
  }
}

export class PtySession {
  /** Every byte the program wrote, as received. */
  raw = '';
  readonly startedAt = performance.now();
  readonly exited: Promise<Exit>;
  private readonly term: InstanceType<typeof Terminal>;
  private readonly proc: pty.IPty;
  private written: Promise<void> = Promise.resolve();
  private done = false;
  private acked = false;

  private constructor(opts: SpawnOptions) {
    const cols = opts.cols ?? 120;
    const rows = opts.rows ?? 40;
    this.term = new Terminal({ cols, rows, allowProposedApi: true, scrollback: 0 });
    const command = opts.command ?? [process.execPath, BIN];
    // "$@" keeps arguments unquoted by us; the markers let exit() find the status and stty's answer. The
    // wrapper then holds the terminal open until we have read the end marker (we answer it with a newline):
    // a CI run saw the program end but none of the markers, and the likeliest loss is what the wrapper wrote
    // last as it closed the terminal (not reproduced here).
    const script = '"$@"; s=$?; printf "\\n@@EXIT %s@@\\n" "$s"; stty -a; printf "@@END@@\\n"; read -r -t 5 _ || true';
    this.proc = pty.spawn('/bin/bash', ['-c', script, 'bash', ...command, ...(opts.args ?? [])], {
      name: opts.term ?? 'xterm-256color',
      cols,
      rows,
      cwd: opts.cwd ?? ROOT,
      env: childEnv(opts.term ?? 'xterm-256color', opts.env ?? {}),
    });
    this.proc.onData((d) => {
      this.raw += d;
      if (!this.acked && this.raw.includes('@@END@@')) {
        this.acked = true;
        this.proc.write('\n');
      }
      const prev = this.written;
      this.written = prev.then(() => new Promise<void>((r) => this.term.write(d, r)));
    });
    this.exited = new Promise<Exit>((res) => {
      this.proc.onExit(async () => {
        this.done = true;
        // node-pty may report the exit before the last output chunks arrive: give them a moment.
        for (let i = 0; i < 50 && !this.raw.includes('@@END@@'); i++) await new Promise((r) => setTimeout(r, 20));
        const m = /@@EXIT (\d+)@@([\s\S]*?)@@END@@/.exec(this.raw);
        res({ code: m ? Number(m[1]) : null, stty: m?.[2] ?? '' });
      });
    });
  }

  static spawn(opts: SpawnOptions = {}): PtySession {
    return new PtySession(opts);
  }

  /** spawn(), once the bundle is there: another build in the same tree may have just cleaned dist/. */
  static async start(opts: SpawnOptions = {}): Promise<PtySession> {
    if (!opts.command) await bundleBuilt();
    return new PtySession(opts);
  }

  get cols(): number {
    return this.term.cols;
  }

  get rows(): number {
    return this.term.rows;
  }

  /** Inside a synchronized update (Ink brackets each frame in ?2026h/?2026l): a terminal shows it at the end. */
  private midFrame(): boolean {
    return this.raw.lastIndexOf('\x1b[?2026h') > this.raw.lastIndexOf('\x1b[?2026l');
  }

  /** The visible screen as a terminal shows it (whole frames only), one line per row, trailing spaces trimmed. */
  async screenText(): Promise<string> {
    for (let i = 0; i < 50 && this.midFrame() && !this.done; i++) await sleep(10);
    await this.written;
    const buf = this.term.buffer.active;
    const lines: string[] = [];
    for (let y = 0; y < this.term.rows; y++) lines.push(buf.getLine(buf.viewportY + y)?.translateToString(true) ?? '');
    return lines.join('\n');
  }

  /** Waits until the screen matches; returns the screen. Fails with the last screen in the message. */
  async waitForText(re: RegExp | string, timeoutMs = 10_000): Promise<string> {
    const test = (s: string) => (typeof re === 'string' ? s.includes(re) : re.test(s));
    const until = performance.now() + timeoutMs;
    let screen = '';
    for (;;) {
      screen = await this.screenText();
      if (test(screen)) return screen;
      if (performance.now() > until || this.done) break;
      await sleep(40);
    }
    screen = await this.screenText();
    if (test(screen)) return screen;
    throw new Error(`timed out after ${timeoutMs} ms waiting for ${String(re)}${this.done ? ' (the program exited)' : ''}; screen:\n${screen}`);
  }

  /** Waits until `fn(screen)` returns something other than undefined. */
  async waitFor<T>(what: string, fn: (screen: string) => T | undefined, timeoutMs = 10_000): Promise<T> {
    const until = performance.now() + timeoutMs;
    for (;;) {
      const screen = await this.screenText();
      const v = fn(screen);
      if (v !== undefined) return v;
      if (performance.now() > until || this.done) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; screen:\n${screen}`);
      await sleep(40);
    }
  }

  /** Types keys: named ones ('down', 'enter', 'esc', 'ctrl-c', ...) or literal text. */
  press(...keys: string[]): void {
    for (const k of keys) this.proc.write(KEYS[k] ?? k);
  }

  resize(cols: number, rows: number): void {
    this.proc.resize(cols, rows);
    this.term.resize(cols, rows);
  }

  /** Closes the terminal (the pty master), as a killed tmux session or a dropped SSH link does: the kernel
   *  hangs up the program's session. */
  hangUp(): void {
    (this.proc as unknown as { destroy(): void }).destroy();
  }

  /** The pid of the wrapper shell (the session leader on the terminal). */
  get wrapperPid(): number {
    return this.proc.pid;
  }

  /** The pid of the program itself (the wrapper shell's child). */
  programPid(): number {
    const children = readFileSync(`/proc/${this.proc.pid}/task/${this.proc.pid}/children`, 'utf8').trim().split(/\s+/);
    const pid = Number(children[0]);
    if (!pid) throw new Error('the program is not running');
    return pid;
  }

  /** Waits for the program and the wrapper to end; kills everything if that takes too long. Fails, with the
   *  last output, when the wrapper's markers never arrived. */
  async exit(timeoutMs = 10_000): Promise<Exit> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, rej) => {
      timer = setTimeout(() => {
        this.kill();
        rej(new Error(`the program did not exit within ${timeoutMs} ms; screen:\n${this.term.buffer.active.getLine(0)?.translateToString(true)}`));
      }, timeoutMs);
    });
    try {
      const exit = await Promise.race([this.exited, timeout]);
      if (exit.code === null) throw new Error(`the wrapper's exit marker never arrived; the last output:\n${JSON.stringify(this.raw.slice(-400))}`);
      return exit;
    } finally {
      clearTimeout(timer);
    }
  }

  /** What the raw stream and stty say about the terminal after the program ended. */
  async restoration(): Promise<Restoration> {
    const { stty } = await this.exited;
    const program = this.raw.slice(0, this.raw.indexOf('@@EXIT'));
    const enter = program.lastIndexOf('\x1b[?1049h');
    const leave = program.lastIndexOf('\x1b[?1049l');
    const hide = program.lastIndexOf('\x1b[?25l');
    const show = program.lastIndexOf('\x1b[?25h');
    return {
      leftAltScreen: enter >= 0 && leave > enter,
      cursorShown: show > hide,
      echo: /(^|\s)echo(\s|$)/.test(stty) && !/(^|\s)-echo(\s|$)/.test(stty),
    };
  }

  /** Ends the wrapper and the program (cleanup after a failed test). */
  kill(): void {
    if (this.done) return;
    try {
      process.kill(this.programPid(), 'SIGKILL');
    } catch {
      // already gone
    }
    try {
      this.proc.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** The name of the selected VM card: the one drawn with the `>` marker. */
export function selectedVm(screen: string): string | undefined {
  return /[║│]>[ *](vm\d+)\b/.exec(screen)?.[1];
}
