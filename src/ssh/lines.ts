import { StringDecoder } from 'node:string_decoder';

// Splits a byte stream into lines. Chunks may end mid-line or mid-UTF-8 character, so both the partial
// line and the partial character are carried over to the next chunk. CRLF and LF both end a line.

/** Longest partial line kept before it is emitted anyway, so a stream without newlines cannot grow memory. */
export const MAX_LINE = 1 << 20;

export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private rest = '';

  constructor(private readonly onLine: (line: string) => void) {}

  push(chunk: Buffer | string): void {
    const text = this.rest + (typeof chunk === 'string' ? chunk : this.decoder.write(chunk));
    let start = 0;
    for (let nl = text.indexOf('\n', start); nl !== -1; nl = text.indexOf('\n', start)) {
      const end = nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      this.onLine(text.slice(start, end));
      start = nl + 1;
    }
    this.rest = text.slice(start);
    if (this.rest.length > MAX_LINE) {
      this.onLine(this.rest);
      this.rest = '';
    }
  }

  /** Emits a last line that had no newline (the stream ended). */
  end(): void {
    const tail = this.rest + this.decoder.end();
    this.rest = '';
    const line = tail.endsWith('\r') ? tail.slice(0, -1) : tail;
    if (line.length > 0) this.onLine(line);
  }
}
