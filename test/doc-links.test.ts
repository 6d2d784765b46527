import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Every relative link in the manual (README.md and docs/*.md) points at a file that exists, and every #anchor at
// a heading of the page it names, so moving a section between pages cannot leave a reader at a dead end; every
// file of the repository a page names exists, so moving code cannot leave a page pointing at nothing.

const root = fileURLToPath(new URL('..', import.meta.url));

/** The text outside fenced code blocks and inline code spans, where markdown links live. */
function prose(text: string): string {
  return text.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '').replace(/(`+)[\s\S]*?\1/g, '');
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, each space a hyphen; repeats get -1, -2... */
function anchors(text: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const line of text.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '').split('\n')) {
    const m = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!m) continue;
    const base = m[1]!
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/ /g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n ? `${base}-${n}` : base);
  }
  return out;
}

/** [text](target) links of a page that are not absolute URLs (http:, mailto:, ...). */
function relativeLinks(text: string): string[] {
  const links = [...prose(text).matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]!);
  return links.filter((l) => !/^[a-z][a-z0-9+.-]*:/i.test(l));
}

/** What is wrong with each relative link of `file` (a path from the repository root), as "file: link: why". */
function brokenLinks(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8');
  const out: string[] = [];
  for (const link of relativeLinks(text)) {
    const [target = '', anchor] = link.split('#', 2);
    const path = target ? join(dirname(join(root, file)), decodeURIComponent(target)) : join(root, file);
    if (!existsSync(path)) {
      out.push(`${file}: ${link}: no such file ${relative(root, path)}`);
      continue;
    }
    if (anchor === undefined) continue;
    if (!path.endsWith('.md') || statSync(path).isDirectory()) {
      out.push(`${file}: ${link}: an anchor into a file that is not a markdown page`);
      continue;
    }
    if (!anchors(readFileSync(path, 'utf8')).has(anchor)) out.push(`${file}: ${link}: no heading #${anchor} in ${relative(root, path)}`);
  }
  return out;
}

const pages = ['README.md', ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

describe('links in README.md and docs/', () => {
  it('every relative link points at an existing file, and every anchor at a heading there', () => {
    expect(pages.flatMap(brokenLinks)).toEqual([]);
  });

  it('every source, test or bench file a page names exists (files written by a build or lab:up aside)', () => {
    const named = pages.flatMap((p) => [...readFileSync(join(root, p), 'utf8').matchAll(/\b(?:src|test|bench|examples)\/[\w./-]*\w/g)].map((m) => ({ page: p, path: m[0] })));
    const missing = named.filter(({ path }) => !/^test\/lab\/run(-nspawn)?(\/|$)/.test(path) && !existsSync(join(root, path)));
    expect(missing.map(({ page, path }) => `${page}: ${path}`)).toEqual([]);
  });

  it('every page of docs/ is linked from the README', () => {
    const linked = new Set(relativeLinks(readFileSync(join(root, 'README.md'), 'utf8')).map((l) => l.split('#')[0]));
    expect(pages.filter((p) => p !== 'README.md' && !linked.has(p)), "link these pages from README.md's Documentation list").toEqual([]);
  });

  it('finds a missing file, a missing anchor, and ignores links inside code', () => {
    const md = '# A `b` c!\n\n## A b c\n\n[x](docs/none.md) [y](#a-b-c-1) [z](https://example.org/x) `[c](nowhere.md)`\n\n```\n[d](gone.md)\n```\n';
    expect(relativeLinks(md)).toEqual(['docs/none.md', '#a-b-c-1']);
    expect([...anchors(md)]).toEqual(['a-b-c', 'a-b-c-1']);
  });
});
