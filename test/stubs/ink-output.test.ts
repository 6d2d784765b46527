import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import InkOutput from '../../node_modules/ink/build/output.js';
import Output from '../../src/stubs/ink-output.js';

// The bundle composes every frame with src/stubs/ink-output.ts instead of Ink's own Output (tsup.plugins.ts):
// a frame that differed by one character would leave a wrong or stale cell on the user's screen. Both are
// given the same operations and must print the same text, frame after frame, while the stub's caches
// (which outlive a frame) fill up with what earlier frames drew.

type Transformer = (s: string, index: number) => string;
type Op = { kind: 'write'; x: number; y: number; text: string; t: number } | { kind: 'clip'; x1?: number; x2?: number; y1?: number; y2?: number } | { kind: 'unclip' };

const TRANSFORMERS: Transformer[][] = [[], [(s) => `\u001B[1m${s}\u001B[22m`], [(s, i) => (i % 2 ? s.toUpperCase() : s), (s) => `\u001B[31m${s}\u001B[39m`]];

const piece = fc.constantFrom('a', 'vm1', ' ', '●', '─', '│', '╭', '…', '中', '界', '👍', '\u001B[31m', '\u001B[39m', '\u001B[1m', '\u001B[22m', '\u001B[7m', '\u001B[27m', '\u001B[38;5;244m', '\u001B[0m', '\u001B]8;;http://x\u0007', '\u001B]8;;\u0007');
const text = fc.array(fc.array(piece, { maxLength: 12 }).map((p) => p.join('')), { minLength: 1, maxLength: 3 }).map((lines) => lines.join('\n'));
const coord = (max: number) => fc.integer({ min: -3, max: max + 3 });
const op = (w: number, h: number): fc.Arbitrary<Op> =>
  fc.oneof(
    { weight: 6, arbitrary: fc.record({ kind: fc.constant('write' as const), x: coord(w), y: coord(h), text, t: fc.integer({ min: 0, max: TRANSFORMERS.length - 1 }) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('clip' as const), x1: fc.option(coord(w), { nil: undefined }), x2: fc.option(coord(w), { nil: undefined }), y1: fc.option(coord(h), { nil: undefined }), y2: fc.option(coord(h), { nil: undefined }) }) },
    { weight: 1, arbitrary: fc.constant({ kind: 'unclip' as const }) },
  );

interface Drawable {
  write(x: number, y: number, text: string, o: { transformers: Transformer[] }): void;
  clip(c: { x1: number | undefined; x2: number | undefined; y1: number | undefined; y2: number | undefined }): void;
  unclip(): void;
  get(): { output: string; height: number };
}

function draw(out: Drawable, ops: readonly Op[]): { output: string; height: number } {
  for (const o of ops) {
    if (o.kind === 'write') out.write(o.x, o.y, o.text, { transformers: TRANSFORMERS[o.t]! });
    else if (o.kind === 'clip') out.clip({ x1: o.x1, x2: o.x2, y1: o.y1, y2: o.y2 });
    else out.unclip();
  }
  return out.get();
}

describe("the bundle's Ink output", () => {
  it("prints what Ink's own prints for any frame: colours, links, wide characters, clips, transforms, off-grid text", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 0, max: 1_000_000 }), (w, h, seed) => {
        const ops = fc.sample(fc.array(op(w, h), { maxLength: 14 }), { seed, numRuns: 1 })[0]!;
        expect(draw(new Output({ width: w, height: h }), ops)).toEqual(draw(new InkOutput({ width: w, height: h }), ops));
      }),
      { numRuns: 1500 },
    );
  });

  it('stays equal over a run of frames that repeat and change rows, as a grid does between reports', () => {
    const frames = fc.sample(fc.array(op(20, 8), { minLength: 1, maxLength: 10 }), { seed: 7, numRuns: 40 });
    // each frame drawn, then drawn again with one write changed or dropped: the second pass hits the row cache
    for (const [i, ops] of frames.entries()) {
      const variants = [ops, ops.slice(1), ops.map((o, k) => (k === i % ops.length && o.kind === 'write' ? { ...o, text: `${o.text}x` } : o)), ops];
      for (const v of variants) expect(draw(new Output({ width: 20, height: 8 }), v)).toEqual(draw(new InkOutput({ width: 20, height: 8 }), v));
    }
  });

  it('prints a line wider than the grid whole, as Ink does, whatever width drew it before', () => {
    const ops: Op[] = [{ kind: 'write', x: 0, y: 0, text: 'abcdefghij', t: 0 }];
    expect(draw(new Output({ width: 10, height: 1 }), ops).output).toBe('abcdefghij');
    // the same placement on a narrower grid: Ink still prints the whole line (the grid grows), and so must this
    expect(draw(new Output({ width: 4, height: 1 }), ops)).toEqual(draw(new InkOutput({ width: 4, height: 1 }), ops));
  });
});
