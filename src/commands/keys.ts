import { loadInventory, ConfigError } from '../config/load.js';
import { buildKeymap, KeymapError } from '../keymap/index.js';
import { keysMarkdown, keysText } from '../keymap/docs.js';
import { EXIT, type Subcommand } from './types.js';

// `mvm-tui keys [--markdown]`: every key of every view, with the inventory's rebindings when there is one.

export const keysCommand: Subcommand = {
  name: 'keys',
  synopsis: 'keys [--markdown]',
  summary: 'list every key of every view (with your rebindings)',
  options: { markdown: { type: 'boolean' } },
  async run(ctx) {
    let keys: Record<string, string | string[]> = {};
    try {
      keys = (await loadInventory({ config: ctx.global.config })).keys;
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      // No inventory is fine here (the defaults are listed); a broken or named-but-missing one is reported.
      if (!e.missing || ctx.global.config) {
        ctx.stderr.write(e.message + '\n');
        return EXIT.usage;
      }
    }
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
