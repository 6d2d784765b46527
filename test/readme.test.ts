import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { subcommands } from '../src/commands/index.js';
import { buildKeymap } from '../src/keymap/index.js';
import { keysMarkdown } from '../src/keymap/docs.js';
import { helpSections } from '../src/keymap/visible.js';
import { main } from '../src/main.js';

// The generated parts of the manual: the README's first keys, docs/keys.md's key reference and
// docs/commands.md's options and subcommand table come from the keymap table, `mvm-tui --help` and the
// subcommand table; this test fails when a page drifts from them. `npm run docs` (UPDATE_DOCS=1) rewrites them.

const km = buildKeymap();

/** The keys a new user needs first, in this order (README "The first keys"). */
const FIRST_KEYS = ['nav.down', 'nav.up', 'log.open', 'snapshot.open', 'host.doctor', 'vm.shell', 'vm.restart', 'vm.mark', 'grid.filter', 'pane.next', 'app.palette', 'app.help', 'app.quit'];

const cell = (s: string) => s.replace(/\|/g, '\\|');

function firstKeysMarkdown(): string {
  const everything = { available: Object.fromEntries(km.commands.map((c) => [c.id, true as const])), readOnly: false };
  const rows = new Map(helpSections(km, everything).flatMap((s) => s.rows.map((r) => [r.id, r] as const)));
  const out = ['| key | what it does |', '|---|---|'];
  for (const id of FIRST_KEYS) {
    const r = rows.get(id);
    if (!r) throw new Error(`first keys: no command ${id} in the keymap table`);
    out.push(`| \`${cell(r.keys)}\` | ${cell(r.description)}${r.dangerous ? ' (asks first)' : ''} |`);
  }
  return [...out, ''].join('\n');
}

function commandsMarkdown(): string {
  const rows = subcommands.map((c) => `| \`mvm-tui ${cell(c.synopsis)}\` | ${cell(c.summary)} |`);
  return ['| command | what it does |', '|---|---|', ...rows, ''].join('\n');
}

/** The Options block of `mvm-tui --help`, as the CLI prints it. */
async function optionsMarkdown(): Promise<string> {
  let text = '';
  const sink = { write: (s: string) => ((text += s), true) } as unknown as NodeJS.WritableStream;
  expect(await main(['--help'], { stdout: sink, stderr: sink })).toBe(0);
  const options = /\nOptions:\n([\s\S]*?)\n\n/.exec(text)?.[1];
  if (!options) throw new Error('mvm-tui --help has no Options block');
  return ['```', options, '```', ''].join('\n');
}

/** Each page and the generated sections it holds between `<!-- NAME:start -->` and `<!-- NAME:end -->`. */
const PAGES: Array<{ file: string; sections: Record<string, string> }> = [
  { file: 'README.md', sections: { 'first-keys': firstKeysMarkdown() } },
  { file: 'docs/keys.md', sections: { keys: keysMarkdown(km) } },
  { file: 'docs/commands.md', sections: { options: await optionsMarkdown(), commands: commandsMarkdown() } },
];

const path = (file: string) => new URL(`../${file}`, import.meta.url);

function section(text: string, file: string, name: string): { before: string; body: string; after: string } {
  const start = `<!-- ${name}:start -->\n`;
  const end = `<!-- ${name}:end -->`;
  const i = text.indexOf(start);
  const j = text.indexOf(end);
  if (i < 0 || j < i) throw new Error(`${file} has no ${name} section`);
  return { before: text.slice(0, i + start.length), body: text.slice(i + start.length, j), after: text.slice(j) };
}

describe('the generated parts of README.md and docs/', () => {
  if (process.env.UPDATE_DOCS === '1' || process.env.UPDATE_README === '1') {
    for (const { file, sections } of PAGES) {
      let text = readFileSync(path(file), 'utf8');
      for (const [name, body] of Object.entries(sections)) {
        const s = section(text, file, name);
        text = s.before + body + s.after;
      }
      writeFileSync(path(file), text);
    }
  }

  for (const { file, sections } of PAGES) {
    for (const [name, body] of Object.entries(sections)) {
      it(`${file} ${name}: exactly as ${name === 'commands' ? 'the subcommand table' : name === 'options' ? 'mvm-tui --help' : 'the keymap table'} has it`, () => {
        expect(section(readFileSync(path(file), 'utf8'), file, name).body).toBe(body);
      });
    }
  }
});
