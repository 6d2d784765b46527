import { buildKeymap, KeymapError } from '../keymap/index.js';
import { keysMarkdown, keysText } from '../keymap/docs.js';
import { optionalInventory } from './io.js';
import { EXIT, type Subcommand } from './types.js';

// `mvm-tui keys [--markdown]`: every key of every view, with the inventory's rebindings when there is one.

export const keysCommand: Subcommand = {
  name: 'keys',
  synopsis: 'keys [--markdown]',
  summary: 'list every key of every view (with your rebindings)',
  options: { markdown: { type: 'boolean' } },
  async run(ctx) {
    // No inventory is fine here: the default keys are listed.
    const inv = await optionalInventory(ctx);
    if (typeof inv === 'number') return inv;
    const keys = inv?.keys ?? {};
    try {
      const km = buildKeymap({ keys });
      ctx.stdout.write(ctx.values.markdown ? keysMarkdown(km) : keysText(km));
      return EXIT.ok;
    } catch (e) {
      if (e instanceof KeymapError) {
        ctx.stderr.write(`mvm-tui: ${e.message}\n`);
        return EXIT.usage;
      }
      throw e;
    }
  },
};
