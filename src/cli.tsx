import { endByHangUpWhenTerminalGone } from './hangup.js';
import { main } from './main.js';

// first: a terminal that goes away at any moment ends the program as a hang-up (node's own exit would abort)
endByHangUpWhenTerminalGone();

// The executable's entry: everything else lives in main.ts so tests can call it.
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`mvm-tui: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  },
);
