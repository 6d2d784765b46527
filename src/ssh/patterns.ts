// OpenSSH's pattern matching (match.c), byte by byte as C compares chars: `*` any run of bytes, `?` exactly one
// byte (so one UTF-8 character of two bytes needs `??`), everything else literally.

/** match_pattern(3): does the whole of `s` match `pattern`? Dynamic programming, so no pattern can blow up. */
export function matchPattern(s: string, pattern: string): boolean {
  const t = Buffer.from(s, 'utf8');
  const p = Buffer.from(pattern, 'utf8');
  // row[j]: does t[0..i) match p[0..j)?
  let row = new Array<boolean>(p.length + 1).fill(false);
  row[0] = true;
  for (let j = 1; j <= p.length; j++) row[j] = row[j - 1]! && p[j - 1] === 0x2a;
  for (let i = 1; i <= t.length; i++) {
    const next = new Array<boolean>(p.length + 1).fill(false);
    for (let j = 1; j <= p.length; j++) {
      const c = p[j - 1]!;
      if (c === 0x2a) next[j] = next[j - 1]! || row[j]!;
      else next[j] = row[j - 1]! && (c === 0x3f || c === t[i - 1]);
    }
    row = next;
  }
  return row[p.length]!;
}

/** ASCII-only lower-casing, as C's tolower in the C locale. */
export function asciiLower(s: string): string {
  return s.replace(/[A-Z]+/g, (m) => m.toLowerCase());
}

/** match_pattern_list: a comma list with `!` negation. 1 = a positive pattern matched, -1 = a negated one did
 *  (which wins), 0 = none. With lowerPattern the patterns are lower-cased first (match_hostname). */
export function matchPatternList(s: string, list: string, lowerPattern: boolean): 1 | 0 | -1 {
  let positive = false;
  for (let sub of list.split(',')) {
    if (lowerPattern) sub = asciiLower(sub);
    const negated = sub.startsWith('!');
    if (matchPattern(s, negated ? sub.slice(1) : sub)) {
      if (negated) return -1;
      positive = true;
    }
  }
  return positive ? 1 : 0;
}
