import type { ChildProcess, SpawnOptions } from 'node:child_process';
import { createRequire } from 'node:module';

// node:child_process (with dgram and net's socket list) is loaded on the first spawn, not with the UI: under
// bin/mvm-tui's V8 flag Node compiles its own modules without their code cache, and these cost ~5 ms of start-up.
const require = createRequire(import.meta.url);

export function spawn(command: string, args: readonly string[], options: SpawnOptions): ChildProcess {
  return (require('node:child_process') as typeof import('node:child_process')).spawn(command, args, options);
}
