import { describe, expect, it } from 'vitest';
import { createKeyParser, type KeyEvent } from '../../src/input/keys.js';

// The splitter against the bytes xterm (and tmux, the Linux console) send; a read may carry many keys.

const names = (events: KeyEvent[]) => events.map((e) => e.name);
const parse = (...chunks: string[]) => {
  const p = createKeyParser();
  const out = chunks.flatMap((c) => p.push(c));
  return { out, p };
};

describe('the key splitter', () => {
  it('splits a burst of printable keys into one key each', () => {
    expect(names(parse('jjj').out)).toEqual(['j', 'j', 'j']);
    expect(names(parse('kG ?').out)).toEqual(['k', 'G', 'space', '?']);
    expect(parse('é€😀').out.map((e) => e.text)).toEqual(['é', '€', '😀']);
  });

  it('splits control keys: backspace (DEL and ^H), ctrl-letters, enter, tab', () => {
    expect(names(parse('\x7f'.repeat(5)).out)).toEqual(Array(5).fill('backspace'));
    expect(names(parse('\x0e\x0e\r').out)).toEqual(['ctrl-n', 'ctrl-n', 'return']);
    expect(names(parse('\x08\t\x03\x04').out)).toEqual(['backspace', 'tab', 'ctrl-c', 'ctrl-d']);
  });

  it('splits escape sequences from the keys around them: arrows, home/end, pgup/pgdn, F-keys, shift-tab', () => {
    expect(names(parse('j\x1b[Bk').out)).toEqual(['j', 'down', 'k']);
    expect(names(parse('\x1b[A\x1b[B\x1b[C\x1b[D').out)).toEqual(['up', 'down', 'right', 'left']);
    expect(names(parse('\x1bOA\x1bOB').out)).toEqual(['up', 'down']); // application cursor mode
    expect(names(parse('\x1b[H\x1b[F\x1b[1~\x1b[4~\x1bOH\x1bOF').out)).toEqual(['home', 'end', 'home', 'end', 'home', 'end']);
    expect(names(parse('\x1b[5~\x1b[6~\x1b[3~').out)).toEqual(['pageup', 'pagedown', 'delete']);
    expect(names(parse('\x1bOP\x1b[15~\x1b[24~\x1b[[A').out)).toEqual(['f1', 'f5', 'f12', 'f1']);
    expect(names(parse('\x1b[Z\x1b[1;5A').out)).toEqual(['shift-tab', 'ctrl-up']);
  });

  it('reads ESC and a character as an alt-combo, never as escape then the character', () => {
    expect(names(parse('\x1bj\x1bq').out)).toEqual(['alt-j', 'alt-q']);
    expect(names(parse('\x1b\x1b[A').out)).toEqual(['alt-up']);
  });

  it('holds a sequence cut between two reads until the rest arrives', () => {
    const { out, p } = parse('j\x1b[', 'Bk');
    expect(names(out)).toEqual(['j', 'down', 'k']);
    expect(p.pending()).toBe(false);
    const q = createKeyParser();
    expect(names(q.push('\x1b'))).toEqual([]);
    expect(q.pending()).toBe('escape');
    expect(names(q.push('[6'))).toEqual([]);
    expect(q.pending()).toBe('sequence');
    expect(names(q.push('~'))).toEqual(['pagedown']);
  });

  it('a lone ESC becomes the escape key once nothing follows; an unfinished sequence becomes nothing', () => {
    const p = createKeyParser();
    p.push('\x1b');
    expect(names(p.flush())).toEqual(['escape']);
    p.push('\x1b[1;');
    expect(names(p.flush())).toEqual([null]);
    expect(p.pending()).toBe(false);
  });

  it('takes a bracketed paste whole, even across reads, and keys after it as keys', () => {
    const { out } = parse('\x1b[200~rm -rf /\r\nq', 'q\x1b[20', '1~j');
    expect(out).toEqual([{ name: null, text: '', paste: 'rm -rf /\r\nqq' }, { name: 'j', text: 'j' }]);
  });

  it('reads SGR mouse reports (press, release, wheel) and legacy X10 ones, cells from 0', () => {
    expect(parse('\x1b[<0;10;5M\x1b[<0;10;5m\x1b[<64;3;4M\x1b[<65;3;4M').out.map((e) => e.mouse)).toEqual([
      { kind: 'press', button: 0, x: 9, y: 4 },
      { kind: 'release', button: 0, x: 9, y: 4 },
      { kind: 'wheelUp', button: 0, x: 2, y: 3 },
      { kind: 'wheelDown', button: 1, x: 2, y: 3 },
    ]);
    expect(parse(`\x1b[M ${String.fromCharCode(33 + 9)}${String.fromCharCode(33 + 4)}`).out[0]!.mouse).toEqual({ kind: 'press', button: 0, x: 9, y: 4 });
    expect(names(parse('\x1b[<0;1', '0;5Mj').out)).toEqual([null, 'j']);
  });
});
