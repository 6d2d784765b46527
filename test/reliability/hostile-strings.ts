import fc from 'fast-check';

// Strings meant to break out of a shell line or to be read as an option: shell metacharacters, quotes,
// substitutions, control characters, option prefixes and long runs, mixed with plausible names so that
// a good share of samples is accepted (a builder that refused everything would pass trivially).

const PIECES = [
  '$(id)', '`id`', '${IFS}', '$HOME', ';', '&&', '||', '|', '&', '\n', '\r', '\t', ' ', "'", '"', '\\', "'\\''",
  '*', '?', '[a]', '~', '{a,b}', '>', '<', '>>', '#', '!', '(', ')', '-', '--', '-rf', '-oProxyCommand=x', '=',
  '%', '..', '/', '@', ':', ',', '.', '_', 'vm1', 'microvm@', 'microvms', 'storage', 'a', 'Z', '9', '\u00e9', '\u{1F600}', '\x7f', '\x1b[2J',
];

const wellFormed = (s: string) => !/[\uD800-\uDFFF]/.test(s.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g, ''));

/** Mixed: pieces glued together, random code points, and name-like strings. No NUL (shq refuses it:
 *  tested on its own) and no lone surrogates (they cannot be sent as UTF-8 at all). */
export const hostile: fc.Arbitrary<string> = fc
  .oneof(
    { weight: 4, arbitrary: fc.array(fc.constantFrom(...PIECES), { minLength: 1, maxLength: 8 }).map((a) => a.join('')) },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
    { weight: 3, arbitrary: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,30}$/) },
    { weight: 1, arbitrary: fc.stringMatching(/^[A-Za-z0-9_.:/@-]{1,300}$/) },
  )
  .filter((s) => !s.includes('\0') && wellFormed(s));

export const SAMPLES = 3000;

/** Deterministic per run but different between runs; printed on failure so it can be replayed. */
export const seed = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);

export function sample<T>(arb: fc.Arbitrary<T>, n = SAMPLES, salt = 0): T[] {
  return fc.sample(arb, { numRuns: n, seed: seed + salt });
}
