import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { gatherScript, gatherSections, renderGatherScript, splitSections } from '../../src/host/gather.js';
import { labBaseline, labHost, labScript } from './status-fixture.js';

describe('gather script', () => {
  it('is the script that produced the captured lab output (one line per section, simple commands)', () => {
    const script = renderGatherScript(gatherSections(labHost()));
    expect(script).toBe(labScript());
    for (const line of script.trim().split('\n')) {
      expect(line).toMatch(/^echo '@@mvm [a-z:0-9-]+'; [^|&;<>`$()]+ 2>&1; echo "@@rc \$\?"$/);
    }
  });

  it('quotes hostile names and refuses option-like ones', () => {
    const host = labHost();
    const evil = { ...host, vms: [{ ...host.vms[0]!, name: "x'; rm -rf /; '", unit: 'microvm@x $(id)' }] };
    const script = renderGatherScript(gatherSections(evil));
    // run through a real sh with echo in place of every command: the arguments arrive intact
    const argvLine = script.split('\n').find((l) => l.includes('@@mvm units'))!.replace('systemctl', 'printf "[%s]"');
    expect(execFileSync('sh', ['-c', argvLine]).toString()).toContain('[microvm@x $(id)]');
    expect(() => gatherSections({ ...host, pool: '-oops' })).toThrow(/refusing pool/);
  });

  it('is built once per host config: the same script while the config is the same, a new one for a new config', () => {
    const host = labHost();
    expect(gatherScript(host)).toBe(labScript());
    const fewer = { ...host, vms: host.vms.slice(0, 1) };
    expect(gatherScript(fewer)).toBe(renderGatherScript(gatherSections(fewer)));
    expect(gatherScript(fewer)).not.toBe(gatherScript(host));
    // a bad config is refused every time, not once
    const bad = { ...host, pool: '-oops' };
    expect(() => gatherScript(bad)).toThrow(/refusing pool/);
    expect(() => gatherScript(bad)).toThrow(/refusing pool/);
  });

  it('splits the real output back into sections with exit codes', () => {
    const s = splitSections(labBaseline());
    expect([...s.keys()]).toEqual(gatherSections(labHost()).map((x) => x.name));
    expect(s.get('system')).toEqual({ text: 'running\n', rc: 0 });
    expect(s.get('runners')?.rc).toBe(1); // vm4/vm5 have no booted link
    expect(s.get('runners')?.text).toContain("stat: cannot statx '/var/lib/microvms/vm4/booted': No such file or directory\n");
    expect(s.get('zpool-status')?.text).toMatch(/^ {2}pool: labmirror\n/);
  });

  it('keeps a last line without newline, and marks a cut section with rc null', () => {
    const s = splitSections("@@mvm a\nno newline@@rc 0\n@@mvm b\npartial out");
    expect(s.get('a')).toEqual({ text: 'no newline\n', rc: 0 });
    expect(s.get('b')).toEqual({ text: 'partial out\n', rc: null });
    expect(splitSections('motd noise\n').size).toBe(0);
  });
});

describe('splitSections, markers inside output', () => {
  it('reads only a whole rc marker at the end of a line, the last one on it; anything else stays text', () => {
    const s = splitSections('@@mvm a\nsaid @@rc x\n@@rc 1@@rc 2\n@@mvm b\n@@rc 1234\nmore\n@@rc 0\n');
    expect(s.get('a')).toEqual({ text: 'said @@rc x\n@@rc 1\n', rc: 2 });
    expect(s.get('b')).toEqual({ text: '@@rc 1234\nmore\n', rc: 0 });
  });

  it('ignores what comes between a closed section and the next marker, and a marker line that is not one', () => {
    const s = splitSections('@@mvm a\n@@rc 0\nstray\n@@mvm two words\n@@mvm b\n\n@@rc 3\n');
    expect([...s.keys()]).toEqual(['a', 'b']);
    expect(s.get('a')).toEqual({ text: '', rc: 0 });
    expect(s.get('b')).toEqual({ text: '\n', rc: 3 });
  });
});
