// An interactive login shell for the demo's ssh server, on a channel with a pty (`ssh -t`, mvm-tui's `H`): the
// server has no real terminal, so this does what the line discipline would: echo, backspace, ctrl-c, ctrl-d,
// and CR LF line ends on output.

export interface ReplChannel {
  write(text: string): void;
  on(event: 'data', fn: (d: Buffer | string) => void): void;
}

/** Runs lines typed on `ch` with `run` until `exit` or ctrl-d on an empty line; resolves with the exit code. */
export function runRepl(ch: ReplChannel, prompt: () => string, run: (line: string, out: (t: string) => void, signal: AbortSignal) => Promise<number>, banner = ''): Promise<number> {
  const crlf = (t: string) => t.replace(/\r?\n/g, '\r\n');
  let line = '';
  let busy: AbortController | null = null;
  let last = 0;
  return new Promise<number>((resolve) => {
    ch.write(crlf(banner) + prompt());
    ch.on('data', (d) => {
      for (const c of d.toString('utf8')) {
        if (busy) {
          if (c === '\x03') busy.abort();
          continue; // type-ahead is dropped, as the demo runs no real job control
        }
        if (c === '\r' || c === '\n') {
          ch.write('\r\n');
          const cmd = line.trim();
          line = '';
          if (cmd === 'exit' || cmd.startsWith('exit ')) return resolve(Number(cmd.split(/\s+/)[1] ?? last) || 0);
          if (!cmd) {
            ch.write(prompt());
            continue;
          }
          const ac = (busy = new AbortController());
          void run(cmd, (t) => ch.write(crlf(t)), ac.signal)
            .catch(() => 1)
            .then((code) => {
              busy = null;
              last = code;
              ch.write(prompt());
            });
        } else if (c === '\x7f' || c === '\b') {
          if (line) {
            line = [...line].slice(0, -1).join('');
            ch.write('\b \b');
          }
        } else if (c === '\x03') {
          line = '';
          ch.write('^C\r\n' + prompt());
        } else if (c === '\x04') {
          if (!line) {
            ch.write('logout\r\n');
            return resolve(last);
          }
        } else if (c >= ' ') {
          line += c;
          ch.write(c);
        }
      }
    });
  });
}
