// Terminal prompts used outside the full-screen UI: a hidden passphrase and a y/N confirmation.
// Both read from stdin and write to stderr, so stdout stays clean for piping.

export interface PromptIO {
  stdin: NodeJS.ReadStream;
  stderr: NodeJS.WritableStream;
}

const defaultIO = (): PromptIO => ({ stdin: process.stdin, stderr: process.stderr });

/** Reads one line without echo (raw mode); Ctrl-C or Ctrl-D rejects. */
export function askHidden(question: string, io: PromptIO = defaultIO()): Promise<string> {
  const { stdin, stderr } = io;
  return new Promise((resolve, reject) => {
    let answer = '';
    const wasRaw = stdin.isRaw;
    const finish = (err?: Error) => {
      stdin.off('data', onData);
      if (stdin.isTTY) stdin.setRawMode(wasRaw ?? false);
      stdin.pause();
      stderr.write('\n');
      if (err) reject(err);
      else resolve(answer);
    };
    const onData = (chunk: Buffer | string) => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return finish();
        if (ch === '\u0003' || ch === '\u0004') return finish(new Error('cancelled'));
        if (ch === '\u007f' || ch === '\b') answer = answer.slice(0, -1);
        else answer += ch;
      }
    };
    stderr.write(question);
    if (stdin.isTTY) stdin.setRawMode(true);
    stdin.resume();
    stdin.on('data', onData);
  });
}

/** Asks `question [y/N]` and reads a line; only y/yes (any case) counts as yes. */
export function confirm(question: string, io: PromptIO = defaultIO()): Promise<boolean> {
  const { stdin, stderr } = io;
  return new Promise((resolve) => {
    let line = '';
    const done = (yes: boolean) => {
      stdin.off('data', onData);
      stdin.off('end', onEnd);
      stdin.pause();
      resolve(yes);
    };
    const onData = (chunk: Buffer | string) => {
      line += chunk.toString();
      const nl = line.indexOf('\n');
      if (nl !== -1) done(/^\s*y(es)?\s*$/i.test(line.slice(0, nl)));
    };
    const onEnd = () => done(/^\s*y(es)?\s*$/i.test(line));
    stderr.write(`${question} [y/N] `);
    stdin.resume();
    stdin.on('data', onData);
    stdin.on('end', onEnd);
  });
}

/** The passphrase callback the SSH layer calls once per encrypted key, or undefined when there is no TTY. */
export function ttyPassphrase(io: PromptIO = defaultIO()): ((keyPath: string) => Promise<string>) | undefined {
  if (!io.stdin.isTTY) return undefined;
  return (keyPath) => askHidden(`Passphrase for ${keyPath}: `, io);
}
