import type { Keymap } from './build.js';
import { helpSections } from './visible.js';

// docs/keys.md's key reference and `mvm-tui keys`, generated from the same table as help and hints.

function allVisible(km: Keymap) {
  return { available: Object.fromEntries(km.commands.map((c) => [c.id, true as const])), readOnly: false };
}

const cell = (s: string) => s.replace(/\|/g, '\\|');

export function keysMarkdown(km: Keymap): string {
  const out: string[] = [];
  for (const s of helpSections(km, allVisible(km))) {
    out.push(`**${s.title}**`, '', '| key | command | what it does |', '|---|---|---|');
    for (const r of s.rows) out.push(`| \`${cell(r.keys)}\` | \`${r.id}\` | ${cell(r.description)}${r.dangerous ? ' (confirmed; hidden in read-only mode)' : r.shell ? ' (off in read-only mode unless `shellsInReadOnly: true`)' : ''} |`);
    out.push('');
  }
  return out.join('\n');
}

export function keysText(km: Keymap): string {
  const out: string[] = [];
  for (const s of helpSections(km, allVisible(km))) {
    out.push(s.title);
    for (const r of s.rows) out.push(`  ${r.keys.padEnd(18)} ${r.description}${r.dangerous ? ' [!]' : ''}`);
  }
  out.push('', '[!] changes something: confirmed, and hidden in read-only mode');
  return out.join('\n') + '\n';
}
