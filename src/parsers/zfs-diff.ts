// `zfs diff -H` lines: CHANGE<TAB>PATH, and R<TAB>OLD<TAB>NEW for a rename. OpenZFS writes every byte of a path that is
// not printable ASCII, and every space and backslash, as a backslash and its octal value (libzfs_diff.c stream_bytes:
// four digits, `\0040` for a space; three in older releases): decoded here, so a UTF-8 name reads as itself.

const ESCAPE = /\\(0[0-3][0-7]{2}|[0-3][0-7]{2})/g;

/** The line with its paths' escapes decoded (bytes joined back into UTF-8). Never throws. */
export function decodeZfsDiffLine(line: string): string {
  if (typeof line !== 'string' || !line.includes('\\')) return typeof line === 'string' ? line : '';
  const parts: Buffer[] = [];
  let at = 0;
  for (const m of line.matchAll(ESCAPE)) {
    parts.push(Buffer.from(line.slice(at, m.index), 'utf8'), Buffer.of(parseInt(m[1]!, 8)));
    at = m.index + m[0].length;
  }
  parts.push(Buffer.from(line.slice(at), 'utf8'));
  return Buffer.concat(parts).toString('utf8');
}
