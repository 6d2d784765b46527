import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { LineCounter, parseDocument, isNode, type Document } from 'yaml';
import type { ZodIssue } from 'zod';
import { ConfigError } from './errors.js';
import { resolveInventory } from './resolve.js';
import { inventorySchema } from './schema.js';
import type { Inventory } from './types.js';

export { ConfigError } from './errors.js';

export interface LoadOptions {
  config?: string;
  readOnly?: boolean;
  env?: NodeJS.ProcessEnv;
}

/** $XDG_CONFIG_HOME/mvm-tui/config.yaml, ~/.config when XDG_CONFIG_HOME is unset or empty. */
export function defaultConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config');
  return join(base, 'mvm-tui', 'config.yaml');
}

export function configPath(opts: LoadOptions = {}): string {
  return opts.config ?? defaultConfigPath(opts.env ?? process.env);
}

/** Reads, validates and resolves the inventory. Every problem becomes one line of a ConfigError. */
export async function loadInventory(opts: LoadOptions = {}): Promise<Inventory> {
  const file = configPath(opts);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new ConfigError(
        `${file}: no such file; create one with \`mvm-tui config init\` (or try \`mvm-tui --demo\`)`,
        file,
        ['no such file'],
        true,
      );
    }
    throw new ConfigError(`${file}: cannot read: ${(e as Error).message}`, file, [(e as Error).message]);
  }
  const inv = parseInventoryText(text, file);
  if (opts.readOnly) inv.readOnly = true;
  return inv;
}

/** Validates YAML text as an inventory; `file` names it in messages. */
export function parseInventoryText(text: string, file: string): Inventory {
  if (!text.trim()) throw emptyFile(file);
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length) {
    const problems = doc.errors.map((e) => {
      const { line, col } = lc.linePos(e.pos[0]);
      return `${line}:${col}: ${firstLine(e.message)}`;
    });
    throw new ConfigError(problems.map((p) => `${file}:${p}`).join('\n'), file, problems);
  }
  if (doc.contents === null) throw emptyFile(file);
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    // yaml throws a plain ReferenceError for an alias bomb (or an alias to nothing): still a config problem.
    throw new ConfigError(`${file}: ${firstLine((e as Error).message)}`, file, [firstLine((e as Error).message)]);
  }
  const parsed = inventorySchema.safeParse(data);
  if (!parsed.success) {
    const problems = [...new Set(parsed.error.issues.map((i) => describeIssue(i, doc, lc)))];
    throw new ConfigError(problems.map((p) => `${file}: ${p}`).join('\n'), file, problems);
  }
  return resolveInventory(parsed.data, file);
}

function emptyFile(file: string): ConfigError {
  return new ConfigError(
    `${file}: the file is empty; expected an inventory with \`hosts:\` (see examples/simple-microvm-infra.yaml, or remove it and run \`mvm-tui config init\`)`,
    file,
    ['the file is empty'],
  );
}

/** `hosts[0].vms[2].name` */
export function formatPath(path: ReadonlyArray<string | number>): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${p}` : p;
  return out || '(top level)';
}

function describeIssue(issue: ZodIssue, doc: Document, lc: LineCounter): string {
  let msg = issue.message;
  if (issue.code === 'invalid_type') {
    msg = issue.received === 'undefined' ? `required (${issue.expected})` : `expected ${issue.expected}, got ${issue.received}`;
  } else if (issue.code === 'unrecognized_keys') {
    msg = `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  }
  const where = lineOf(doc, lc, issue.path);
  return `${formatPath(issue.path)}: ${msg}${where ? ` (line ${where})` : ''}`;
}

/** The line of the deepest node of `path` that exists in the document (for a missing key: its parent). */
function lineOf(doc: Document, lc: LineCounter, path: ReadonlyArray<string | number>): number | undefined {
  for (let n = path.length; n >= 0; n--) {
    const node = doc.getIn(path.slice(0, n), true);
    if (isNode(node) && node.range) return lc.linePos(node.range[0]).line;
  }
  return undefined;
}

function firstLine(s: string): string {
  return s.split('\n')[0]!.trim();
}
