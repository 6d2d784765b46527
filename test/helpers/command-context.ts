import { PassThrough } from 'node:stream';
import type { CommandContext, GlobalOptions } from '../../src/commands/types.js';

// A subcommand's context for tests: captured stdout/stderr and the global options a user would pass.

export function captured(): { stream: PassThrough; text(): string } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (d: Buffer) => (text += d.toString()));
  return { stream, text: () => text };
}

export function commandContext(opts: { global?: Partial<GlobalOptions>; args?: string[]; values?: CommandContext['values'] } = {}) {
  const out = captured();
  const err = captured();
  const c: CommandContext = {
    global: { readOnly: false, demo: false, acceptNew: false, ...opts.global },
    args: opts.args ?? [],
    values: opts.values ?? {},
    stdout: out.stream,
    stderr: err.stream,
  };
  return { c, out: out.text, err: err.text };
}
