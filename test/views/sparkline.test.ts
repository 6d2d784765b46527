import { expect, it } from 'vitest';
import { sparkline } from '../../src/views/sparkline.js';
import { formatBytes, formatDuration } from '../../src/views/format.js';

it('draws the last values, scaled to their range or from zero to a maximum', () => {
  expect(sparkline([0, 50, 100], 8)).toBe('▁▅█');
  expect(sparkline([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 3)).toBe('▁▅█');
  expect(sparkline([50, 50], 8, 100)).toBe('▅▅');
  expect(sparkline([], 8)).toBe('');
});

it('formats sizes and durations short', () => {
  expect(formatBytes(1536)).toBe('1.5K');
  expect(formatBytes(12 * 2 ** 30)).toBe('12G');
  expect(formatBytes(null)).toBe('–');
  expect(formatDuration(42_000)).toBe('42s');
  expect(formatDuration(3_960_000)).toBe('1h6m');
  expect(formatDuration(2 * 86_400_000 + 3_600_000)).toBe('2d1h');
});
