// The `/` filter of a log pane: a regular expression (RE2 syntax, linear time, the whole line: util/safe-regex.ts),
// `!` in front inverts it. An invalid expression never throws: it falls back to a literal substring match and
// carries a message the pane shows.

import { userRegex } from '../../util/safe-regex.js';

export interface LogFilter {
  /** The text the user typed. */
  source: string;
  invert: boolean;
  /** True when the pattern was not a valid regex and is matched literally. */
  literal: boolean;
  /** Why the pattern fell back to a literal match, ready to show. */
  error?: string;
  /** Whether a line is kept by the filter. An empty filter keeps everything. */
  test(text: string): boolean;
  /** [start, end) ranges of matches in text, for highlighting (empty when inverted or empty). */
  ranges(text: string): Array<[number, number]>;
}

/** Smart case as in vim/less: all-lowercase patterns ignore case, any capital makes it case-sensitive. */
export function compileFilter(source: string): LogFilter {
  const invert = source.startsWith('!');
  const pattern = invert ? source.slice(1) : source;
  // invalid patterns come back as a literal match with the reason (see util/safe-regex.ts)
  const user = pattern ? userRegex(pattern, { ignoreCase: pattern === pattern.toLowerCase() }) : undefined;
  return {
    source,
    invert,
    literal: user?.literal ?? false,
    error: user?.error,
    test: (text) => (user ? user.test(text) !== invert : true),
    ranges: (text) => (user && !invert ? user.ranges(text) : []),
  };
}

export const EMPTY_FILTER: LogFilter = compileFilter('');

export interface Segment {
  text: string;
  match: boolean;
}

/** Splits text into plain and matched segments for rendering. Ranges must be sorted and disjoint. */
export function segments(text: string, ranges: ReadonlyArray<readonly [number, number]>): Segment[] {
  const out: Segment[] = [];
  let pos = 0;
  for (const [s, e] of ranges) {
    const start = Math.max(s, pos);
    const end = Math.min(e, text.length);
    if (end <= start) continue;
    if (start > pos) out.push({ text: text.slice(pos, start), match: false });
    out.push({ text: text.slice(start, end), match: true });
    pos = end;
  }
  if (pos < text.length || out.length === 0) out.push({ text: text.slice(pos), match: false });
  return out;
}
