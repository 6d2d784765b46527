// The default passphrase prompt for command-line use: reads from the terminal with echo off.
// The TUI supplies its own prompt (it owns stdin while running).

export function ttyPassphrasePrompt(
  input: NodeJS.ReadStream = process.stdin,
  output: NodeJS.WriteStream = process.stderr,
): (keyPath: string) => Promise<string> {
  return (keyPath) =>
    new Promise((resolve, reject) => {
      if (!input.isTTY || typeof input.setRawMode !== 'function') {
        reject(new Error(`cannot ask for the passphrase of ${keyPath}: no terminal`));
        return;
      }
      output.write(`Enter passphrase for key '${keyPath}': `);
      const wasRaw = input.isRaw;
      input.setRawMode(true);
      input.resume();
      let typed = '';
      const finish = (err?: Error) => {
        input.off('data', onData);
        input.setRawMode(wasRaw);
        input.pause();
        output.write('\n');
        if (err) reject(err);
        else resolve(typed);
        typed = '';
      };
      const onData = (chunk: Buffer) => {
        for (const ch of chunk.toString('utf8')) {
          if (ch === '\r' || ch === '\n') return finish();
          if (ch === '\u0003' || ch === '\u0004') return finish(new Error('passphrase entry cancelled'));
          if (ch === '\u007f' || ch === '\b') typed = typed.slice(0, -1);
          else if (ch === '\u0015') typed = '';
          else if (ch >= ' ') typed += ch;
        }
      };
      input.on('data', onData);
    });
}
