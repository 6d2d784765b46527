// Word wrapping for text that must be shown whole (status messages, results, errors): every character stays,
// lines break at spaces where they can and inside a word only when the word alone is wider than the line.
// Widths are counted in code points: messages are text the program writes (ASCII and a few one-column symbols).

/** `text` in lines of at most `width` columns; embedded newlines start new lines. Never returns an empty list. */
export function wrapText(text: string, width: number): string[] {
  const w = Math.max(1, Math.floor(width));
  const out: string[] = [];
  for (const para of text.split('\n')) {
    let line: string[] = [];
    const push = () => {
      out.push(line.join('').trimEnd());
      line = [];
    };
    for (const word of para.split(/(?<= )/)) {
      const chars = Array.from(word);
      const bare = Array.from(word.trimEnd()).length;
      if (line.length && line.length + bare > w) push();
      for (const ch of chars) {
        if (line.length >= w) {
          if (ch === ' ') continue;
          push();
        }
        line.push(ch);
      }
    }
    push();
  }
  return out.length ? out : [''];
}

/** Code-point length, the width wrapText counts in. */
export function textWidth(text: string): number {
  return Array.from(text).length;
}
