import { StringDecoder } from 'node:string_decoder';
import { createKeyParser, type KeyEvent } from './keys.js';

// Reads keys from the terminal stream: each chunk is split into keys and each key handed on alone, in order.

/** A lone ESC is the escape key when nothing follows within this time (vim's ttimeout is 100 ms, neovim's 50). */
export const ESCAPE_WAIT_MS = 50;
/** An escape sequence (or a paste) cut between two reads is completed by the next read within this time. */
export const SEQUENCE_WAIT_MS = 500;

/** Starts reading `stream`; returns the function that stops. */
export function readKeys(stream: NodeJS.ReadableStream, onKey: (key: KeyEvent) => void): () => void {
  const parser = createKeyParser();
  const decoder = new StringDecoder('utf8'); // a character cut between two reads stays whole
  let timer: NodeJS.Timeout | undefined;
  const hand = (keys: KeyEvent[]) => {
    for (const k of keys) onKey(k);
  };
  const onData = (data: string | Buffer) => {
    clearTimeout(timer);
    timer = undefined;
    hand(parser.push(typeof data === 'string' ? data : decoder.write(data)));
    const pending = parser.pending();
    if (pending) timer = setTimeout(() => hand(parser.flush()), pending === 'escape' ? ESCAPE_WAIT_MS : SEQUENCE_WAIT_MS).unref();
  };
  stream.on('data', onData);
  return () => {
    stream.off('data', onData);
    clearTimeout(timer);
  };
}
