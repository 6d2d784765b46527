import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// The layers of src/ (docs/architecture.md): each folder and the other folders it may import. An import of any
// other folder of src/ is an error, whether static (import/export ... from) or dynamic (import()). Files at the
// top of src/ (main, cli, tui, app, start-runtime, index) wire everything and are not restricted.
export const LAYERS = {
  util: [],
  model: ['util'],
  config: ['model', 'util'],
  host: ['config', 'model', 'util'],
  parsers: ['host', 'config', 'model', 'util'],
  checks: ['parsers', 'host', 'config', 'model', 'util'],
  ssh: ['host', 'config', 'model', 'util'],
  services: ['ssh', 'checks', 'host', 'parsers', 'config', 'model', 'util'],
  demo: ['services', 'ssh', 'checks', 'host', 'parsers', 'config', 'model', 'util'],
  keymap: ['model', 'util'],
  input: ['util'],
  store: ['keymap', 'model', 'util'],
  views: ['store', 'hooks', 'keymap', 'model', 'util'],
  hooks: ['controller', 'store', 'input', 'keymap', 'model', 'util'],
  controller: ['services', 'ssh', 'checks', 'host', 'parsers', 'config', 'store', 'views', 'keymap', 'input', 'model', 'util'],
  commands: ['services', 'ssh', 'checks', 'host', 'parsers', 'config', 'demo', 'views', 'keymap', 'model', 'util'],
  stubs: [],
};

// Packages some folders never import: only src/ssh speaks SSH, and nothing pure or on screen runs commands.
const NO_SSH2 = { name: 'ssh2', message: 'Only src/ssh may import ssh2.' };
const NO_SPAWN = { name: 'node:child_process', message: 'Views and pure layers never run commands.' };
const PACKAGES = {
  model: [NO_SSH2, NO_SPAWN],
  parsers: [NO_SSH2, NO_SPAWN],
  checks: [NO_SSH2, NO_SPAWN],
  keymap: [NO_SSH2, NO_SPAWN],
  store: [NO_SSH2, NO_SPAWN],
  views: [NO_SSH2, NO_SPAWN],
  hooks: [NO_SSH2, NO_SPAWN],
};

/** One config per folder and file depth: `../` climbs exactly to src/ there, so the next word is the folder imported. */
function layerRules() {
  const configs = [];
  for (const [layer, allowed] of Object.entries(LAYERS)) {
    const forbidden = Object.keys(LAYERS).filter((l) => l !== layer && !allowed.includes(l));
    const message = `src/${layer}/ may import only ${allowed.length ? allowed.map((l) => `src/${l}/`).join(', ') : 'itself'} (docs/architecture.md).`;
    for (let depth = 1; depth <= 4; depth++) {
      const up = '\\.\\./'.repeat(depth);
      const regex = `^${up}(${forbidden.join('|')})(/|$)`;
      configs.push({
        files: [`src/${layer}/${'*/'.repeat(depth - 1)}*.{ts,tsx}`],
        rules: {
          'no-restricted-imports': ['error', { paths: PACKAGES[layer] ?? [], patterns: forbidden.length ? [{ regex, message }] : [] }],
          'no-restricted-syntax': forbidden.length
            ? ['error', { selector: `ImportExpression[source.value=/${regex.replace(/\//g, '\\/')}/]`, message }]
            : 'off',
        },
      });
    }
  }
  return configs;
}

export default tseslint.config(
  { ignores: ['dist/**', 'bench/out/**', 'node_modules/**', 'test/lab/run/**', 'test/lab/run-nspawn/**', 'test/lab/cache/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  ...layerRules(),
);
