import { readFileSync } from 'node:fs';
import { compileFilter, type LogFilter } from '../src/model/logs/filter.js';
import { compactEntry } from '../src/parsers/lazy-entry.js';
import { PaneBuffer } from '../src/model/logs/pane-buffer.js';

// What a log pane's `/` filter costs under a flood, in-process (no lab): real lab journal lines (messages varied,
// one in eight led by 300 characters of text), parsed beforehand (a filtered pane parses each line once, with
// or without a filter, so parsing is left out), appended to a PaneBuffer in batches, with
//   - no filter (the pane's baseline),
//   - before: V8's backtracking engine on the part of the line the old guard let it see (all of it with no
//     open-ended repeat, 4,096 characters with one, 256 with two),
//   - after: the filter as it ships (RE2 via re2js for regex syntax, V8 for plain text), the whole line,
// all in the same process, one after the other, best of 3 rounds each. The cost is per line; the flood target is
// 20,000 lines/s, so the share of one core at 25,000 lines/s is given too.
// Run: npm run bench -- log-filter, or the bundle itself: node log-filter.js [--lines N].

const FIXTURE = 'test/fixtures/journalctl/lab-f-json-vm1-heartbeats.txt';
const arg = process.argv.indexOf('--lines');
const total = arg > 0 ? Number(process.argv[arg + 1]) : 50_000;
const BATCH = 1_250; // what 50 ms of a 25,000 lines/s flood delivers

const real = readFileSync(FIXTURE, 'utf8').split('\n').filter(Boolean);
const entries = Array.from({ length: total }, (_, i) => {
  const rec = JSON.parse(real[i % real.length]!) as Record<string, unknown>;
  const text = `[vm${(i % 5) + 1}] heartbeat ${i} uptime=${i % 997}s${i % 97 === 0 ? ' error: disk sda is full' : ''}`;
  rec.MESSAGE = i % 8 === 0 ? `${'x'.repeat(300)} ${text}` : text;
  return compactEntry(JSON.stringify(rec))!;
});

/** The old guard's view: V8's engine on the first `window` characters (src/util/safe-regex.ts before RE2). */
function before(source: string, window: number): LogFilter {
  const re = new RegExp(source, source === source.toLowerCase() ? 'i' : '');
  return { source, invert: false, literal: false, test: (t) => re.test(t.length > window ? t.slice(0, window) : t), ranges: () => [] };
}

const PATTERNS: Array<{ source: string; window: number; why: string }> = [
  { source: 'heartbeat 1', window: Infinity, why: 'plain text' },
  { source: 'vm[35]\\]', window: Infinity, why: 'a class, no repeat' },
  { source: 'error.*vm3', window: 4096, why: 'one open-ended repeat' },
  { source: 'error.*disk.*full', window: 256, why: 'two open-ended repeats' },
];

/** ms to append every entry to a fresh pane with `filter`, and how many it kept. */
function run(filter: LogFilter | null): { ms: number; kept: number } {
  const pane = new PaneBuffer(10_000, filter ?? compileFilter(''));
  let kept = 0;
  const t0 = performance.now();
  for (let i = 0; i < entries.length; i += BATCH) kept += pane.append(entries.slice(i, i + BATCH));
  return { ms: performance.now() - t0, kept };
}

const ROUNDS = 3;
const best = (f: () => LogFilter | null) => {
  let out = { ms: Infinity, kept: 0 };
  for (let r = 0; r < ROUNDS; r++) {
    const x = run(f());
    if (x.ms < out.ms) out = x;
  }
  return out;
};

const us = (ms: number) => (ms * 1000) / total;
const share = (ms: number) => `${((us(ms) * 25_000) / 10_000).toFixed(1)}%`;
const base = best(() => null);
console.log(`  ${total.toLocaleString('en')} real lab journal lines (1 in 8 behind a 300-character prefix), batches of ${BATCH}; best of ${ROUNDS}`);
console.log(`  no filter: ${us(base.ms).toFixed(2)} us/line (the pane's ring)`);
console.log('  pattern                 kind                     before: V8, windowed    after: as shipped       after/before   core at 25k/s (after)');
for (const p of PATTERNS) {
  const b = best(() => before(p.source, p.window));
  const a = best(() => compileFilter(p.source));
  const fb = us(b.ms) - us(base.ms);
  const fa = us(a.ms) - us(base.ms);
  const lost = b.kept < a.kept ? ` (before hid ${(a.kept - b.kept).toLocaleString('en')} matching lines)` : '';
  console.log(
    `  ${p.source.padEnd(22)}  ${p.why.padEnd(23)}  ${`${us(b.ms).toFixed(2)} us/line, kept ${b.kept}`.padEnd(22)}  ${`${us(a.ms).toFixed(2)} us/line, kept ${a.kept}`.padEnd(22)}  ${`${(a.ms / b.ms).toFixed(2)}x`.padStart(6)} (filter alone ${fb.toFixed(2)} -> ${fa.toFixed(2)} us)  ${share(a.ms)}${lost}`,
  );
}
