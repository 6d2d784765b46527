/** `readlink PATH` with its exit code: the target, or null when the link is absent (exit 1, no output). */
export function parseReadlink(text: string, rc: number | null): string | null {
  if (rc !== 0 || typeof text !== 'string') return null;
  const first = text.split(/\r?\n/)[0]?.trim() ?? '';
  return first || null;
}
