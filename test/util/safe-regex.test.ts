import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { compileFilter } from '../../src/services/logs/filter.js';
import { filterMatcher, filterProblem } from '../../src/store/filter.js';
import { patternRisk, userRegex } from '../../src/util/safe-regex.js';

// A user's regex must not freeze the UI. A runaway match cannot be interrupted on the thread that runs it,
// so the hostile cases run in a worker that is terminated after a generous timeout: without the guard
// (before util/safe-regex.ts) each of them ran for minutes; with it they end at once.

const src = (p: string) => fileURLToPath(new URL(`../../src/${p}`, import.meta.url));

/** Runs `body` (CommonJS, with `logs` and `grid` bundled from the real sources) in a worker; rejects after ms. */
function inWorker(body: string, ms: number): Promise<unknown> {
  const bundle = (entry: string) =>
    buildSync({ entryPoints: [src(entry)], bundle: true, format: 'cjs', platform: 'node', write: false, logLevel: 'silent' }).outputFiles[0]!.text;
  const code = `
    const mod = (text) => { const module = { exports: {} }; new Function('module', 'exports', 'require', text)(module, module.exports, require); return module.exports; };
    const logs = mod(${JSON.stringify(bundle('services/logs/filter.ts'))});
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

describe('hostile patterns do not freeze the UI', () => {
  // each of these, unguarded, backtracks for minutes to forever on the line (measured: (a+)+$ on 29 characters, 25 s)
  const hostile = ['(a+)+$', '(a|aa)+$', '(\\w+\\s?)*$', '(.*a){12}', 'a*a*a*a*b', '(x+x+)+y', '(a)\\1*(a+)+$'];
  const line = `${'a'.repeat(5000)}!`;

  it('in a log pane filter and highlight', async () => {
    const out = await inWorker(
      `return ${JSON.stringify(hostile)}.map((p) => { const f = logs.compileFilter(p); return [f.test(${JSON.stringify(line)}), f.ranges(${JSON.stringify(line)}).length, f.literal]; });`,
      15_000,
    );
    expect(out).toEqual(hostile.map(() => [false, 0, true]));
  }, 20_000);

  it('in the grid and snapshot filter', async () => {
    const name = `${'a'.repeat(40)}!`;
    const out = await inWorker(`return ${JSON.stringify(hostile)}.map((p) => grid.filterMatcher(p)(${JSON.stringify(name)}));`, 15_000);
    expect(out).toEqual(hostile.map(() => false));
  }, 20_000);

  it('open-ended repeats over a long line: a match sees its start only', async () => {
    // \w+x is quadratic in the line (48 KB, journald's longest line: 2.1 s); a*a*b cubic
    const long = 'a'.repeat(48_000);
    const out = await inWorker(`return [logs.compileFilter('\\\\w+x').test(${JSON.stringify(long)}), logs.compileFilter('a*a*b').test(${JSON.stringify(long)})];`, 15_000);
    expect(out).toEqual([false, false]);
  }, 20_000);
});

describe('patternRisk', () => {
  it('refuses exponential shapes and backreferences, saying why', () => {
    expect(patternRisk('(a+)+$').refused).toMatch(/repeated group that itself repeats/);
    expect(patternRisk('(?:err|warn)*x').refused).toMatch(/alternates/);
    expect(patternRisk('((a|b)c)+').refused).toMatch(/repeated group/); // alternation deeper inside
    expect(patternRisk('(a?){20}').refused).toMatch(/repeated group/);
    expect(patternRisk('(\\d{1,3}\\.){3}').refused).toMatch(/repeated group/);
    expect(patternRisk('(a)\\1').refused).toMatch(/backreference \\1/);
    expect(patternRisk('(?<x>a)\\k<x>').refused).toMatch(/backreference/);
    expect(patternRisk('a.*b.*c.*d').refused).toMatch(/3 open-ended repeats/);
  });

  it('accepts what operators type, counting open-ended repeats', () => {
    const ok = (p: string) => {
      const r = patternRisk(p);
      expect(r.refused, p).toBeUndefined();
      return r.openEnded;
    };
    expect(ok('heartbeat')).toBe(0);
    expect(ok('err(or)?|fail')).toBe(0); // an optional group does not repeat
    expect(ok('vm[0-9]{1,3}')).toBe(0);
    expect(ok('(ab){3}x')).toBe(0);
    expect(ok('(a{2})+')).toBe(1); // a fixed-length body repeats one way only
    expect(ok('session \\d+')).toBe(1);
    expect(ok('error.*vm3')).toBe(1);
    expect(ok('\\d+\\.\\d+')).toBe(2);
    expect(ok('[(+*]+ \\(x\\)')).toBe(1); // quantifier characters inside a class or escaped are text
    expect(ok('a{,3}')).toBe(0); // not a quantifier without the u flag: literal braces
  });

  it('never throws on broken syntax (RegExp reports that)', () => {
    for (const p of ['(', ')', '[', '\\', '(?<', '{1,', '+', 'a)+', '[\\]']) expect(() => patternRisk(p)).not.toThrow();
    expect(userRegex('(', 'i').error).toMatch(/^invalid regex/);
  });
});

describe('the user sees why', () => {
  it('a refused log filter matches its text literally and says so', () => {
    const f = compileFilter('(a+)+$');
    expect(f.literal).toBe(true);
    expect(f.error).toBe('regex refused: a repeated group that itself repeats or alternates, like (a+)+ or (a|b)*, can take exponential time; matching literally');
    expect(f.test('saw (a+)+$ here')).toBe(true);
    expect(f.ranges('saw (a+)+$ here')).toEqual([[4, 10]]);
  });

  it('the grid filter names the problem for the status line, and none for a good pattern', () => {
    expect(filterProblem('!(x|y)+')).toMatch(/^regex refused: .*matching literally$/);
    expect(filterProblem('vm[')).toMatch(/^invalid regex/);
    expect(filterProblem('^vm\\d+$')).toBeUndefined();
    expect(filterProblem('')).toBeUndefined();
    expect(filterMatcher('(x|y)+')('a (x|y)+ b')).toBe(true);
  });

  it('a match beyond the window of a two-repeat pattern is not seen; one within it is', () => {
    const f = compileFilter('a.*b.*c');
    expect(f.test(`abc${'x'.repeat(1000)}`)).toBe(true);
    expect(f.test(`${'x'.repeat(1000)}abc`)).toBe(false);
    expect(compileFilter('heartbeat').test(`${'x'.repeat(100_000)}heartbeat`)).toBe(true); // no repeat: the whole line
  });
});
