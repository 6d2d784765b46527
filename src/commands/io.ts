import { createInterface } from 'node:readline';
import { ConfigError, loadInventory } from '../config/load.js';
import type { Inventory } from '../config/types.js';
import type { CommandContext, GlobalOptions } from './types.js';
import { EXIT } from './types.js';

// What the subcommands share: asking a person on the terminal, and opening the runtime with a broken or
// missing inventory turned into its message and exit 2.

export interface PromptDeps {
  /** Whether a person can answer a question (stdin is a terminal). */
  interactive: () => boolean;
  /** Asks one line on stderr and reads the answer from stdin ('' when stdin closes). */
  ask: (question: string) => Promise<string>;
}

export function askLine(question: string): Promise<string> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    rl.question(question, (a) => {
      rl.close();
      resolve(a);
    });
    rl.on('close', () => resolve(''));
  });
}

export const terminalPrompt: PromptDeps = { interactive: () => Boolean(process.stdin.isTTY), ask: askLine };

/** Opens the runtime, or prints the inventory's problem and returns exit 2. */
export async function openOrExit<R>(ctx: CommandContext, open: (global: GlobalOptions) => Promise<R>): Promise<R | number> {
  try {
    return await open(ctx.global);
  } catch (e) {
    if (e instanceof ConfigError) {
      ctx.stderr.write(e.message + '\n');
      return EXIT.usage;
    }
    throw e;
  }
}

/** For commands that work without an inventory (audit, keys): null when the default file does not exist;
 *  a broken file, or a named one that is missing, is printed and gives exit 2. */
export async function optionalInventory(ctx: CommandContext): Promise<Inventory | null | number> {
  try {
    return await loadInventory({ config: ctx.global.config, readOnly: ctx.global.readOnly });
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    if (e.missing && !ctx.global.config) return null;
    ctx.stderr.write(e.message + '\n');
    return EXIT.usage;
  }
}
