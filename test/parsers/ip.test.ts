import { describe, expect, it } from 'vitest';
import { parseIpLinks } from '../../src/parsers/index.js';
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
