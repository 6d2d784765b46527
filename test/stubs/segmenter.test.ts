import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { graphemeSegmenter } from '../../src/stubs/segmenter.js';
import { ONE_COLUMN } from '../../src/stubs/string-width.js';

// The bundle's Ink output, slice-ansi and wrap-ansi split text into graphemes with graphemeSegmenter
// (tsup.plugins.ts): a different split would move or merge characters on screen, so it must split as
// Intl.Segmenter does, whatever the string.

const plain = (segments: Iterable<{ segment: string; index: number; input: string }>) => [...segments].map(({ segment, index, input }) => ({ segment, index, input }));
const one = (s: { segment: string; index: number; input: string } | undefined) => s && { segment: s.segment, index: s.index, input: s.input };

describe('graphemeSegmenter', () => {
  const listed = ONE_COLUMN.flatMap(([from, to]) => [from, to, Math.floor((from + to) / 2)]).map((cp) => String.fromCodePoint(cp));
  const controls = ['\u001B', '\u0007', '\t', '\n', '\r', '\r\n', '\u009B', '\u0085', '\u007F', '\u001B[31m', '\u001B]8;;x\u0007'];
  const other = ['👍', '❤️', '👨‍👩‍👧', '1️⃣', '🇩🇪', '\u0301', '\u200D', '\uFE0F', '\u00AD', '界', 'ᄀ', 'ᅡ', '각', '\u0600', '\u0903', '\uD83D', '\uDC4D'];

  it('splits any mix of listed characters, controls, emoji, marks, joiners and jamo as Intl.Segmenter does', () => {
    for (const [locales, options] of [[undefined, undefined], [undefined, { granularity: 'grapheme' as const }]] as const) {
      const real = new Intl.Segmenter(locales, options);
      const ours = graphemeSegmenter(locales, options);
      fc.assert(
        fc.property(fc.array(fc.constantFrom(...listed, ...controls, ...other), { maxLength: 30 }), (parts) => {
          const s = parts.join('');
          expect(plain(ours.segment(s))).toEqual(plain(real.segment(s)));
          for (let i = -1; i <= s.length; i++) expect(one(ours.segment(s).containing(i))).toEqual(one(real.segment(s).containing(i)));
        }),
        { numRuns: 2000 },
      );
    }
  });
});
