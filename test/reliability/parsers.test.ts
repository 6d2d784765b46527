import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseInventoryText } from '../../src/config/load.js';
import { hostStatusSchema } from '../../src/model/status.js';
import { fetchHostStatus } from '../../src/services/status.js';
import { PARSERS } from '../helpers/parsers.js';
import { ScriptedTransport } from '../helpers/scripted-transport.js';
import { fixtures } from '../parsers/fixture.js';
import { labBaseline, labHost } from '../services/status-fixture.js';

// Hostile or broken command output: every parser gets truncated, reordered, oversized (MBs) and binary
// input, and long runs of the characters its patterns repeat on (where a backtracking regex would blow up).
// None may throw, and each must return within a bounded time, measured here and reported in
// docs/reliability.md. test/parsers/never-throw.test.ts covers short random strings and cuts.


const REAL = ['zpool', 'systemctl', 'ip', 'df', 'zfs', 'proc', 'journalctl', 'gather', 'comin', 'doctor'].flatMap((d) => fixtures(d).map(([, t]) => t));
const MB = 1 << 20;

/** Pathological inputs for line/field regexes: long runs without the terminator the pattern waits for. */
function pathological(): Array<[string, string]> {
  const n = 200_000;
  return [
    ['spaces then x', `${' '.repeat(n)}x`],
    ['tabs', '\t'.repeat(n)],
    ['digits', '9'.repeat(n)],
    ['digits and dots', '1.'.repeat(n / 2)],
    ['key=', 'A='.repeat(n / 2)],
    ['colons', `a${':'.repeat(n)}`],
    ['open braces', '{"'.repeat(n / 2)],
    ['@@rc without number', '@@mvm x\n' + '@@rc '.repeat(n / 5)],
    ['@ and dashes', `${'@-'.repeat(n / 2)}\n`],
    ['one 4 MB line', 'x'.repeat(4 * MB)],
    ['CR only', '\r'.repeat(n)],
  ];
}

function oversized(): Array<[string, string]> {
  const big = (t: string) => t.repeat(Math.ceil((4 * MB) / Math.max(1, t.length))).slice(0, 4 * MB);
  return [
    ['4 MB of real output (all fixtures repeated)', big(REAL.join('\n'))],
    ['2 MB of random bytes as UTF-8', randomBytes(2 * MB).toString('utf8')],
    ['2 MB of random bytes as latin1', randomBytes(2 * MB).toString('latin1')],
    ['1 MB of NUL and escape bytes', '\0\x1b[2J\x7f'.repeat(MB / 4)],
  ];
}

function timed(fn: () => unknown): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

const shuffleLines = (t: string, seed: number) => {
  const lines = t.split('\n');
  let s = seed;
  for (let i = lines.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    const j = s % (i + 1);
    [lines[i], lines[j]] = [lines[j]!, lines[i]!];
  }
  return lines.join('\n');
};

