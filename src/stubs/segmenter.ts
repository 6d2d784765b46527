import { isOneColumn } from './string-width.js';

// Stands in for `new Intl.Segmenter(...)` (graphemes) in three bundled packages that make one when loaded
// (@alcalzone/ansi-tokenize, which Ink's output runs on every line; slice-ansi; wrap-ansi's string-width): see
// tsup.plugins.ts. The first Intl.Segmenter of a process loads ICU's break rules, ~10 ms of start-up. A string made
// only of the one-column characters of ./string-width.ts and control characters other than CR (each control is a
// grapheme of its own; CR LF is one) is one grapheme per code unit, so it is split here; anything else goes to a
// real Intl.Segmenter, made with the same arguments on first need. test/stubs/segmenter.test.ts checks both
// against Intl.Segmenter.

interface Segment {
  segment: string;
  index: number;
  input: string;
}

/** What the three packages use of Intl.Segments: iteration and containing(). */
export interface Segments extends Iterable<Segment> {
  containing(index?: number): Segment | undefined;
}

function simple(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!(isOneColumn(c) || (c < 0x20 && c !== 0x0d) || (c >= 0x7f && c <= 0x9f))) return false;
  }
  return true;
}

class CodeUnitSegments implements Segments {
  constructor(private readonly input: string) {}

  containing(index = 0): Segment | undefined {
    const i = Math.trunc(Number(index)) || 0;
    return i >= 0 && i < this.input.length ? { segment: this.input[i]!, index: i, input: this.input } : undefined;
  }

  *[Symbol.iterator](): Iterator<Segment> {
    for (let i = 0; i < this.input.length; i++) yield { segment: this.input[i]!, index: i, input: this.input };
  }
}

/** A grapheme segmenter that answers as `new Intl.Segmenter(locales, options)` would. */
export function graphemeSegmenter(locales?: string | string[], options?: Intl.SegmenterOptions): { segment(input: string): Segments } {
  if (options?.granularity !== undefined && options.granularity !== 'grapheme') return new Intl.Segmenter(locales, options);
  let real: Intl.Segmenter | undefined;
  return {
    segment(input) {
      const s = String(input);
      return simple(s) ? new CodeUnitSegments(s) : (real ??= new Intl.Segmenter(locales, options)).segment(s);
    },
  };
}
