import fc from 'fast-check';
import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { fastStringWidth, ONE_COLUMN } from '../../src/stubs/string-width.js';

// The bundle measures Ink's text with fastStringWidth (tsup.plugins.ts): it must answer exactly as string-width
// does, or cards and borders would be cut or misaligned.

describe('fastStringWidth', () => {
  it('every character it counts by itself is one column wide for string-width too', () => {
    const wrong: string[] = [];
    for (const [from, to] of ONE_COLUMN) {
      for (let cp = from; cp <= to; cp++) if (stringWidth(String.fromCodePoint(cp)) !== 1) wrong.push(cp.toString(16));
    }
    expect(wrong).toEqual([]);
  });

  it('answers as string-width on any mix of listed characters, colours, emoji, marks, wide and invisible ones', () => {
    const listed = ONE_COLUMN.flatMap(([from, to]) => [from, to, Math.floor((from + to) / 2)]).map((cp) => String.fromCodePoint(cp));
    const other = ['👍', '❤️', '👨‍👩‍👧', '1️⃣', '▶️', '\u0301', '\u200D', '\uFE0F', '\u00AD', '界', 'ｱ', '\t', '\u001B[31m', '\u001B[39m', '\u001B]8;;x\u0007', '\uD83D'];
    const fast = fastStringWidth(() => stringWidth);
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...listed, ...other)), fc.boolean(), (parts, narrow) => {
        const s = parts.join('');
        expect(fast(s)).toBe(stringWidth(s));
        expect(fast(s, { ambiguousIsNarrow: narrow })).toBe(stringWidth(s, { ambiguousIsNarrow: narrow }));
      }),
      { numRuns: 2000 },
    );
  });

  it('leaves string-width unloaded while every string is made of listed characters, coloured or not', () => {
    let loads = 0;
    const fast = fastStringWidth(() => {
      loads++;
      return stringWidth;
    });
    const card = '\u001B[1m vm1 \u001B[22m ● running · 2 d … ╭─╮ ⠋';
    expect(fast(card)).toBe(29);
    expect(stringWidth(card)).toBe(29);
    expect(loads).toBe(0);
    expect(fast('界')).toBe(2);
    expect(loads).toBe(1);
  });
});