describe('parsers under hostile output', { timeout: 120_000 }, () => {
  for (const [name, parse] of PARSERS) {
    it(`${name}: reordered and cut real output never throws`, () => {
      fc.assert(
        fc.property(fc.constantFrom(...REAL), fc.nat(), fc.nat(), fc.nat(), (t, seed, a, b) => {
          const shuffled = shuffleLines(t, seed);
          const [from, to] = [a % (shuffled.length + 1), b % (shuffled.length + 1)].sort((x, y) => x - y);
          parse(shuffled);
          parse(shuffled.slice(from!, to!));
          // Lines glued: a lost newline.
          parse(t.replace(/\n/g, (m, i: number) => (i % 3 === 0 ? '' : m)));
          return true;
        }),
        { numRuns: 200 },
      );
    });

    it(`${name}: MBs of output and pathological runs return in bounded time`, () => {
      const times: string[] = [];
      for (const [what, input] of [...oversized(), ...pathological()]) {
        const ms = timed(() => parse(input));
        times.push(`${what} ${ms.toFixed(0)} ms`);
        // Linear parsers do ~10+ MB/s here; a backtracking regex takes minutes (zpool status did: 130 s for
        // 200 KB of blanks). The budget, 1 s per MB and at least 250 ms, leaves room for a loaded CI machine.
        expect(ms, `${name}: ${what}`).toBeLessThan(Math.max(250, (1000 * input.length) / MB));
      }
      console.log(`parser ${name}: ${times.join(', ')}`);
    });
  }

  it('the inventory loader turns any garbage into a ConfigError, never a crash', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 400 }), fc.constantFrom('hosts: [', '&a [*a]', 'hosts:\n  - !!js/function x', 'hosts: &h [*h]')), (s) => {
        try {
          parseInventoryText(s, 'garbage.yaml');
        } catch (e) {
          if (!(e instanceof ConfigError)) throw e;
        }
        return true;
      }),
      { numRuns: 500 },
    );
    // 5000 nested brackets overflow yaml's recursive parser: a ConfigError (once; V8 itself aborts after a few
    // hundred stack overflows in one process, which a config loaded once never meets).
    expect(() => parseInventoryText(`a: ${'['.repeat(5000)}`, 'deep.yaml')).toThrow(ConfigError);
    // The billion-laughs shape: aliases are capped, so it is refused rather than expanded.
    const laughs = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]', ...'bcdefgh'.split('').map((c, i) => `${c}: &${c} [${Array(10).fill(`*${'abcdefgh'[i]}`).join(',')}]`)].join('\n');
    const ms = timed(() => expect(() => parseInventoryText(laughs, 'laughs.yaml')).toThrow(ConfigError));
    expect(ms).toBeLessThan(2000);
  });
});

describe('fetchHostStatus on garbage gather output', () => {
  const host = labHost();
  const baseline = labBaseline();
  const run = async (stdout: string, code: number | null = 0) => {
    const t = new ScriptedTransport().on('@@mvm', { stdout, code });
    const hs = await fetchHostStatus(t, host, { now: () => Date.parse('2026-11-26T12:00:00Z') });
    expect(() => hostStatusSchema.parse(hs)).not.toThrow();
    return hs;
  };

  it('the real output gives known states (the baseline the garbage cases are compared with)', async () => {
    const hs = await run(baseline);
    expect(hs.reachable).toBe(true);
    expect(hs.vms.find((v) => v.name === 'vm1')).toMatchObject({ active: 'active', runner: 'present', bridge: 'up' });
  });

  it('binary noise, MBs of it, or only markers: every VM field it could not read is unknown, no crash', async () => {
    const cases = [
      randomBytes(64 * 1024).toString('latin1'),
      `@@mvm units\n${randomBytes(MB).toString('utf8')}\n@@rc 0\n`,
      '@@mvm units\n@@rc 0\n@@mvm runners\n@@rc 0\n@@mvm ip-links\n@@rc 0\n',
      '@@mvm units\n{not: systemctl}\n@@rc 0\n@@mvm ip-links\n[{"ifname":\n@@rc 0\n@@mvm runners\n\0\0\0\n@@rc 0\n',
    ];
    for (const out of cases) {
      const hs = await run(out);
      for (const vm of hs.vms) {
        expect(vm).toMatchObject({ active: 'unknown', runner: 'unknown', bridge: 'unknown', restarts: null, memoryBytes: null });
      }
    }
  });

  it('truncated or reordered real output never crashes, and what is shown is either read or unknown', async () => {
    const sections = baseline.split(/(?=^@@mvm )/m);
    for (let cut = 0; cut < baseline.length; cut += 97) await run(baseline.slice(0, cut));
    for (let seed = 1; seed < 30; seed++) {
      const hs = await run(shuffleLines(sections.join(''), seed));
      for (const vm of hs.vms) expect(['active', 'activating', 'deactivating', 'inactive', 'failed', 'reloading', 'unknown']).toContain(vm.active);
    }
    // Whole sections reordered: still the same reading.
    const reordered = await run([...sections].reverse().join(''));
    expect(reordered.vms.map((v) => v.active)).toEqual((await run(baseline)).vms.map((v) => v.active));
  });

  it('a script that died (no output, exit 255) is an unreachable host with the VMs from the inventory', async () => {
    const hs = await run('', 255);
    expect(hs.reachable).toBe(false);
    expect(hs.vms.map((v) => v.name)).toEqual(host.vms.map((v) => v.name));
    expect(hs.vms.every((v) => v.active === 'unknown')).toBe(true);
  });
});
