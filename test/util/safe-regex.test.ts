import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { compileFilter } from '../../src/model/logs/filter.js';
import { filterMatcher, filterProblem } from '../../src/store/filter.js';
import { userRegex } from '../../src/util/safe-regex.js';

// A user's regex must not freeze the UI. A runaway match cannot be interrupted on the thread that runs it,
// so the hostile cases run in a worker that is terminated after a generous timeout: on V8's backtracking engine
// each of them ran for minutes; on RE2 they end at once, and still match (nothing is refused or cut).

const src = (p: string) => fileURLToPath(new URL(`../../src/${p}`, import.meta.url));

/** Runs `body` (CommonJS, with `logs` and `grid` bundled from the real sources) in a worker; rejects after ms. */
function inWorker(body: string, ms: number): Promise<unknown> {
  const bundle = (entry: string) =>
    buildSync({ entryPoints: [src(entry)], bundle: true, format: 'cjs', platform: 'node', write: false, logLevel: 'silent' }).outputFiles[0]!.text;
  const code = `
    const mod = (text) => { const module = { exports: {} }; new Function('module', 'exports', 'require', text)(module, module.exports, require); return module.exports; };
    const logs = mod(${JSON.stringify(bundle('model/logs/filter.ts'))});
    const grid = mod(${JSON.stringify(bundle('store/filter.ts'))});
    require('node:worker_threads').parentPort.postMessage((() => { ${body} })());`;
  const w = new Worker(code, { eval: true });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => void w.terminate().then(() => reject(new Error(`still matching after ${ms} ms: catastrophic backtracking`))), ms);
    w.once('message', (m) => {
      clearTimeout(timer);
      void w.terminate().then(() => resolve(m));
    });
    w.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

describe('hostile patterns do not freeze the UI, and still match', () => {
  // each of these, on V8's engine, backtracks for minutes to forever on the line (measured: (a+)+$ on 29 characters, 25 s)
  const hostile = ['(a+)+$', '(a|aa)+$', '(\\w+\\s?)*$', '(.*a){12}', 'a*a*a*a*b', '(x+x+)+y'];
  const line = `${'a'.repeat(5000)}!`;

  it('in a log pane filter and highlight', async () => {
    const out = await inWorker(
      `return ${JSON.stringify(hostile)}.map((p) => { const f = logs.compileFilter(p); return [f.test(${JSON.stringify(line)}), f.ranges(${JSON.stringify(line)}).length > 0, f.literal]; });`,
      15_000,
    );
    // (.*a){12} matches a run of a's and (\w+\s?)*$ the empty end; the others need an end, a b or a y the line lacks
    const hits = ['(.*a){12}', '(\\w+\\s?)*$'];
    expect(out).toEqual(hostile.map((p) => [hits.includes(p), p === '(.*a){12}', false]));
  }, 20_000);

  it('in the grid and snapshot filter', async () => {
    const name = `${'a'.repeat(40)}!`;
    const out = await inWorker(`return ${JSON.stringify(hostile)}.map((p) => grid.filterMatcher(p)(${JSON.stringify(name)}));`, 15_000);
    expect(out).toEqual(hostile.map((p) => p === '(.*a){12}' || p === '(\\w+\\s?)*$'));
  }, 20_000);

  it('open-ended repeats over a 64 KiB line see the whole line', async () => {
    // \w+x is quadratic on V8 (48 KB: 2.1 s), a*a*b cubic; RE2 is linear and looks at every character
    const long = 'a'.repeat(65_536);
    const out = await inWorker(
      `const l = ${JSON.stringify(long)}; return [logs.compileFilter('\\\\w+x').test(l), logs.compileFilter('a*a*b').test(l), logs.compileFilter('a*a*b').test(l + 'b'), logs.compileFilter('\\\\w+x').test(l + 'x')];`,
      15_000,
    );
    expect(out).toEqual([false, false, true, true]);
  }, 20_000);
});

describe('a filter sees the whole line', () => {
  it('error.*disk.*full matches behind a 300-character prefix (it was cut to 256 characters)', () => {
    const line = `${'x'.repeat(300)} error: disk sda is full`;
    expect(compileFilter('error.*disk.*full').test(line)).toBe(true);
    expect(compileFilter('error.*disk.*full').ranges(line)).toEqual([[301, 324]]);
    expect(filterMatcher('error.*disk.*full')(line)).toBe(true);
    expect(compileFilter('a.*b.*c.*d').test(`${'x'.repeat(100_000)}abcd`)).toBe(true); // three repeats were refused
  });

  it('keeps smart case, ! inversion, and the grid filter ignoring case', () => {
    expect(compileFilter('disk.*full').test('DISK is FULL')).toBe(true);
    expect(compileFilter('Disk.*full').test('disk is full')).toBe(false);
    expect(compileFilter('!disk.*full').test('disk is full')).toBe(false);
    expect(compileFilter('!disk.*full').test('all good')).toBe(true);
    expect(compileFilter('!disk.*full').ranges('disk full')).toEqual([]);
    expect(filterMatcher('^VM\\d$')('vm3')).toBe(true);
    expect(filterMatcher('!^vm\\d$')('vm3')).toBe(false);
  });

  it('highlights in UTF-16 units past astral characters, skipping empty matches', () => {
    expect(compileFilter('b+').ranges('a😀bb b')).toEqual([[3, 5], [6, 7]]);
    expect(compileFilter('x*').ranges('abxxc')).toEqual([[2, 4]]);
    expect(compileFilter('disk').ranges('Disk and disk')).toEqual([[0, 4], [9, 13]]);
  });
});

describe('the user sees why', () => {
  it('what RE2 cannot read (a backreference, lookahead, bad syntax) is matched literally and says so', () => {
    const f = compileFilter('(a)\\1');
    expect(f.literal).toBe(true);
    expect(f.error).toBe('invalid regex (invalid escape sequence: `\\1`); matching literally');
    expect(f.test('saw (a)\\1 here')).toBe(true);
    expect(f.ranges('saw (a)\\1 here')).toEqual([[4, 9]]);
    expect(compileFilter('foo(?=bar)').error).toMatch(/^invalid regex \(invalid or unsupported Perl syntax/);
    expect(userRegex('(', { ignoreCase: true }).error).toMatch(/^invalid regex/);
  });

  it('the grid filter names the problem for the status line, and none for a good pattern', () => {
    expect(filterProblem('vm[')).toMatch(/^invalid regex .*matching literally$/);
    expect(filterProblem('!(x|y)+')).toBeUndefined();
    expect(filterProblem('^vm\\d+$')).toBeUndefined();
    expect(filterProblem('')).toBeUndefined();
    expect(filterMatcher('vm[')('a vm[ b')).toBe(true);
  });
});
