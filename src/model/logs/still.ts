import type { LogEntry } from './format.js';

// What a paused log pane shows: the lines it showed (and held, through its filter) when it was paused, as a
// still picture. The live buffer goes on taking lines underneath and drops its oldest past its capacity; the
// still keeps its own references, so a flood cannot move or empty what the user is reading.

/** What a log view reads: the visible entries, oldest first. A PaneBuffer is one, a Still another. */
export interface LineSource<E extends LogEntry = LogEntry> {
  readonly visibleCount: number;
  visibleSlice(start: number, end: number): E[];
}

export class Still<E extends LogEntry = LogEntry> implements LineSource<E> {
  constructor(private readonly lines: readonly E[]) {}

  /** The visible entries of a source, copied by reference (10,000 references: well under a millisecond). */
  static of<E extends LogEntry>(source: LineSource<E>): Still<E> {
    return new Still(source.visibleSlice(0, source.visibleCount));
  }

  get visibleCount(): number {
    return this.lines.length;
  }

  visibleSlice(start: number, end: number): E[] {
    return this.lines.slice(Math.max(0, start), Math.max(0, end));
  }
}
