import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

// The layer rule of docs/architecture.md, read from the table eslint.config.js enforces (LAYERS), checked here on
// the resolved import graph of src/: every import of another folder, static, type-only, re-exported or dynamic.

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SRC = join(ROOT, 'src');
const { LAYERS } = (await import(pathToFileURL(join(ROOT, 'eslint.config.js')).href)) as { LAYERS: Record<string, string[]> };

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [join(dir, e.name)] : [],
  );
}

/** The folder of src/ a path is in, or undefined for the files at the top of src/ (and anything outside it). */
function folderOf(path: string): string | undefined {
  const parts = relative(SRC, path).split(sep);
  return parts.length > 1 && parts[0] !== '..' ? parts[0] : undefined;
}

const IMPORT = /(?:^|[\s;])(?:import|export)\s[^'";]*?from\s*['"]([^'"]+)['"]|(?:^|[\s;])import\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

/** [importing file, imported file, their folders] for every relative import that crosses a folder of src/. */
function crossings(): { from: string; to: string; fromFolder: string; toFolder: string }[] {
  const out = [];
  for (const file of sources(SRC)) {
    const fromFolder = folderOf(file);
    if (!fromFolder) continue;
    for (const m of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const spec = m[1] ?? m[2] ?? m[3]!;
      if (!spec.startsWith('.')) continue;
      const target = resolve(dirname(file), spec);
      const toFolder = folderOf(target);
      if (toFolder && toFolder !== fromFolder) out.push({ from: relative(ROOT, file), to: relative(ROOT, target), fromFolder, toFolder });
    }
  }
  return out;
}

describe('layers of src/', () => {
  it('every folder of src/ has its place in the table', () => {
    const folders = readdirSync(SRC, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
    expect(folders.filter((f) => !(f in LAYERS))).toEqual([]);
  });

  it('no folder imports one its layer may not', () => {
    const found = crossings();
    // The graph is read at all: the arrows every refresh takes are there.
    expect(found.some((c) => c.fromFolder === 'services' && c.toFolder === 'ssh')).toBe(true);
    expect(found.some((c) => c.fromFolder === 'views' && c.toFolder === 'store')).toBe(true);
    const forbidden = found.filter((c) => !LAYERS[c.fromFolder]!.includes(c.toFolder)).map((c) => `${c.from} -> ${c.to}`);
    expect(forbidden).toEqual([]);
  });
});
