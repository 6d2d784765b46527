import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { subcommands } from '../src/commands/index.js';
import { buildKeymap } from '../src/keymap/index.js';
import { keysMarkdown } from '../src/keymap/docs.js';

// The README's key and subcommand references are generated from the keymap table and the subcommand
// table; this test fails when they drift. `npm run docs` rewrites them (UPDATE_README=1).

const README = new URL('../README.md', import.meta.url);

function commandsMarkdown(): string {
  const rows = subcommands.map((c) => `| \`mvm-tui ${c.synopsis.replace(/\|/g, '\\|')}\` | ${c.summary.replace(/\|/g, '\\|')} |`);
  return ['| command | what it does |', '|---|---|', ...rows, ''].join('\n');
}

function section(text: string, name: string): { before: string; body: string; after: string } {
  const start = `<!-- ${name}:start -->\n`;
  const end = `<!-- ${name}:end -->`;
  const i = text.indexOf(start);
  const j = text.indexOf(end);
  if (i < 0 || j < i) throw new Error(`README.md has no ${name} section`);
  return { before: text.slice(0, i + start.length), body: text.slice(i + start.length, j), after: text.slice(j) };
}

describe('README', () => {
  const generated = { keys: keysMarkdown(buildKeymap()), commands: commandsMarkdown() };

  if (process.env.UPDATE_README === '1') {
    let text = readFileSync(README, 'utf8');
    for (const [name, body] of Object.entries(generated)) {
      const s = section(text, name);
      text = s.before + body + s.after;
    }
    writeFileSync(README, text);
  }

  it('lists every key exactly as the keymap table has it', () => {
    expect(section(readFileSync(README, 'utf8'), 'keys').body).toBe(generated.keys);
  });

  it('lists every subcommand exactly as the subcommand table has it', () => {
    expect(section(readFileSync(README, 'utf8'), 'commands').body).toBe(generated.commands);
  });
});
