import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../fixtures/', import.meta.url));

/** Text of test/fixtures/<tool>/<file>. */
export function fixture(path: string): string {
  return readFileSync(root + path, 'utf8');
}

/** Every fixture file of a tool directory, as [file, text]. */
export function fixtures(dir: string, filter: RegExp = /./): Array<[string, string]> {
  return readdirSync(root + dir)
    .filter((f) => filter.test(f))
    .sort()
    .map((f) => [f, fixture(`${dir}/${f}`)]);
}
