import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { ttyPassphrasePrompt } from '../../src/ssh/passphrase.js';

// A stand-in terminal: records raw-mode switches and everything written, so the test can see that the
// typed passphrase is never echoed.
function fakeTty(isTTY = true) {
  const input = Object.assign(new EventEmitter(), {
    isTTY,
    isRaw: false,
    rawCalls: [] as boolean[],
    setRawMode(v: boolean) {
      this.rawCalls.push(v);
      this.isRaw = v;
      return this;
    },
    resume() {
      return this;
    },
    pause() {
      return this;
    },
  });
  const written: string[] = [];
  const output = { write: (s: string) => (written.push(s), true) };
  return { input, output, written, type: (s: string) => input.emit('data', Buffer.from(s)) };
}

describe('ttyPassphrasePrompt', () => {
  it('reads a line with echo off, handles backspace, and restores the terminal', async () => {
    const tty = fakeTty();
    const ask = ttyPassphrasePrompt(tty.input as unknown as NodeJS.ReadStream, tty.output as unknown as NodeJS.WriteStream);
    const p = ask('/home/u/.ssh/id_ed25519');
    tty.type('sekrix');
    tty.type('\u007ft');
    tty.type('\r');
    await expect(p).resolves.toBe('sekrit');
    expect(tty.written.join('')).toBe("Enter passphrase for key '/home/u/.ssh/id_ed25519': \n");
    expect(tty.input.rawCalls).toEqual([true, false]);
    expect(tty.input.listenerCount('data')).toBe(0);
  });

  it('Ctrl-C cancels', async () => {
    const tty = fakeTty();
    const p = ttyPassphrasePrompt(tty.input as unknown as NodeJS.ReadStream, tty.output as unknown as NodeJS.WriteStream)('k');
    tty.type('abc\u0003');
    await expect(p).rejects.toThrow('cancelled');
    expect(tty.input.isRaw).toBe(false);
  });

  it('without a terminal it refuses instead of reading a pipe', async () => {
    const tty = fakeTty(false);
    await expect(ttyPassphrasePrompt(tty.input as unknown as NodeJS.ReadStream, tty.output as unknown as NodeJS.WriteStream)('k')).rejects.toThrow('no terminal');
  });
});
