// The part of POSIX sh the app's command lines use: words with single/double quotes and backslashes,
// `$?` and `$VAR`, the separators ; && || newline, pipes, and redirections like 2>&1 and 2>/dev/null.
// and $(...) command substitution. Anything else (here-docs, subshells, backquotes) is a clear error.

export type Part = { text: string } | { variable: string } | { command: string; quoted: boolean };
export interface Word {
  parts: Part[];
}
export interface Redirect {
  fd: number;
  op: '>' | '>>' | '<' | '>&';
  target: Word;
}
export interface SimpleCommand {
  assigns: Array<{ name: string; value: Word }>;
  words: Word[];
  redirects: Redirect[];
  /** `for NAME in WORDS; do BODY; done` (the one compound command supported). */
  loop?: { name: string; words: Word[]; body: ListItem[] };
}
export interface Pipeline {
  commands: SimpleCommand[];
}
/** A pipeline and the operator that joins it to the previous one. */
export interface ListItem {
  op: ';' | '&&' | '||';
  pipeline: Pipeline;
}

export class ShellSyntaxError extends Error {}

type Token = { t: 'word'; w: Word; raw: string } | { t: 'op'; v: string } | { t: 'redir'; fd: number; op: Redirect['op'] };

const SPECIAL_VARS = /^[?#$!@*0-9]/;

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const n = src.length;
  while (i < n) {
    const c = src[i]!;
    if (c === ' ' || c === '\t') {
      i++;
      continue;
    }
    if (c === '\\' && src[i + 1] === '\n') {
      i += 2;
      continue;
    }
    if (c === '#') {
      while (i < n && src[i] !== '\n') i++;
      continue;
    }
    if (c === '\n' || c === ';') {
      if (src.startsWith(';;', i)) throw new ShellSyntaxError("syntax error near unexpected token `;;'");
      out.push({ t: 'op', v: ';' });
      i++;
      continue;
    }
    if (src.startsWith('&&', i) || src.startsWith('||', i)) {
      out.push({ t: 'op', v: src.slice(i, i + 2) });
      i += 2;
      continue;
    }
    if (c === '|') {
      out.push({ t: 'op', v: '|' });
      i++;
      continue;
    }
    if (src.startsWith('&>', i)) {
      // &>file is >file 2>&1
      out.push({ t: 'redir', fd: 1, op: '>' });
      i += 2;
      out.push({ t: 'op', v: '&>' });
      continue;
    }
    if (c === '&') {
      out.push({ t: 'op', v: ';' });
      i++;
      continue;
    }
    if (c === '(' || c === ')' || c === '`') throw new ShellSyntaxError(`syntax error near unexpected token \`${c}'`);
    const redir = /^(\d*)(>>|>&|>|<)/.exec(src.slice(i));
    if (redir) {
      out.push({ t: 'redir', fd: redir[1] ? Number(redir[1]) : redir[2] === '<' ? 0 : 1, op: redir[2] as Redirect['op'] });
      i += redir[0].length;
      continue;
    }
    // A word: runs until an unquoted blank or operator.
    const parts: Part[] = [];
    let text = '';
    const start = i;
    const flush = () => {
      if (text) parts.push({ text });
      text = '';
    };
    const variable = (j: number, quoted: boolean): number => {
      // src[j] === '$'
      const rest = src.slice(j + 1);
      if (rest.startsWith('(')) {
        const end = matchParen(src, j + 2);
        flush();
        parts.push({ command: src.slice(j + 2, end), quoted });
        return end + 1;
      }
      const braced = /^\{([A-Za-z_][A-Za-z0-9_]*|[?#$!])\}/.exec(rest);
      const plain = /^([A-Za-z_][A-Za-z0-9_]*)/.exec(rest);
      if (braced) {
        flush();
        parts.push({ variable: braced[1]! });
        return j + 1 + braced[0].length;
      }
      if (SPECIAL_VARS.test(rest)) {
        flush();
        parts.push({ variable: rest[0]! });
        return j + 2;
      }
      if (plain) {
        flush();
        parts.push({ variable: plain[1]! });
        return j + 1 + plain[0].length;
      }
      text += '$';
      return j + 1;
    };
    while (i < n) {
      const ch = src[i]!;
      if (' \t\n;&|<>()'.includes(ch)) break;
      if (ch === '`') throw new ShellSyntaxError('command substitution `...` is not supported by the demo shell');
      if (ch === '\\') {
        if (src[i + 1] === '\n') i += 2;
        else {
          text += src[i + 1] ?? '';
          i += 2;
        }
        continue;
      }
      if (ch === "'") {
        const end = src.indexOf("'", i + 1);
        if (end < 0) throw new ShellSyntaxError("unexpected EOF while looking for matching `''");
        text += src.slice(i + 1, end);
        i = end + 1;
        continue;
      }
      if (ch === '"') {
        i++;
        for (;;) {
          if (i >= n) throw new ShellSyntaxError('unexpected EOF while looking for matching `"\'');
          const d = src[i]!;
          if (d === '"') {
            i++;
            break;
          }
          if (d === '\\' && '$`"\\\n'.includes(src[i + 1] ?? '')) {
            if (src[i + 1] !== '\n') text += src[i + 1];
            i += 2;
            continue;
          }
          if (d === '`') throw new ShellSyntaxError('command substitution `...` is not supported by the demo shell');
          if (d === '$') {
            i = variable(i, true);
            continue;
          }
          text += d;
          i++;
        }
        // An empty "" still makes a word.
        if (parts.length === 0 && text === '') parts.push({ text: '' });
        continue;
      }
      if (ch === '$') {
        i = variable(i, false);
        continue;
      }
      text += ch;
      i++;
    }
    flush();
    out.push({ t: 'word', w: { parts }, raw: src.slice(start, i) });
  }
  return out;
}

/** Index of the ')' closing a $( that starts at `from`, skipping quotes and nested parentheses. */
function matchParen(src: string, from: number): number {
  let depth = 1;
  for (let i = from; i < src.length; i++) {
    const c = src[i]!;
    if (c === '\\') i++;
    else if (c === "'") {
      const e = src.indexOf("'", i + 1);
      if (e < 0) break;
      i = e;
    } else if (c === '"') {
      for (i++; i < src.length && src[i] !== '"'; i++) if (src[i] === '\\') i++;
    } else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i;
  }
  throw new ShellSyntaxError("unexpected EOF while looking for matching `)'");
}

/** Parses a script into a list of pipelines joined by ; && ||. Throws ShellSyntaxError. */
export function parseScript(src: string): ListItem[] {
  return parseTokens(tokenize(src));
}

const isWord = (tk: Token | undefined, raw: string) => tk?.t === 'word' && tk.raw === raw;

/** Parses `for NAME in WORDS; do ... done` starting at toks[k] (the `for`); returns the loop and the index of `done`. */
function parseFor(toks: Token[], k: number): { loop: NonNullable<SimpleCommand['loop']>; end: number } {
  const name = toks[k + 1];
  if (name?.t !== 'word' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name.raw)) throw new ShellSyntaxError("syntax error near unexpected token `for'");
  let i = k + 2;
  const words: Word[] = [];
  if (isWord(toks[i], 'in')) {
    for (i++; toks[i]?.t === 'word'; i++) words.push((toks[i] as { w: Word }).w);
  }
  const sep = toks[i];
  if (!(sep?.t === 'op' && sep.v === ';') || !isWord(toks[i + 1], 'do')) throw new ShellSyntaxError("syntax error near unexpected token `do'");
  const start = i + 2;
  let depth = 1;
  for (let j = start; j < toks.length; j++) {
    const prev = toks[j - 1];
    const atCommandStart = prev?.t === 'op' || j === start;
    if (atCommandStart && isWord(toks[j], 'for')) depth++;
    if (atCommandStart && isWord(toks[j], 'done') && --depth === 0) return { loop: { name: name.raw, words, body: parseTokens(toks.slice(start, j)) }, end: j };
  }
  throw new ShellSyntaxError("syntax error: unexpected end of file (a `for' without `done')");
}

function parseTokens(toks: Token[]): ListItem[] {
  const items: ListItem[] = [];
  let op: ListItem['op'] = ';';
  let pipeline: Pipeline = { commands: [] };
  let cmd: SimpleCommand = { assigns: [], words: [], redirects: [] };
  const endCommand = (): boolean => {
    const empty = cmd.words.length === 0 && cmd.assigns.length === 0 && cmd.redirects.length === 0;
    if (!empty) pipeline.commands.push(cmd);
    cmd = { assigns: [], words: [], redirects: [] };
    return !empty;
  };
  for (let k = 0; k < toks.length; k++) {
    const tk = toks[k]!;
    if (tk.t === 'word' && tk.raw === 'for' && cmd.words.length === 0 && cmd.assigns.length === 0) {
      const { loop, end } = parseFor(toks, k);
      cmd.loop = loop;
      cmd.words.push({ parts: [{ text: 'for' }] });
      k = end;
      continue;
    }
    if (tk.t === 'word') {
      const m = /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(tk.raw);
      const first = tk.w.parts[0];
      if (m && cmd.words.length === 0 && first && 'text' in first && first.text.startsWith(m[0])) {
        cmd.assigns.push({ name: m[1]!, value: { parts: [{ text: first.text.slice(m[0].length) }, ...tk.w.parts.slice(1)] } });
      } else cmd.words.push(tk.w);
      continue;
    }
    if (tk.t === 'redir') {
      const next = toks[k + 1];
      if (next?.t === 'op' && next.v === '&>') {
        cmd.redirects.push({ fd: 1, op: '>', target: (toks[k + 2] as { w?: Word })?.w ?? { parts: [] } });
        cmd.redirects.push({ fd: 2, op: '>&', target: { parts: [{ text: '1' }] } });
        if (toks[k + 2]?.t !== 'word') throw new ShellSyntaxError("syntax error near unexpected token `newline'");
        k += 2;
        continue;
      }
      if (next?.t !== 'word') throw new ShellSyntaxError(`syntax error near unexpected token \`${next?.t === 'op' ? next.v : 'newline'}'`);
      cmd.redirects.push({ fd: tk.fd, op: tk.op, target: next.w });
      k++;
      continue;
    }
    // operators
    if (tk.v === '|') {
      if (!endCommand()) throw new ShellSyntaxError("syntax error near unexpected token `|'");
      continue;
    }
    const hadCmd = endCommand();
    if (pipeline.commands.length) {
      items.push({ op, pipeline });
      pipeline = { commands: [] };
    } else if (!hadCmd && tk.v !== ';') throw new ShellSyntaxError(`syntax error near unexpected token \`${tk.v}'`);
    op = tk.v === '&&' || tk.v === '||' ? tk.v : ';';
  }
  endCommand();
  if (pipeline.commands.length) items.push({ op, pipeline });
  else if (op !== ';') throw new ShellSyntaxError('syntax error: unexpected end of file');
  return items;
}
