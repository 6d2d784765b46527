import { describe, expect, it } from 'vitest';
import { splitLines } from '../../src/parsers/lines.js';

describe('splitLines', () => {
  it('splits like /\\r?\\n/: a \\r ends a line only before a \\n', () => {
    for (const text of ['', 'a', 'a\n', 'a\r\nb\r\n', 'a\rb\nc', 'last\r', '\r\n\r\n', 'x\n\ny']) {
      expect(splitLines(text)).toEqual(text.split(/\r?\n/));
    }
  });
});
