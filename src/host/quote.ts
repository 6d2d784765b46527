// Everything that reaches a remote shell goes through here.

/** POSIX single-quote: safe for any string without NUL. */
export function shq(s: string): string {
  if (s.includes('\0')) throw new Error('refusing a NUL byte in a shell argument');
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(s)) return s;
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Quotes and joins an argv for a remote shell. */
export function shJoin(argv: readonly string[]): string {
  return argv.map(shq).join(' ');
}
