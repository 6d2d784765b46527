import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { LineSplitter } from '../../src/ssh/lines.js';

function split(chunks: Array<Buffer | string>): string[] {
  const out: string[] = [];
  const s = new LineSplitter((l) => out.push(l));
  for (const c of chunks) s.push(c);
  s.end();
  return out;
}

describe('LineSplitter', () => {
  it('joins a line split across chunks and strips CRLF', () => {
    expect(split(['{"MESSAGE":"he', 'llo"}\r\n{"MES', 'SAGE":"x"}\n'])).toEqual(['{"MESSAGE":"hello"}', '{"MESSAGE":"x"}']);
  });

  it('keeps a UTF-8 character split between chunks intact', () => {
    const bytes = Buffer.from('größe\nnext\n');
    expect(split([bytes.subarray(0, 3), bytes.subarray(3)])).toEqual(['größe', 'next']);
  });

  it('emits a last line without a newline at the end, and keeps empty lines', () => {
    expect(split(['a\n\nb'])).toEqual(['a', '', 'b']);
  });

  it('gives the same lines however the bytes are chunked', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'grapheme' }), { maxLength: 20 }), fc.array(fc.nat(), { maxLength: 10 }), (lines, cuts) => {
        const clean = lines.map((l) => l.replace(/[\r\n]/g, ''));
        const buf = Buffer.from(clean.map((l) => `${l}\n`).join(''));
        const points = [...new Set(cuts.map((c) => c % (buf.length + 1)))].sort((a, b) => a - b);
        const chunks: Buffer[] = [];
        let prev = 0;
        for (const p of [...points, buf.length]) {
          chunks.push(buf.subarray(prev, p));
          prev = p;
        }
        expect(split(chunks)).toEqual(clean);
      }),
    );
  });
});
