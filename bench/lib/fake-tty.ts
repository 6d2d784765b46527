import { EventEmitter } from 'node:events';

// A terminal for an in-process Ink render (as ink-testing-library does), recording when each frame is written.

export class FakeStdout extends EventEmitter {
  readonly isTTY = true;
  writes = 0;
  bytes = 0;
  constructor(
    readonly columns: number,
    readonly rows: number,
  ) {
    super();
  }
  write = (s: string): boolean => {
    this.writes++;
    this.bytes += s.length;
    this.emit('frame', s, performance.now());
    return true;
  };
  /** Resolves with the time of the next write containing `marker` (or null after budgetMs). */
  next(marker: string, budgetMs: number): Promise<number | null> {
    return new Promise((resolve) => {
      const on = (s: string, t: number) => {
        if (!s.includes(marker)) return;
        clearTimeout(timer);
        this.off('frame', on);
        resolve(t);
      };
      const timer = setTimeout(() => {
        this.off('frame', on);
        resolve(null);
      }, budgetMs);
      this.on('frame', on);
    });
  }
}

export class FakeStdin extends EventEmitter {
  readonly isTTY = true;
  setRawMode(): this {
    return this;
  }
  setEncoding(): this {
    return this;
  }
  resume(): this {
    return this;
  }
  pause(): this {
    return this;
  }
  ref(): this {
    return this;
  }
  unref(): this {
    return this;
  }
  read(): null {
    return null;
  }
}
