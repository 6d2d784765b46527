import { describe, expect, it } from 'vitest';
import type { GlobalOptions } from '../../src/commands/types.js';
import { ConfigError } from '../../src/config/errors.js';
import { demoInventory } from '../../src/demo/inventory.js';
import { buildKeymap } from '../../src/keymap/build.js';
import type { Runtime } from '../../src/services/runtime.js';
import { DEMO_FALLBACK_NOTICE, DEMO_FLAG_NOTICE, openTuiRuntime } from '../../src/start-runtime.js';

const g = (o: Partial<GlobalOptions> = {}): GlobalOptions => ({ readOnly: false, demo: false, acceptNew: false, ...o });
const real = { inventory: { source: 'real' } } as unknown as Runtime;
const demo = { inventory: { source: '(demo)' } } as unknown as Runtime;
const missing = () => Promise.reject(new ConfigError('x: no such file', 'x', ['no such file'], true));

describe('openTuiRuntime: which runtime the UI opens', () => {
  it('--demo opens the demo without reading the inventory, and says so', async () => {
    const r = await openTuiRuntime(g({ demo: true }), () => Promise.reject(new Error('read')), async () => demo, () => undefined);
    expect(r.rt).toBe(demo);
    expect(r.notice).toBe(DEMO_FLAG_NOTICE);
    expect(r.exitNotice).toMatch(/mvm-tui config init/);
    expect(r.exitNotice).toMatch(/examples\/simple-microvm-infra\.yaml/);
  });

  it('--demo beside an existing inventory says how to go back to it, not to run config init', async () => {
    const r = await openTuiRuntime(g({ demo: true }), () => Promise.reject(new Error('read')), async () => demo, () => '/home/op/.config/mvm-tui/config.yaml');
    expect(r.rt).toBe(demo);
    expect(r.notice).toBe('DEMO · your hosts: mvm-tui without --demo (/home/op/.config/mvm-tui/config.yaml)');
    expect(r.exitNotice).toMatch(/Your inventory is \/home\/op\/\.config\/mvm-tui\/config\.yaml: run `mvm-tui` without --demo/);
    expect(`${r.notice} ${r.exitNotice}`).not.toMatch(/config init/);
  });

  it('an existing inventory opens the real runtime with no notice', async () => {
    const r = await openTuiRuntime(g(), async () => real, async () => demo);
    expect(r).toEqual({ rt: real });
  });

  it('no inventory file and no --config: the demo, with the way to configure a real host', async () => {
    const r = await openTuiRuntime(g(), missing, async () => demo);
    expect(r.rt).toBe(demo);
    expect(r.notice).toBe(DEMO_FALLBACK_NOTICE);
    expect(r.notice).toMatch(/mvm-tui config init/);
  });

  it('a missing file named with --config stays an error (the user asked for that file)', async () => {
    await expect(openTuiRuntime(g({ config: '/nope.yaml' }), missing, async () => demo)).rejects.toBeInstanceOf(ConfigError);
  });

  it('an invalid inventory stays an error, never a silent demo', async () => {
    const bad = () => Promise.reject(new ConfigError('x:3: hosts: required', 'x', ['hosts: required']));
    await expect(openTuiRuntime(g(), bad, async () => demo)).rejects.toThrow(/hosts: required/);
  });

  it('notices fit beside the hints of an 80-column status line', () => {
    expect(DEMO_FLAG_NOTICE.length).toBeLessThanOrEqual(39);
    expect(DEMO_FALLBACK_NOTICE.length).toBeLessThanOrEqual(39);
  });
});

describe('the demo inventory', () => {
  it("builds a keymap: its custom commands' keys clash with no built-in key (a clash refuses to start the UI)", () => {
    const inv = demoInventory(2222, { identityFile: 'k', knownHostsFile: 'kh', configFile: 'c', auditLog: 'a' });
    expect(() => buildKeymap({ keys: inv.keys, custom: inv.hosts.flatMap((h) => h.commands) })).not.toThrow();
  });
});
