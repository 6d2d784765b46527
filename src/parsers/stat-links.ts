import { splitLines } from './lines.js';
// `stat -c %N -- PATH...` prints `'PATH' -> 'TARGET'` for a symlink and `'PATH'` for anything else; a path
// that does not exist gives `stat: cannot statx 'PATH': No such file or directory` (stderr, merged in any
// order). One process reads every VM's current/booted link at once.

const LINK_RE = /^'(.*)' -> '(.*)'$|^(\S+) -> (\S+)$/;
const PLAIN_RE = /^'(.*)'$/;
const MISSING_RE = /^stat: cannot stat(?:x)? '(.*)': No such file or directory$/;

/** PATH -> link target; null when the path is absent or not a symlink. Paths not mentioned stay unknown. */
export function parseStatLinks(text: string): Map<string, string | null> {
  const out = new Map<string, string | null>();
  if (typeof text !== 'string') return out;
  for (const line of splitLines(text)) {
    const link = LINK_RE.exec(line);
    if (link) {
      out.set(link[1] ?? link[3] ?? '', link[2] ?? link[4] ?? '');
      continue;
    }
    const gone = MISSING_RE.exec(line) ?? PLAIN_RE.exec(line);
    if (gone) out.set(gone[1] ?? '', null);
  }
  return out;
}
