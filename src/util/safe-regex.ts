// A regex the user typed (grid, snapshot and log filters) runs on the UI thread, where JavaScript's
// backtracking engine cannot be interrupted: (a+)+$ on 30 characters takes seconds, on a log line forever.
// So a pattern is checked before it is compiled, and refused (then matched literally, with the reason shown)
// when it can backtrack exponentially: a repeated group that itself repeats or alternates, or a
// backreference. What is left costs at most a power of the text length, one power per open-ended repeat,
// so a match looks at a window of the text sized for that power, and more than two such repeats are refused.
// Why not V8's linear engine (the `l` flag): it cannot ignore case (smart case needs it) and was measured
// 20-100x slower on ordinary patterns, too slow for a log flood.

/** Open-ended repeats (*, +, {n,}, {n,m} with m over this) that make a match cost a power of the length. */
const WIDE_REPEAT = 64;
/**
 * Characters of a text one match looks at, by the number of open-ended repeats. Worst cases measured at load
 * 9 on 2 cores: \w+x over 4096 characters ~16 ms, a*a*b over 512 ~48 ms, so 256 (~6 ms) for two repeats.
 */
const WINDOWS = [Infinity, 4096, 256] as const;

export interface PatternRisk {
  /** Why the pattern is refused, ready to show; undefined when it is safe to compile. */
  refused?: string;
  /** How many open-ended repeats it has. */
  openEnded: number;
}

interface Frame {
  /** The group holds a quantifier (other than an exact {n}) or an alternation, at any depth. */
  varies: boolean;
}

interface Quantifier {
  max: number;
  exact: boolean;
  length: number;
}

/** Reads a quantifier at `i`: *, +, ?, {n}, {n,}, {n,m}, each optionally lazy; undefined when none is there. */
function quantifierAt(p: string, i: number): Quantifier | undefined {
  const c = p[i];
  let q: Quantifier | undefined;
  if (c === '*' || c === '+') q = { max: Infinity, exact: false, length: 1 };
  else if (c === '?') q = { max: 1, exact: false, length: 1 };
  else if (c === '{') {
    // without the u flag a `{` that is not a well-formed quantifier is a literal brace
    const m = /^\{(\d+)(,(\d*))?\}/.exec(p.slice(i, i + 24));
    if (!m) return undefined;
    const min = Number(m[1]);
    const max = m[2] === undefined ? min : m[3] ? Number(m[3]) : Infinity;
    q = { max, exact: m[2] === undefined, length: m[0].length };
  }
  if (q && p[i + q.length] === '?') q.length++;
  return q;
}

/** Checks a pattern without running it. Never throws; a pattern that is not valid syntax is left to RegExp. */
export function patternRisk(p: string): PatternRisk {
  const stack: Frame[] = [{ varies: false }];
  let openEnded = 0;
  /** The atom a following quantifier applies to: a group that varies inside, or a plain atom. */
  let last: { group: boolean; varies: boolean } | null = null;
  for (let i = 0; i < p.length; ) {
    const c = p[i]!;
    const top = stack[stack.length - 1]!;
    if (c === '\\') {
      const n = p[i + 1] ?? '';
      if (/[1-9]/.test(n) || (n === 'k' && p[i + 2] === '<')) return { refused: `backreference \\${n === 'k' ? 'k<…>' : n} can take exponential time`, openEnded };
      last = { group: false, varies: false };
      i += 2;
      continue;
    }
    if (c === '[') {
      let j = i + 1;
      if (p[j] === '^') j++;
      while (j < p.length && p[j] !== ']') j += p[j] === '\\' ? 2 : 1;
      last = { group: false, varies: false };
      i = j + 1;
      continue;
    }
    if (c === '(') {
      stack.push({ varies: false });
      last = null;
      i++;
      continue;
    }
    if (c === ')') {
      const closed = stack.length > 1 ? stack.pop()! : { varies: false };
      const parent = stack[stack.length - 1]!;
      parent.varies ||= closed.varies;
      last = { group: true, varies: closed.varies };
      i++;
      continue;
    }
    if (c === '|') {
      top.varies = true;
      last = null;
      i++;
      continue;
    }
    const q = last ? quantifierAt(p, i) : undefined;
    if (q && last) {
      if (last.group && last.varies && q.max > 1) {
        return { refused: 'a repeated group that itself repeats or alternates, like (a+)+ or (a|b)*, can take exponential time', openEnded };
      }
      if (q.max > WIDE_REPEAT) openEnded++;
      if (!q.exact) top.varies = true;
      last = null; // a quantifier cannot be quantified again
      i += q.length;
      continue;
    }
    last = { group: false, varies: false };
    i++;
  }
  if (openEnded >= WINDOWS.length) return { refused: `${openEnded} open-ended repeats (*, +) can take very long on a long line; use at most ${WINDOWS.length - 1}`, openEnded };
  return { openEnded };
}

export interface UserRegex {
  re: RegExp;
  /** True when the pattern is matched as plain text: it was not a valid regex, or it was refused. */
  literal: boolean;
  /** Why it is matched literally, ready to show. */
  error?: string;
  /** The characters of a text one match looks at (its start); Infinity: all of it. */
  window: number;
}

export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Compiles what the user typed: the regex when it is valid and safe, else the text itself, literally. */
export function userRegex(pattern: string, flags: string): UserRegex {
  const literal = (error: string): UserRegex => ({ re: new RegExp(escapeRegExp(pattern), flags), literal: true, error: `${error}; matching literally`, window: Infinity });
  let re: RegExp;
  try {
    re = new RegExp(pattern, flags);
  } catch (e) {
    return literal(`invalid regex (${(e as Error).message.replace(/^Invalid regular expression: /, '')})`);
  }
  const risk = patternRisk(pattern);
  if (risk.refused) return literal(`regex refused: ${risk.refused}`);
  return { re, literal: false, window: WINDOWS[risk.openEnded] ?? 0 };
}

/** The part of a text a match of `r` looks at. */
export const windowed = (text: string, r: Pick<UserRegex, 'window'>): string => (text.length > r.window ? text.slice(0, r.window) : text);
