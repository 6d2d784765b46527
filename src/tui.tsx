import type { GlobalOptions } from './commands/types.js';

/** Starts the full-screen UI. Filled in by the grid work. */
export async function runTui(_global: GlobalOptions): Promise<number> {
  process.stderr.write('mvm-tui: the full-screen UI is not built yet\n');
  return 1;
}
