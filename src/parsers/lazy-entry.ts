import { journalCursor, parseJournalJson } from './journal.js';
import type { LogEntry } from '../model/logs/format.js';

// A journal line as a pane holds it, parsed only when something reads more than its cursor. Under a flood
// most lines are evicted from the pane's ring before they are ever drawn: JSON.parse of every line was
// most of the client's CPU (and ran inside the socket's read callback, so keys waited behind it). The tail
// needs only the cursor (resume, de-duplication), which is read straight from the text.

/** The fields a pane keeps: every other field but UNIT dropped (a full entry cost ~2.9 KiB). */
export function compactEntry(line: string): LogEntry | null {
  const e = parseJournalJson(line);
  if (!e) return null;
  const unit = e.fields.UNIT;
  return { ...e, fields: unit === undefined ? {} : { UNIT: unit } };
}

export class LazyEntry implements LogEntry {
  #line: string | undefined;
  #entry: LogEntry | undefined;

  constructor(
    readonly cursor: string,
    line: string,
  ) {
    this.#line = line;
  }

  #parsed(): LogEntry {
    if (!this.#entry) {
      const line = this.#line ?? '';
      // The cursor was found, so it is journalctl's line; should the rest not parse, show it as it came.
      this.#entry = compactEntry(line) ?? { cursor: this.cursor, realtimeUs: 0n, message: line, fields: {} };
      this.#line = undefined;
    }
    return this.#entry;
  }

  get realtimeUs(): bigint {
    return this.#parsed().realtimeUs;
  }
  get unit(): string | undefined {
    return this.#parsed().unit;
  }
  get identifier(): string | undefined {
    return this.#parsed().identifier;
  }
  get priority(): number | undefined {
    return this.#parsed().priority;
  }
  get message(): string {
    return this.#parsed().message;
  }
  get fields(): LogEntry['fields'] {
    return this.#parsed().fields;
  }
  /** The parsed entry as a plain object (tests compare with toEqual; spreading a class drops getters). */
  toJSON(): LogEntry {
    return { ...this.#parsed(), cursor: this.cursor };
  }
}

/**
 * A copy of a line that does not keep alive the string it was cut from. V8 makes a substring a view of its
 * parent: a held line (and its cursor, a view of the line) kept a whole stream chunk alive, measured ~1.6 KiB
 * of heap per held 400-byte line under a flood (test: 200 lines held from 200 chunks of 2.5 MB kept 500 MB).
 * Concatenating flattens into a new string of the line's own length; the slice is a view of that.
 */
function detach(line: string): string {
  return (' ' + line).slice(1);
}

/** One line of `journalctl -o json` -> a lazily parsed entry, or null for a line without a cursor. */
export function lazyEntry(chunkLine: string): LogEntry | null {
  const line = detach(chunkLine);
  const cursor = journalCursor(line);
  if (cursor !== undefined) return new LazyEntry(cursor, line);
  // No cursor where journalctl puts it: parse it all (a line that is not an entry comes back null).
  return compactEntry(line);
}
