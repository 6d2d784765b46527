import { describe, expect, it } from 'vitest';
import { parseProbeOutput } from '../../src/parsers/probe.js';

const ASKED = ['vm1', 'vm2', 'vm3'];
const parse = (text: string) => Object.fromEntries(parseProbeOutput(text, ASKED));

describe('parseProbeOutput', () => {
  it('reads one exit code per VM in the order the probes ended', () => {
    expect(parse('@@probe vm2 255\n@@probe vm1 0\n@@probe vm3 124\n')).toEqual({ vm1: 0, vm2: 255, vm3: 124 });
  });

  it('leaves out a VM whose line is missing or cut (the script was killed mid-way)', () => {
    expect(parse('@@probe vm1 0\n@@probe vm2')).toEqual({ vm1: 0 });
    expect(parse('@@probe vm1 0\n@@probe vm2 ')).toEqual({ vm1: 0 });
    expect(parse('')).toEqual({});
  });

  it('ignores a login script\'s chatter, CRLF endings and lines that only look like ours', () => {
    const text = ['Welcome to NixOS', '@@probe vm1 0\r', 'echo @@probe vm2 0', ' @@probe vm2 0', '@@probe  vm2 0', '@@probe vm2 0 extra', 'x@@probe vm3 0', '@@probe vm3 -1', '@@probe vm3 0x1'].join('\n');
    expect(parse(text)).toEqual({ vm1: 0 });
  });

  it('never reports a VM it was not asked about, nor a code a process cannot exit with', () => {
    expect(parse('@@probe vm9 0\n@@probe ../vm1 0\n@@probe vm1 256\n@@probe vm2 999\n@@probe vm3 1000\n')).toEqual({});
  });

  it('keeps a VM reported twice the same way, and drops one whose lines disagree', () => {
    expect(parse('@@probe vm1 0\n@@probe vm1 0\n@@probe vm2 0\n@@probe vm2 255\n@@probe vm3 255\n@@probe vm3 0\n')).toEqual({ vm1: 0 });
  });

  it('survives NUL bytes, binary noise and huge output', () => {
    expect(parse('\u0000@@probe vm1 0\n@@probe vm2 0\u0000\n\uFFFD\uFFFD\n@@probe vm3 0\n')).toEqual({ vm3: 0 });
    expect(parse('@@probe vm1 0\n'.padEnd(1 << 20, 'x'))).toEqual({ vm1: 0 });
    expect(parseProbeOutput(undefined as unknown as string, ASKED).size).toBe(0);
  });
});
