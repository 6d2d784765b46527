import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Plugin } from 'esbuild';

// The MIT/ISC/BSD licences of bundled packages ask that their notices travel with every copy, and few of them
// carry a licence comment esbuild would keep. This writes each bundled package's licence to one file in dist/.

interface Pkg {
  name: string;
  version: string;
  license?: string;
  dir: string;
}

/** The package a bundled file belongs to: the nearest package.json with a name, under node_modules. */
function packageOf(file: string): Pkg | undefined {
  if (!file.includes('node_modules/')) return undefined;
  for (let dir = dirname(resolve(file)); dir.includes('node_modules'); dir = dirname(dir)) {
    const pj = join(dir, 'package.json');
    if (!existsSync(pj)) continue;
    const p = JSON.parse(readFileSync(pj, 'utf8')) as { name?: string; version?: string; license?: string };
    if (p.name) return { name: p.name, version: p.version ?? '', license: p.license, dir };
  }
  return undefined;
}

function licenceText(p: Pkg): string {
  const f = readdirSync(p.dir).find((n) => /^(licen[cs]e|copying)(\.|$)/i.test(n));
  if (f) return readFileSync(join(p.dir, f), 'utf8').trim();
  const { author, repository } = JSON.parse(readFileSync(join(p.dir, 'package.json'), 'utf8')) as { author?: unknown; repository?: unknown };
  const who = [author, repository].map((x) => (typeof x === 'string' ? x : (x as { name?: string; url?: string } | undefined)?.name ?? (x as { url?: string } | undefined)?.url)).filter(Boolean);
  return `(the package ships no licence file; its package.json names the licence above${who.length ? `; ${who.join(', ')}` : ''})`;
}

/** Writes `fileName` into the build's output directory. */
export function thirdPartyLicenses(fileName: string): Plugin {
  return {
    name: 'third-party-licenses',
    setup(build) {
      build.initialOptions.metafile = true;
      build.onEnd((result) => {
        if (!result.metafile) return;
        const pkgs = new Map<string, Pkg>();
        for (const out of Object.values(result.metafile.outputs)) {
          for (const [file, { bytesInOutput }] of Object.entries(out.inputs)) {
            const p = bytesInOutput > 0 ? packageOf(file) : undefined;
            if (p) pkgs.set(`${p.name}@${p.version}`, p);
          }
        }
        const parts = [...pkgs.values()]
          .sort((a, b) => a.name.localeCompare(b.name))
          .map((p) => `${p.name} ${p.version} (${p.license ?? 'licence not stated'})\n\n${licenceText(p)}\n`);
        const outDir = build.initialOptions.outdir ?? 'dist';
        mkdirSync(outDir, { recursive: true });
        writeFileSync(join(outDir, fileName), `mvm-tui bundles these packages into dist/; their licences follow.\n\n${parts.join('\n' + '-'.repeat(72) + '\n\n')}`);
      });
    },
  };
}
