import { PGID_MARK } from '../host/process-group.js';

// Reads the process-group report that host/process-group.ts's withPgidReport puts first on a command's stderr.

/** Takes the pgid line off the start of stderr and passes everything else through. */
export class PgidSniffer {
  pgid?: number;
  private head = '';
  private done = false;

  constructor(private readonly pass: (text: string) => void) {}

  push(text: string): void {
    if (this.done) return this.pass(text);
    this.head += text;
    const nl = this.head.indexOf('\n');
    if (nl === -1) {
      // Not ours after all if it cannot be our short line.
      if (this.head.length > 64 || !`${PGID_MARK} `.startsWith(this.head.slice(0, PGID_MARK.length + 1))) this.flush();
      return;
    }
    const m = new RegExp(`^${PGID_MARK} (\\d+)$`).exec(this.head.slice(0, nl));
    if (m) {
      this.pgid = Number(m[1]);
      this.head = this.head.slice(nl + 1);
    }
    this.flush();
  }

  /** Passes on whatever is held back (the stream ended). */
  flush(): void {
    this.done = true;
    const rest = this.head;
    this.head = '';
    if (rest) this.pass(rest);
  }
}
