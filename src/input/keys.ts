// Splits what the terminal sends into keys. A read may carry many keys at once (a held key, a paste, a slow
// SSH link or mosh deliver bursts) and may end inside an escape sequence; every key comes out alone, in order.

/** A mouse report (SGR 1006, or the legacy X10 form), cells counted from 0. */
export interface MouseEvent {
  kind: 'press' | 'release' | 'drag' | 'wheelUp' | 'wheelDown';
  /** 0 left, 1 middle, 2 right (wheel and release: as reported). */
  button: number;
  x: number;
  y: number;
}

export interface KeyEvent {
  /** The key's name as the keymap writes it ('j', 'G', 'space', 'down', 'ctrl-n', 'return', 'f5', 'alt-x'),
   *  or null for bytes no command can be bound to. */
  name: string | null;
  /** What the key types into a text field ('' for none). */
  text: string;
  /** A bracketed paste: the text, whole. */
  paste?: string;
  mouse?: MouseEvent;
}

const ESC = '\u001B';
const PASTE_START = `${ESC}[200~`;
const PASTE_END = `${ESC}[201~`;

const CSI_LETTER: Record<string, string> = { A: 'up', B: 'down', C: 'right', D: 'left', H: 'home', F: 'end', E: 'clear', Z: 'shift-tab', P: 'f1', Q: 'f2', R: 'f3', S: 'f4' };
const SS3_LETTER: Record<string, string> = { ...CSI_LETTER, M: 'return', P: 'f1', Q: 'f2', R: 'f3', S: 'f4' };
const CSI_TILDE: Record<string, string> = {
  '1': 'home', '2': 'insert', '3': 'delete', '4': 'end', '5': 'pageup', '6': 'pagedown', '7': 'home', '8': 'end',
  '11': 'f1', '12': 'f2', '13': 'f3', '14': 'f4', '15': 'f5', '17': 'f6', '18': 'f7', '19': 'f8', '20': 'f9', '21': 'f10', '23': 'f11', '24': 'f12',
};
// the Linux console's F1-F5: ESC [ [ A..E
const LINUX_F: Record<string, string> = { A: 'f1', B: 'f2', C: 'f3', D: 'f4', E: 'f5' };
const MODIFIER: Record<number, string> = { 2: 'shift-', 3: 'alt-', 4: 'alt-shift-', 5: 'ctrl-', 6: 'ctrl-shift-', 7: 'ctrl-alt-', 8: 'ctrl-alt-shift-' };

const key = (name: string | null, text = ''): KeyEvent => ({ name, text });

/** The key of one control character (below 0x20, or DEL). */
function controlKey(ch: string): KeyEvent {
  const c = ch.charCodeAt(0);
  if (ch === '\r' || ch === '\n') return key('return');
  if (ch === '\t') return key('tab');
  if (c === 0x7f || c === 0x08) return key('backspace');
  if (c === 0) return key('ctrl-space');
  if (c >= 1 && c <= 26) return key(`ctrl-${String.fromCharCode(c + 96)}`);
  return key(null);
}

/** The key of one character typed alone. */
function charKey(ch: string): KeyEvent {
  const c = ch.codePointAt(0)!;
  if (c < 0x20 || c === 0x7f) return controlKey(ch);
  if (ch === ' ') return key('space', ' ');
  if (c >= 0x80 && c < 0xa0) return key(null); // C1 controls type nothing
  return key(ch, ch);
}

type Parsed = { event: KeyEvent; end: number } | 'pending' | null;

/** A CSI sequence starting at `i` (ESC [ ...). */
function parseCsi(s: string, i: number): Parsed {
  let j = i + 2;
  if (j >= s.length) return 'pending';
  // legacy X10 mouse: ESC [ M and three bytes
  if (s[j] === 'M') {
    if (j + 3 >= s.length) return 'pending';
    const b = s.charCodeAt(j + 1) - 32;
    return { event: { name: null, text: '', mouse: mouseOf(b, s.charCodeAt(j + 2) - 33, s.charCodeAt(j + 3) - 33, b % 4 === 3 && b < 64) }, end: j + 4 };
  }
  if (s[j] === '[') {
    if (j + 1 >= s.length) return 'pending';
    return { event: key(LINUX_F[s[j + 1]!] ?? null), end: j + 2 };
  }
  const start = j;
  while (j < s.length) {
    const c = s.charCodeAt(j);
    if (c >= 0x20 && c <= 0x3f) {
      j++;
      continue;
    }
    if (c >= 0x40 && c <= 0x7e) break;
    return { event: key(null), end: j }; // not a sequence: drop what was read of it
  }
  if (j >= s.length) return 'pending';
  const params = s.slice(start, j);
  const final = s[j]!;
  const end = j + 1;
  if (params.startsWith('<') && (final === 'M' || final === 'm')) {
    const [b, x, y] = params.slice(1).split(';').map(Number);
    if (b === undefined || x === undefined || y === undefined || [b, x, y].some(Number.isNaN)) return { event: key(null), end };
    return { event: { name: null, text: '', mouse: mouseOf(b, x - 1, y - 1, final === 'm') }, end };
  }
  const parts = params.split(';');
  const mod = MODIFIER[Number(parts[1] ?? 1)] ?? '';
  const base = final === '~' ? CSI_TILDE[parts[0] ?? ''] : CSI_LETTER[final];
  if (final === '~' && (params === '200' || params === '201')) return { event: key(null), end }; // stray paste bracket
  return { event: key(base ? mod + base : null), end };
}

