import { RE2JS, RE2JSException } from 're2js';

// A regex the user typed (grid, snapshot and log filters) runs on the UI thread, where JavaScript's
// backtracking engine cannot be interrupted: (a+)+$ on 30 characters takes seconds, a.*b.*c on a long log line
// seconds more. So every pattern with regex syntax runs on RE2 (re2js, a pure-JavaScript port), whose time is
// linear in the text whatever the pattern, and sees the whole line. A pattern of plain characters (no regex
// syntax at all) is searched by V8's own engine, which is linear for a literal and ~8x faster on a log flood.
// What RE2 does not support (backreferences, lookaround) or cannot parse is matched literally, with the reason.

export interface UserRegex {
  /** True when the pattern is matched as plain text: it was not a valid RE2 expression. */
  literal: boolean;
  /** Why it is matched literally, ready to show. */
  error?: string;
  /** Whether the text holds a match anywhere. */
  test(text: string): boolean;
  /** [start, end) of the non-empty, non-overlapping matches, in UTF-16 units like String.slice. */
  ranges(text: string): Array<[number, number]>;
}

export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Matches are capped per text so a pathological highlight (a match per character of a 64 KiB line) stays bounded. */
const MAX_RANGES = 10_000;

/** Plain text, found with V8's search (linear for a literal); escaped so nothing in it is syntax. */
function plain(text: string, ignoreCase: boolean, error?: string): UserRegex {
  // test() on a non-global copy: nothing to reset or write back per line
  const once = new RegExp(escapeRegExp(text), ignoreCase ? 'i' : '');
  const re = new RegExp(escapeRegExp(text), ignoreCase ? 'gi' : 'g');
  return {
    literal: error !== undefined,
    ...(error !== undefined ? { error } : {}),
    test: (s) => once.test(s),
    ranges: (s) => {
      if (!text) return [];
      const out: Array<[number, number]> = [];
      re.lastIndex = 0;
      let m: RegExpExecArray | null;
      while ((m = re.exec(s)) !== null && out.length < MAX_RANGES) out.push([m.index, m.index + m[0].length]);
      return out;
    },
  };
}

/** Compiles what the user typed: RE2 when it has regex syntax and RE2 reads it, else the text itself, literally. */
export function userRegex(pattern: string, opts: { ignoreCase: boolean }): UserRegex {
  if (!/[.*+?^${}()|[\]\\]/.test(pattern)) return plain(pattern, opts.ignoreCase);
  let re: RE2JS;
  try {
    re = RE2JS.compile(RE2JS.translateRegExp(pattern), opts.ignoreCase ? RE2JS.CASE_INSENSITIVE : 0);
  } catch (e) {
    const why = e instanceof RE2JSException ? e.message.replace(/^error parsing regexp: /, '') : String(e);
    return plain(pattern, opts.ignoreCase, `invalid regex (${why}); matching literally`);
  }
  return {
    literal: false,
    test: (s) => re.test(s),
    ranges: (s) => {
      const out: Array<[number, number]> = [];
      const m = re.matcher(s);
      while (out.length < MAX_RANGES && m.find()) {
        const [start, end] = [m.start(), m.end()];
        if (end > start) out.push([start, end]);
      }
      return out;
    },
  };
}
