import { note, type ParseIssues } from './issues.js';

export interface IpLink {
  name: string;
  /** UP, DOWN, UNKNOWN, LOWERLAYERDOWN, ... as the kernel reports it. */
  operstate: string;
  flags: string[];
  master?: string;
  /** From `ip -d` (linkinfo.info_kind): bridge, tun, veth, ... */
  kind?: string;
  /** The link has carrier (LOWER_UP); a bridge with no running member shows NO-CARRIER. */
  carrier: boolean;
}

/** `ip -j link show` -> links. */
export function parseIpLinks(json: string, issues?: ParseIssues): IpLink[] {
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch {
    note(issues, 'ip -j link: not JSON');
    return [];
  }
  if (!Array.isArray(data)) {
    note(issues, 'ip -j link: not a JSON array');
    return [];
  }
  const links: IpLink[] = [];
  for (const item of data) {
    if (!item || typeof item !== 'object') continue;
    const o = item as Record<string, unknown>;
    if (typeof o.ifname !== 'string' || !o.ifname) {
      note(issues, 'ip -j link: an entry without ifname');
      continue;
    }
    const flags = Array.isArray(o.flags) ? o.flags.filter((f): f is string => typeof f === 'string') : [];
    const link: IpLink = {
      name: o.ifname,
      operstate: typeof o.operstate === 'string' ? o.operstate : 'UNKNOWN',
      flags,
      carrier: flags.includes('LOWER_UP') && !flags.includes('NO-CARRIER'),
    };
    if (typeof o.master === 'string') link.master = o.master;
    const info = o.linkinfo as Record<string, unknown> | undefined;
    if (info && typeof info === 'object' && typeof info.info_kind === 'string') link.kind = info.info_kind;
    links.push(link);
  }
  return links;
}

const IFF_UP = 0x1;

/** The event-mode `bridges` section (src/host/gather.ts): `NAME OPERSTATE FLAGS CARRIER` per bridge read from
 *  /sys/class/net, only NAME for one that does not exist -> the links that exist, with the flags `ip link` would
 *  show: UP from the flags, LOWER_UP when it has carrier, NO-CARRIER when up but not running (operstate neither up
 *  nor unknown), as iproute2 derives them from the same kernel state. */
export function parseSysfsLinks(text: string, issues?: ParseIssues): IpLink[] {
  const links: IpLink[] = [];
  if (typeof text !== 'string') return links;
  for (const line of text.split('\n')) {
    const [name, operstate, flagsHex, carrierText] = line.trim().split(/\s+/);
    if (!name || !operstate) continue;
    const bits = Number.parseInt(flagsHex ?? '', 16);
    if (!/^0x[0-9a-f]+$/i.test(flagsHex ?? '') || Number.isNaN(bits)) {
      note(issues, `bridges: unread line "${line.trim()}"`);
      continue;
    }
    const up = (bits & IFF_UP) !== 0;
    const running = up && (operstate === 'up' || operstate === 'unknown');
    const lowerUp = carrierText === '1';
    const flags = [...(up && !running ? ['NO-CARRIER'] : []), ...(up ? ['UP'] : []), ...(lowerUp ? ['LOWER_UP'] : [])];
    links.push({ name, operstate: operstate.toUpperCase(), flags, carrier: lowerUp && running });
  }
  return links;
}
