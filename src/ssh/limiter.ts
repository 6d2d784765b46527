// Caps concurrent channels on one connection: sshd refuses channels past MaxSessions (default 10)
// with "open failed", so callers wait for a slot instead of failing.

export class Limiter {
  private active = 0;
  private readonly waiting: Array<{ grant: () => void; reject: (e: unknown) => void }> = [];

  constructor(readonly max: number) {
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`limiter size must be a positive integer, got ${max}`);
  }

  get running(): number {
    return this.active;
  }

  get queued(): number {
    return this.waiting.length;
  }

  /** Resolves with a release function once a slot is free. Release is idempotent. */
  acquire(signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(abortError(signal));
    return new Promise((resolve, reject) => {
      const grant = () => {
        this.active++;
        signal?.removeEventListener('abort', onAbort);
        let released = false;
        resolve(() => {
          if (released) return;
          released = true;
          this.active--;
          this.next();
        });
      };
      const entry = { grant, reject };
      const onAbort = () => {
        const i = this.waiting.indexOf(entry);
        if (i !== -1) this.waiting.splice(i, 1);
        reject(abortError(signal));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(entry);
      this.next();
    });
  }

  /** Runs fn inside a slot. */
  async run<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const release = await this.acquire(signal);
    try {
      return await fn();
    } finally {
      release();
    }
  }

  /** Fails every waiter (the connection went away). */
  rejectAll(err: unknown): void {
    for (const w of this.waiting.splice(0)) w.reject(err);
  }

  private next(): void {
    while (this.active < this.max && this.waiting.length > 0) this.waiting.shift()!.grant();
  }
}

function abortError(signal?: AbortSignal): unknown {
  return signal?.reason ?? new DOMException('aborted', 'AbortError');
}
