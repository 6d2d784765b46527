import { describe, expect, it } from 'vitest';
import { compileFilter, segments } from '../../../src/model/logs/filter.js';

describe('compileFilter', () => {
  it('keeps everything when empty', () => {
    const f = compileFilter('');
    expect(f.test('anything')).toBe(true);
    expect(f.ranges('anything')).toEqual([]);
  });

  it('matches a regex, case-insensitively while the pattern is all lower case', () => {
    const f = compileFilter('heart\\w+ \\d+');
    expect(f.test('[vm1] Heartbeat 12 uptime=22s')).toBe(true);
    expect(f.test('microvm-run: starting vm1')).toBe(false);
    expect(compileFilter('Network').test('network is up')).toBe(false);
  });

  it('inverts with a leading "!"', () => {
    const f = compileFilter('!heartbeat');
    expect(f.invert).toBe(true);
    expect(f.test('[vm1] heartbeat 3')).toBe(false);
    expect(f.test('microvm-run: crashed')).toBe(true);
    expect(f.ranges('microvm-run: crashed')).toEqual([]);
  });

  it('falls back to a literal match with a message on an invalid regex, never throwing', () => {
    const f = compileFilter('vm1[');
    expect(f.literal).toBe(true);
    expect(f.error).toMatch(/invalid regex.*literally/);
    expect(f.test('[vm1] heartbeat')).toBe(false);
    expect(f.test('saw vm1[ in text')).toBe(true);
    expect(f.ranges('saw vm1[ in text')).toEqual([[4, 8]]);
  });

  it('gives every match range and survives zero-width patterns', () => {
    expect(compileFilter('vm\\d').ranges('vm1 and vm2')).toEqual([
      [0, 3],
      [8, 11],
    ]);
    expect(compileFilter('x*').ranges('abc')).toEqual([]);
    expect(compileFilter('^').test('abc')).toBe(true);
  });
});

describe('segments', () => {
  it('splits text into plain and highlighted parts that join back to the text', () => {
    const text = 'vm1 and vm2';
    const segs = segments(text, compileFilter('vm\\d').ranges(text));
    expect(segs).toEqual([
      { text: 'vm1', match: true },
      { text: ' and ', match: false },
      { text: 'vm2', match: true },
    ]);
    expect(segs.map((s) => s.text).join('')).toBe(text);
    expect(segments('', [])).toEqual([{ text: '', match: false }]);
  });
});
