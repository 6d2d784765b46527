import { expect, it } from 'vitest';
import { sparkline } from '../../src/views/sparkline.js';
import { formatAge, formatBytes, formatDuration } from '../../src/views/format.js';

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
  // ages as kubectl/k9s print them: seconds only in the first 10 minutes, so a grid of uptimes redraws once a minute
  expect(formatAge(247_000)).toBe('4m7s');
  expect(formatAge(599_000)).toBe('9m59s');
  expect(formatAge(600_000 + 53_000)).toBe('10m');
  expect(formatAge(14 * 60_000 + 53_000)).toBe('14m');
  expect(formatAge(3_960_000 + 7_000)).toBe('1h6m');
  expect(formatDuration(14 * 60_000 + 53_000)).toBe('14m53s'); // elapsed times keep their seconds
});
