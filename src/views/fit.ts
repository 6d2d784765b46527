import { textWidth, wrapText } from './wrap.js';

// Laying out short fields (a header's, a card's) so that none is cut mid-word: a field is kept whole on a line of
// its own when it does not fit beside the others, or a shorter whole form of the line is used.

/** A run of text in one style. */
export interface Span {
  text: string;
  color?: string;
  bold?: boolean;
  inverse?: boolean;
  dim?: boolean;
}

/** A field: spans that stay together on one line. */
export type Segment = Span[];

/** Widest an age can read (formatAge: "9m59s", "23h59m", "99d23h"): fields are measured with their ages this
 *  wide, so that where they break does not move with the clock. */
export const AGE_WIDTH = 6;
export const AGE_MEASURE = 'x'.repeat(AGE_WIDTH);

export const segmentWidth = (seg: Segment) => seg.reduce((a, s) => a + textWidth(s.text), 0);

/**
 * Fields packed onto lines of `width` columns, joined by `sep`; a field that does not fit beside the ones before
 * starts a new line. One wider than a whole line is wrapped at its spaces (its style that of its first span).
 * `measure` gives the fields as measured (ages at their widest) when they differ from those drawn.
 */
export function packSegments(segs: Segment[], width: number, sep: Span, measure: Segment[] = segs): Span[][] {
  const w = Math.max(1, width);
  const lines: Span[][] = [];
  let line: Span[] = [];
  let used = 0;
  segs.forEach((seg, i) => {
    const sw = segmentWidth(measure[i] ?? seg);
    if (line.length && used + textWidth(sep.text) + sw <= w) {
      line.push(sep, ...seg);
      used += textWidth(sep.text) + sw;
      return;
    }
    if (line.length) lines.push(line);
    if (sw <= w) {
      line = [...seg];
      used = sw;
      return;
    }
    const rows = wrapText(seg.map((s) => s.text).join(''), w);
    for (const r of rows.slice(0, -1)) lines.push([{ ...seg[0], text: r }]);
    line = [{ ...seg[0], text: rows[rows.length - 1]! }];
    used = textWidth(rows[rows.length - 1]!);
  });
  if (line.length) lines.push(line);
  return lines;
}

/** The first form (a line's text, longest first) whose measured width fits, or the last. */
export function firstFitting<T>(forms: T[], width: number, measure: (f: T) => number): T {
  return forms.find((f) => measure(f) <= width) ?? forms[forms.length - 1]!;
}
