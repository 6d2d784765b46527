import { captured } from '../helpers/command-context.js';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/main.js';

function io() {
  const out = captured();
  const err = captured();
  return {
    io: { stdout: out.stream, stderr: err.stream },
    text: {
      get out() {
        return out.text();
      },
      get err() {
        return err.text();
      },
    },
  };
}

describe('mvm-tui argument handling', () => {
  it('--help lists the options and every subcommand', async () => {
    const { io: s, text } = io();
    expect(await main(['--help'], s)).toBe(0);
    expect(text.out).toMatch(/--read-only/);
    for (const word of ['status', 'config check', 'restart VM', 'logs VM|UNIT', 'snapshot rollback', 'doctor']) expect(text.out).toContain(word);
  });

  it('--version prints the version alone', async () => {
    const { io: s, text } = io();
    expect(await main(['--version'], s)).toBe(0);
    expect(text.out).toMatch(/^\d+\.\d+\.\d+\S*\n$/);
  });

  it('an unknown flag is a clear error with exit 2', async () => {
    const { io: s, text } = io();
    expect(await main(['--bogus'], s)).toBe(2);
    expect(text.err).toMatch(/^mvm-tui: unknown option --bogus for mvm-tui \(its options: -c\/--config, --read-only, /);
  });

  it('an unknown command is a clear error with exit 2', async () => {
    const { io: s, text } = io();
    expect(await main(['frobnicate'], s)).toBe(2);
    expect(text.err).toMatch(/unknown command "frobnicate"/);
  });

  it('an unknown flag of a subcommand says so in words, with its options and synopsis, not Node\'s parse error', async () => {
    const { io: s, text } = io();
    expect(await main(['status', '--bogus'], s)).toBe(2);
    expect(text.err).toMatch(/^mvm-tui: unknown option --bogus for mvm-tui status \(its options: .*--json.*\)\nusage: mvm-tui status/);
    expect(text.err).not.toMatch(/positional argument|place it at the end/);
  });

  it('a missing or unwanted option value says which', async () => {
    const a = io();
    expect(await main(['logs', 'vm1', '--since'], a.io)).toBe(2);
    expect(a.text.err).toMatch(/^mvm-tui: --since needs a value\n/);
    const b = io();
    expect(await main(['status', '--json=yes'], b.io)).toBe(2);
    expect(b.text.err).toMatch(/^mvm-tui: --json takes no value\n/);
  });

  it('subcommand help prints its synopsis', async () => {
    const { io: s, text } = io();
    expect(await main(['snapshot', 'rollback', '--help'], s)).toBe(0);
    expect(text.out).toMatch(/usage: mvm-tui snapshot rollback VM SNAPSHOT/);
  });
});

describe('global options before the subcommand', () => {
  it('finds the subcommand after -c FILE', async () => {
    const { io: s, text } = io();
    expect(await main(['-c', '/nonexistent/mvm.yaml', 'config', 'check'], s)).toBe(2);
    expect(text.err).toMatch(/\/nonexistent\/mvm\.yaml/);
    expect(text.err).not.toMatch(/unknown command/);
  });
});
