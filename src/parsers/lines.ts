// Lines of command output, as `text.split(/\r?\n/)` gives them but without a regex split: the status parsers
// run on every host's output every refresh, and V8 splits on a string several times faster.

export function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (!text.includes('\r')) return lines;
  // Only a \r before a \n ends a line; the last piece had none after it.
  for (let i = 0; i < lines.length - 1; i++) if (lines[i]!.endsWith('\r')) lines[i] = lines[i]!.slice(0, -1);
  return lines;
}
