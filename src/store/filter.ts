// The grid's and the snapshot browser's filter (the log panes have their own, with match highlighting).

/** A filter as typed: a case-insensitive regex (a plain substring when it is not one), `!` inverts. */
export function filterMatcher(text: string): (s: string) => boolean {
  const invert = text.startsWith('!');
  const body = invert ? text.slice(1) : text;
  if (!body) return () => true;
  let test: (s: string) => boolean;
  try {
    const re = new RegExp(body, 'i');
    test = (s) => re.test(s);
  } catch {
    const lower = body.toLowerCase();
    test = (s) => s.toLowerCase().includes(lower);
  }
  return invert ? (s) => !test(s) : test;
}