function mouseOf(b: number, x: number, y: number, release: boolean): MouseEvent {
  const button = b & 3;
  let kind: MouseEvent['kind'] = release ? 'release' : 'press';
  if (b & 64) kind = button === 0 ? 'wheelUp' : 'wheelDown';
  else if (b & 32) kind = 'drag';
  return { kind, button, x, y };
}

/** One key starting at `i`, which holds an ESC. */
function parseEscape(s: string, i: number): Parsed {
  if (i + 1 >= s.length) return 'pending';
  const next = s[i + 1]!;
  if (next === '[') return parseCsi(s, i);
  if (next === 'O') {
    if (i + 2 >= s.length) return 'pending';
    return { event: key(SS3_LETTER[s[i + 2]!] ?? null), end: i + 3 };
  }
  if (next === ESC) {
    // ESC ESC [ A: alt with a named key (some terminals); ESC ESC alone: escape, then the second one anew
    if (i + 2 >= s.length) return 'pending';
    if (s[i + 2] === '[' || s[i + 2] === 'O') {
      const inner = parseEscape(s, i + 1);
      if (inner === 'pending' || inner === null) return inner;
      return { event: key(inner.event.name ? `alt-${inner.event.name}` : null), end: inner.end };
    }
    return { event: key('escape'), end: i + 1 };
  }
  // alt-x: ESC and the character
  const cp = s.codePointAt(i + 1)!;
  const ch = String.fromCodePoint(cp);
  const inner = charKey(ch);
  return { event: key(inner.name ? `alt-${inner.name}` : null), end: i + 1 + ch.length };
}

export interface KeyParser {
  /** The keys of one chunk read from the terminal; an incomplete sequence at its end waits for the next. */
  push(chunk: string): KeyEvent[];
  /** What is held while the input so far may go on: a lone ESC (the escape key, or the start of a sequence),
   *  the start of a sequence or an open paste; false when nothing is. */
  pending(): 'escape' | 'sequence' | false;
  /** Nothing more came in time: what is held becomes keys (a lone ESC is the escape key). */
  flush(): KeyEvent[];
}

export function createKeyParser(): KeyParser {
  let held = ''; // an incomplete escape sequence
  let paste: string | null = null; // inside a bracketed paste: what it holds so far

  const run = (s: string, out: KeyEvent[]): void => {
    let i = 0;
    while (i < s.length) {
      if (paste !== null) {
        const end = s.indexOf(PASTE_END, i);
        if (end < 0) {
          // keep a possible start of the end marker held, not in the paste
          const tail = partialSuffix(s.slice(i), PASTE_END);
          paste += s.slice(i, s.length - tail);
          held = s.slice(s.length - tail);
          return;
        }
        out.push({ name: null, text: '', paste: paste + s.slice(i, end) });
        paste = null;
        i = end + PASTE_END.length;
        continue;
      }
      const ch = s[i]!;
      if (ch !== ESC) {
        const cp = String.fromCodePoint(s.codePointAt(i)!);
        out.push(charKey(cp));
        i += cp.length;
        continue;
      }
      if (s.startsWith(PASTE_START, i)) {
        paste = '';
        i += PASTE_START.length;
        continue;
      }
      const p = parseEscape(s, i);
      if (p === 'pending') {
        held = s.slice(i);
        return;
      }
      if (p === null) {
        i++;
        continue;
      }
      out.push(p.event);
      i = p.end;
    }
  };

  return {
    push(chunk) {
      const out: KeyEvent[] = [];
      const s = held + chunk;
      held = '';
      run(s, out);
      return out;
    },
    pending: () => (held === ESC && paste === null ? 'escape' : held !== '' || paste !== null ? 'sequence' : false),
    flush() {
      const out: KeyEvent[] = [];
      if (paste !== null) {
        out.push({ name: null, text: '', paste: paste + held });
        paste = null;
      } else if (held === ESC) out.push(key('escape'));
      else if (held === `${ESC}${ESC}`) out.push(key('escape'), key('escape'));
      else if (held) out.push(key(null)); // an unfinished sequence: nothing a command could mean
      held = '';
      return out;
    },
  };
}

/** How many characters at the end of `s` are a proper start of `marker`. */
function partialSuffix(s: string, marker: string): number {
  for (let n = Math.min(marker.length - 1, s.length); n > 0; n--) if (marker.startsWith(s.slice(s.length - n))) return n;
  return 0;
}
