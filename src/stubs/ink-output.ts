import { styledCharsFromTokens, styledCharsToString, tokenize, type StyledChar } from '@alcalzone/ansi-tokenize';
import sliceAnsi from 'slice-ansi';
import stringWidth from 'string-width';

// Stands in for Ink's build/output.js in the bundle (tsup.plugins.ts); same interface, same output, byte for byte
// (test/stubs/ink-output.test.ts compares the two on random frames). Ink builds every frame from scratch: a
// grid of width x height cell objects, every line of text tokenized into one object per character, every row
// turned back into a string, and its caches thrown away with the frame. On a 160x50 grid of 20 hosts that was
// ~14 ms of CPU per frame, although a status report changes a few rows at most. Here a row is composed only
// when what is placed on it (which lines, where, after clipping and transforms) differs from a row composed
// before, wherever that was (a scrolled log line is found again one row up); the row and width caches outlive
// the frame and are bounded so a log flood cannot grow them.

type Transformer = (s: string, index: number) => string;
interface Clip {
  x1: number | undefined;
  x2: number | undefined;
  y1: number | undefined;
  y2: number | undefined;
}
type Operation = { type: 'write'; x: number; y: number; text: string; transformers: Transformer[] } | { type: 'clip'; clip: Clip } | { type: 'unclip' };

/** A Map that forgets everything once it holds `max` entries: cheap, and a flood of new keys cannot grow it. */
class Bounded<V> {
  private map = new Map<string, V>();
  constructor(private readonly max: number) {}
  get(key: string): V | undefined {
    return this.map.get(key);
  }
  set(key: string, value: V): void {
    if (this.map.size >= this.max) this.map.clear();
    this.map.set(key, value);
  }
}

// Sizes: a full screen is ~50 rows of a few KiB at most, its lines a few hundred; a view switch or a
// scrolled log pane is all new keys, after which the old ones are dead weight.
const rows = new Bounded<string>(1_000);
const widths = new Bounded<number>(5_000);
const blockWidths = new Bounded<number>(1_000);

function width(text: string): number {
  let w = widths.get(text);
  if (w === undefined) {
    w = stringWidth(text);
    widths.set(text, w);
  }
  return w;
}

function widest(text: string): number {
  let w = blockWidths.get(text);
  if (w === undefined) {
    w = 0;
    for (const line of text.split('\n')) w = Math.max(w, width(line));
    blockWidths.set(text, w);
  }
  return w;
}

/** A line as cells. Kept for one frame only (`frame`), as Ink does: an object per character (~100 bytes each)
 *  kept longer saved nothing measurable (bench/frame-cost.sh) and would hold megabytes under a log flood. */
function styledChars(line: string, frame: Map<string, StyledChar[]>): StyledChar[] {
  let c = frame.get(line);
  if (c === undefined) {
    c = styledCharsFromTokens(tokenize(line));
    frame.set(line, c);
  }
  return c;
}

// Cells are only ever replaced, never changed in place, so every blank cell can be the same object.
const SPACE: StyledChar = Object.freeze({ type: 'char', value: ' ', fullWidth: false, styles: Object.freeze([]) as unknown as StyledChar['styles'] });

/** One row as Ink composes it: blanks, then each placement's characters from its x, in order. */
function compose(gridWidth: number, placed: readonly (string | number)[], frame: Map<string, StyledChar[]>): string {
  const row: (StyledChar | undefined)[] = new Array<StyledChar>(gridWidth).fill(SPACE);
  for (let i = 0; i < placed.length; i += 2) {
    let x = placed[i] as number;
    for (const ch of styledChars(placed[i + 1] as string, frame)) {
      row[x] = ch;
      const w = Math.max(1, width(ch.value));
      for (let k = 1; k < w; k++) row[x + k] = { type: 'char', value: '', fullWidth: false, styles: ch.styles };
      x += w;
    }
  }
  // Ink drops holes (a negative x or one past a wide character leaves them) before joining.
  return styledCharsToString(row.filter((c): c is StyledChar => c !== undefined)).trimEnd();
}

/** What decides a row's text: the grid's width and each placement; lengths make it unambiguous whatever a line holds. */
function rowKey(gridWidth: number, placed: readonly (string | number)[]): string {
  let key = String(gridWidth);
  for (let i = 0; i < placed.length; i += 2) {
    const line = placed[i + 1] as string;
    key += `|${placed[i] as number},${line.length}:${line}`;
  }
  return key;
}

export default class Output {
  width: number;
  height: number;
  private readonly operations: Operation[] = [];

  constructor(options: { width: number; height: number }) {
    this.width = options.width;
    this.height = options.height;
  }

  write(x: number, y: number, text: string, options: { transformers: Transformer[] }): void {
    if (!text) return;
    this.operations.push({ type: 'write', x, y, text, transformers: options.transformers });
  }

  clip(clip: Clip): void {
    this.operations.push({ type: 'clip', clip });
  }

  unclip(): void {
    this.operations.push({ type: 'unclip' });
  }

  get(): { output: string; height: number } {
    // What lands on each row, as (x, line) pairs in the order Ink would draw them.
    const placed: (string | number)[][] = Array.from({ length: this.height }, () => []);
    const clips: Clip[] = [];
    for (const op of this.operations) {
      if (op.type === 'clip') {
        clips.push(op.clip);
        continue;
      }
      if (op.type === 'unclip') {
        clips.pop();
        continue;
      }
      let { x, y } = op;
      let lines = op.text.split('\n');
      const clip = clips.at(-1);
      if (clip) {
        const clipH = typeof clip.x1 === 'number' && typeof clip.x2 === 'number';
        const clipV = typeof clip.y1 === 'number' && typeof clip.y2 === 'number';
        if (clipH && (x + widest(op.text) < clip.x1! || x > clip.x2!)) continue;
        if (clipV && (y + lines.length < clip.y1! || y > clip.y2!)) continue;
        if (clipH) {
          const x1 = clip.x1!;
          const x2 = clip.x2!;
          lines = lines.map((line) => {
            const w = width(line);
            return sliceAnsi(line, x < x1 ? x1 - x : 0, x + w > x2 ? x2 - x : w);
          });
          if (x < x1) x = x1;
        }
        if (clipV) {
          const y1 = clip.y1!;
          const y2 = clip.y2!;
          const h = lines.length;
          lines = lines.slice(y < y1 ? y1 - y : 0, y + h > y2 ? y2 - y : h);
          if (y < y1) y = y1;
        }
      }
      let offsetY = 0;
      for (let index = 0; index < lines.length; index++) {
        const row = placed[y + offsetY];
        // A line below the grid is dropped and does not move the ones after it (as in Ink).
        if (!row) continue;
        let line = lines[index]!;
        for (const t of op.transformers) line = t(line, index);
        row.push(x, line);
        offsetY++;
      }
    }
    const out: string[] = [];
    const frame = new Map<string, StyledChar[]>();
    for (const p of placed) {
      const key = rowKey(this.width, p);
      let s = rows.get(key);
      if (s === undefined) {
        s = compose(this.width, p, frame);
        rows.set(key, s);
      }
      out.push(s);
    }
    return { output: out.join('\n'), height: this.height };
  }
}
