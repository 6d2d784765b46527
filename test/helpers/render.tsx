import { EventEmitter } from 'node:events';
import { render } from 'ink';
import type { ReactElement } from 'react';
import { ESCAPE_WAIT_MS } from '../../src/input/reader.js';

// A render wrapper for view tests: a fake terminal of a chosen size, keys by name, and waiting for the
// frame a key leads to (the store coalesces dispatches on setImmediate, Ink renders after that).

class FakeStdout extends EventEmitter {
  frames: string[] = [];
  isTTY = true;
  constructor(
    public columns: number,
    public rows: number,
  ) {
    super();
  }
  write = (frame: string) => {
    this.frames.push(frame);
    return true;
  };
}

class FakeStdin extends EventEmitter {
  isTTY = true;
  private data: string | null = null;
  write(data: string) {
    this.data = data;
    this.emit('readable');
    this.emit('data', data);
  }
  read = () => {
    const d = this.data;
    this.data = null;
    return d;
  };
  setEncoding() {}
  setRawMode() {}
  resume() {}
  pause() {}
  ref() {}
  unref() {}
}

const SEQ: Record<string, string> = {
  up: '\u001B[A',
  down: '\u001B[B',
  right: '\u001B[C',
  left: '\u001B[D',
  return: '\r',
  enter: '\r',
  escape: '\u001B',
  tab: '\t',
  space: ' ',
  backspace: '\u007F',
  pageup: '\u001B[5~',
  pagedown: '\u001B[6~',
  home: '\u001B[H',
  end: '\u001B[F',
};

/** The bytes a terminal sends for a key name ('j', 'G', 'down', 'ctrl-c', 'escape'). */
export function keySequence(name: string): string {
  const ctrl = /^ctrl-([a-z])$/.exec(name);
  if (ctrl) return String.fromCharCode(ctrl[1]!.charCodeAt(0) - 96);
  return SEQ[name] ?? name;
}

const tick = () => new Promise<void>((r) => setImmediate(r));
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export interface Rendered {
  lastFrame(): string;
  /** Presses keys one by one, letting each one's frame render. */
  press(...keys: string[]): Promise<void>;
  /** Types text into whatever field has the focus. */
  type(text: string): Promise<void>;
  /** Waits until the frame contains the text (or matches), else throws with the last frame. */
  waitFor(what: string | RegExp | ((frame: string) => boolean), timeoutMs?: number): Promise<string>;
  /** Lets pending renders finish. */
  settle(): Promise<void>;
  resize(cols: number, rows: number): Promise<void>;
  unmount(): void;
}

export function renderTui(node: ReactElement, size: { cols?: number; rows?: number } = {}): Rendered {
  const stdout = new FakeStdout(size.cols ?? 100, size.rows ?? 30);
  const stdin = new FakeStdin();
  const stderr = new FakeStdout(100, 30);
  const inst = render(node, {
    stdout: stdout as unknown as NodeJS.WriteStream,
    stdin: stdin as unknown as NodeJS.ReadStream,
    stderr: stderr as unknown as NodeJS.WriteStream,
    debug: true,
    exitOnCtrlC: false,
    patchConsole: false,
  });
  const lastFrame = () => stdout.frames[stdout.frames.length - 1] ?? '';
  const settle = async () => {
    // until no new frame for a few event-loop turns
    let n = -1;
    for (let i = 0; i < 50 && n !== stdout.frames.length; i++) {
      n = stdout.frames.length;
      await tick();
      await tick();
      await sleep(2);
    }
  };
  return {
    lastFrame,
    settle,
    async press(...keys) {
      for (const k of keys) {
        stdin.write(keySequence(k));
        // a lone ESC is the escape key only once nothing follows it in time (else ESC r is alt-r)
        if (k === 'escape') await sleep(ESCAPE_WAIT_MS + 10);
        await settle();
      }
    },
    async type(text) {
      for (const ch of text) {
        stdin.write(ch);
        await settle();
      }
    },
    async waitFor(what, timeoutMs = 2000) {
      const test = typeof what === 'string' ? (f: string) => f.includes(what) : what instanceof RegExp ? (f: string) => what.test(f) : what;
      const end = Date.now() + timeoutMs;
      while (Date.now() < end) {
        if (test(lastFrame())) return lastFrame();
        await sleep(5);
      }
      throw new Error(`timed out waiting for ${String(what)}; last frame:\n${lastFrame()}`);
    },
    async resize(cols, rows) {
      stdout.columns = cols;
      stdout.rows = rows;
      stdout.emit('resize');
      await settle();
    },
    unmount() {
      inst.unmount();
      inst.cleanup();
    },
  };
}
