import { describe, expect, it } from 'vitest';
import { splitSections } from '../../src/host/gather.js';
import { parseIpLinks, parseSysfsLinks } from '../../src/parsers/index.js';
import { fixture } from './fixture.js';

describe('parseIpLinks', () => {
  it('reads a bridge with NO-CARRIER, enslaved taps (one administratively down) and loopback', () => {
    const links = parseIpLinks(fixture('ip/ip-j-link-show-bridge-taps-local.json'));
    expect(links.map((l) => l.name)).toEqual(['lo', 'br0', 'vm-vm1', 'vm-vm2']);
    const [lo, br, t1, t2] = links;
    expect(lo).toMatchObject({ operstate: 'UNKNOWN', carrier: true });
    expect(br).toMatchObject({ operstate: 'DOWN', carrier: false });
    expect(br?.flags).toContain('NO-CARRIER');
    expect(t1).toMatchObject({ master: 'br0', carrier: false });
    expect(t2?.flags).not.toContain('UP');
  });

  it('reads kind from `ip -d` linkinfo', () => {
    const [l] = parseIpLinks('[{"ifname":"br-vm1","flags":["UP","LOWER_UP"],"operstate":"UP","linkinfo":{"info_kind":"bridge"}}]');
    expect(l).toEqual({ name: 'br-vm1', operstate: 'UP', flags: ['UP', 'LOWER_UP'], kind: 'bridge', carrier: true });
  });

  it('gives [] and an issue for truncated JSON, skips entries without a name', () => {
    const issues: string[] = [];
    const text = fixture('ip/ip-j-link-show-bridge-taps-local.json');
    expect(parseIpLinks(text.slice(0, 300), issues)).toEqual([]);
    expect(issues).toEqual(['ip -j link: not JSON']);
    expect(parseIpLinks('[{"ifindex":1},null,3,{"ifname":"x"}]').map((l) => l.name)).toEqual(['x']);
  });
});

describe('parseSysfsLinks (event mode\'s `bridges` section)', () => {
  // Both read on the lab hypervisor at the same moment: a bridge with a running member, one whose member is down
  // (NO-CARRIER), one down, one up without members, lo, and a name that does not exist.
  const cap = splitSections(fixture('ip/lab-sysfs-bridges-with-ip-j-link.txt'));
  const sysfs = parseSysfsLinks(cap.get('bridges')!.text);
  const ip = new Map(parseIpLinks(cap.get('ip-links')!.text).map((l) => [l.name, l]));

  it('gives the state `ip -j link` gives for the same links', () => {
    expect(sysfs.map((l) => l.name)).toEqual(['br-vm1', 'br-vm4', 'mvmcap0', 'mvmcap1', 'lo']);
    const shown = ['UP', 'NO-CARRIER', 'LOWER_UP'];
    for (const l of sysfs) {
      const other = ip.get(l.name)!;
      expect({ name: l.name, operstate: l.operstate, carrier: l.carrier, flags: [...l.flags].sort() }).toEqual({
        name: other.name,
        operstate: other.operstate,
        carrier: other.carrier,
        flags: other.flags.filter((f) => shown.includes(f)).sort(),
      });
    }
    expect(ip.has('mvmnone0')).toBe(false);
  });

  it('skips a name without state and notes a line it cannot read', () => {
    const issues: string[] = [];
    expect(parseSysfsLinks('br0   \nbr1 up zz 1\n', issues)).toEqual([]);
    expect(issues).toEqual(['bridges: unread line "br1 up zz 1"']);
  });
});
