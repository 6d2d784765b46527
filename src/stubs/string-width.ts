import stripAnsi from 'strip-ansi';

// Stands in for string-width (v8, Ink's text measuring) in the bundle; see tsup.plugins.ts. When loaded,
// string-width builds an Intl.Segmenter and its /^\p{RGI_Emoji}$/v regex, and compiles that regex on the first
// string that is not plain ASCII: ~35 ms of start-up for the first frame's ● · … and borders. Strings made only
// of characters listed here, each one column wide and none an emoji, mark or joiner (so no two of them form one
// grapheme), are measured by counting; anything else goes to string-width itself, loaded on first need.
// test/stubs/string-width.test.ts checks every listed character, and random strings, against string-width.

export interface WidthOptions {
  ambiguousIsNarrow?: boolean;
  countAnsiEscapeCodes?: boolean;
}
export type StringWidth = (input: string, options?: WidthOptions) => number;

/** Code point ranges (inclusive) of one-column characters that need no segmenting. */
export const ONE_COLUMN: ReadonlyArray<readonly [number, number]> = [
  [0x20, 0x7e], // printable ASCII
  [0xa0, 0xac], // Latin-1 (U+00AD, the soft hyphen, is zero wide)
  [0xae, 0xff],
  [0x2013, 0x2014], // – —
  [0x2026, 0x2026], // …
  [0x2190, 0x2193], // ← ↑ → ↓
  [0x21bb, 0x21bb], // ↻
  [0x23ce, 0x23ce], // ⏎
  [0x2500, 0x259f], // box drawing (Ink's borders), block elements
  [0x25b2, 0x25b2], // ▲
  [0x25b6, 0x25b6], // ▶
  [0x25bc, 0x25bc], // ▼
  [0x25cb, 0x25cb], // ○
  [0x25cf, 0x25cf], // ●
  [0x2717, 0x2717], // ✗
  [0x2800, 0x28ff], // braille (the spinner)
];

const oneColumn = new Uint8Array(0x2900);
for (const [from, to] of ONE_COLUMN) oneColumn.fill(1, from, to + 1);

/** Whether UTF-16 code unit `code` is one of the listed characters. */
export function isOneColumn(code: number): boolean {
  return oneColumn[code] === 1;
}

/** string-width's answer for `input`, counting when every character is listed and asking `full` otherwise. */
export function fastStringWidth(full: () => StringWidth): StringWidth {
  return (input, options) => {
    if (typeof input !== 'string' || options?.countAnsiEscapeCodes || options?.ambiguousIsNarrow === false) return full()(input, options);
    const s = input.includes('\u001B') || input.includes('\u009B') ? stripAnsi(input) : input;
    for (let i = 0; i < s.length; i++) if (oneColumn[s.charCodeAt(i)] !== 1) return full()(input, options);
    return s.length;
  };
}

let loaded: StringWidth | undefined;
// A require() of the real module: esbuild bundles it to be evaluated on this first call, not at start-up.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const stringWidth = fastStringWidth(() => (loaded ??= (require('string-width') as { default: StringWidth }).default));
export default stringWidth;
