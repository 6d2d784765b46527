import { execFile } from 'node:child_process';
import { isBuiltin } from 'node:module';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PtySession, ROOT } from './pty.js';
import { cardText, tempHome } from './screen.js';

// What a user gets from npm: `npm pack` (its prepack builds with types), installed into an empty folder,
// then run as `mvm-tui` from node_modules/.bin and through npx. The pack runs in a copy of the sources so
// the shared dist/ is never rebuilt under other running tests.

const run = promisify(execFile);
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
// Not part of the package, and big or busy: left out of the copy.
const SKIP = new Set(['node_modules', '.git', 'dist', 'test', 'bench', 'coverage', '.ci', '.notes']);

const work = mkdtempSync(join(tmpdir(), 'mvm-tui-pack-'));
const app = join(work, 'app');
const home = tempHome();
let tarball = '';
let listing: string[] = [];
let session: PtySession | undefined;

/** npm's own settings from a parent `npm test` (npm_config_*) must not steer the child npm. */
function npmEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k)) env[k] = v;
  return env;
}

beforeAll(async () => {
  const src = join(work, 'src');
  mkdirSync(src);
  for (const name of readdirSync(ROOT)) if (!SKIP.has(name)) cpSync(join(ROOT, name), join(src, name), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(src, 'node_modules'));
  const t0 = performance.now();
  await run('npm', ['pack', '--pack-destination', work], { cwd: src, env: npmEnv(), timeout: 120_000, maxBuffer: 16 << 20 });
  tarball = join(work, readdirSync(work).find((f) => f.endsWith('.tgz'))!);
  listing = (await run('tar', ['tzf', tarball])).stdout.split('\n').filter(Boolean);
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'empty-folder', private: true }));
  await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', tarball], { cwd: app, env: npmEnv(), timeout: 150_000, maxBuffer: 16 << 20 });
  console.log(`npm pack + npm install: ${Math.round(performance.now() - t0)} ms`);
}, 300_000);

afterEach(() => {
  session?.kill();
  session = undefined;
});

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
  home.cleanup();
});

describe('the npm package', () => {
  it('ships the executable, the bundle with types, the example inventory, the README and the docs pages it links, and no sources', () => {
    for (const f of ['package.json', 'bin/mvm-tui', 'dist/cli.js', 'dist/index.js', 'dist/index.d.ts', 'dist/THIRD-PARTY-LICENSES.txt', 'examples/simple-microvm-infra.yaml', 'README.md', 'docs/keys.md', 'docs/ssh.md']) {
      expect(listing, f).toContain(`package/${f}`);
    }
    expect(listing.filter((f) => /^package\/(src|test|bench|node_modules)\//.test(f))).toEqual([]);
    expect(tarball).toMatch(new RegExp(`${pkg.name}-${pkg.version}\\.tgz$`));
  });

  it('dist/ loads no package but ssh2 at run time: the others are bundled, their licences shipped beside them', () => {
    const dist = join(app, 'node_modules', pkg.name, 'dist');
    // esbuild's output: static imports after a statement or block, import("x"), and __require("x") for CommonJS externals
    const forms = [/(?:^|[;}])import\s*(?:[\w*{}\s,$]+?\s*from\s*)?"([^"]+)"/gm, /\bimport\("([^"]+)"\)/g, /\b__require\("([^"]+)"\)/g];
    const packages = new Set<string>();
    for (const f of readdirSync(dist).filter((n) => n.endsWith('.js'))) {
      const text = readFileSync(join(dist, f), 'utf8');
      for (const re of forms) for (const m of text.matchAll(re)) if (!m[1]!.startsWith('.') && !isBuiltin(m[1]!)) packages.add(m[1]!);
    }
    expect([...packages]).toEqual(['ssh2']);
    const licences = readFileSync(join(dist, 'THIRD-PARTY-LICENSES.txt'), 'utf8');
    for (const name of ['ink', 'react', 'react-reconciler', 'yoga-layout', 'zod', 'yaml']) expect(licences, name).toMatch(new RegExp(`^${name} \\d+\\.\\d+\\.\\d+ \\(`, 'm'));
    expect(licences).toMatch(/Permission is hereby granted/);
    // and installing does not fetch what is bundled: only ssh2 (and zod, whose types dist/index.d.ts names)
    for (const name of ['ink', 'react', 'yaml', 'ink-spinner']) expect(existsSync(join(app, 'node_modules', name)), name).toBe(false);
  });

  it('installed into an empty folder, node_modules/.bin/mvm-tui --version prints the version', async () => {
    const { stdout } = await run(join(app, 'node_modules/.bin/mvm-tui'), ['--version'], { cwd: app });
    expect(stdout.trim()).toBe(pkg.version);
  });

  it('npx --no-install mvm-tui --version works in that folder', async () => {
    const { stdout } = await run('npx', ['--no-install', 'mvm-tui', '--version'], { cwd: app, env: npmEnv(), timeout: 60_000 });
    expect(stdout.trim()).toBe(pkg.version);
  });

  it('the package entry loads with its status schema (what scripts import)', async () => {
    const script = "const m = await import('mvm-tui'); console.log(m.unitActiveSchema.parse('failed'), m.parseHumanSize('1.5K'))";
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: app });
    expect(stdout.trim()).toBe('failed 1536');
  });

  it('the installed mvm-tui --demo shows the grid in a terminal and quits with q, terminal restored', async () => {
    session = PtySession.spawn({ command: [join(app, 'node_modules/.bin/mvm-tui')], args: ['--demo'], cwd: app, env: home.env });
    const s = session;
    const screen = await s.waitFor('the demo grid', (scr) => (['vm1', 'vm2', 'vm3', 'vm4', 'vm5'].every((v) => cardText(scr, v)?.includes('active')) ? scr : undefined), 30_000);
    expect(screen).toMatch(/demo\s+● reachable/);
    // The bin's `env -S` line ran node with its flags: the young generation stays small under a log flood.
    expect(readFileSync(`/proc/${s.programPid()}/cmdline`, 'utf8').split('\0')).toContain('--max-semi-space-size=4');
    s.press('q');
    const exit = await s.exit();
    expect(exit.code).toBe(0);
    expect(await s.restoration()).toEqual({ leftAltScreen: true, cursorShown: true, echo: true });
  });
});
