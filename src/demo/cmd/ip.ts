// ip link show [-j] [-d] as iproute2 prints it: the host NIC, a bridge per VM, and a tap per running VM.

import type { CmdContext } from '../shell.js';

interface Link {
  ifindex: number;
  ifname: string;
  flags: string[];
  mtu: number;
  qdisc: string;
  master?: string;
  operstate: string;
  linkmode: string;
  group: string;
  txqlen: number;
  link_type: string;
  address: string;
  broadcast: string;
  kind?: string;
}

function links(ctx: CmdContext): Link[] {
  const out: Link[] = [
    { ifindex: 1, ifname: 'lo', flags: ['LOOPBACK', 'UP', 'LOWER_UP'], mtu: 65536, qdisc: 'noqueue', operstate: 'UNKNOWN', linkmode: 'DEFAULT', group: 'default', txqlen: 1000, link_type: 'loopback', address: '00:00:00:00:00:00', broadcast: '00:00:00:00:00:00' },
    { ifindex: 2, ifname: 'ens5', flags: ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP'], mtu: 9001, qdisc: 'mq', operstate: 'UP', linkmode: 'DEFAULT', group: 'default', txqlen: 1000, link_type: 'ether', address: '0a:5e:3c:91:7d:21', broadcast: 'ff:ff:ff:ff:ff:ff' },
  ];
  for (const vm of ctx.hv.vms.values()) {
    const carrier = vm.tapUp;
    out.push({
      ifindex: 2 + vm.num,
      ifname: vm.bridge,
      flags: carrier ? ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP'] : ['NO-CARRIER', 'BROADCAST', 'MULTICAST', 'UP'],
      mtu: 1500,
      qdisc: 'noqueue',
      operstate: carrier ? 'UP' : 'DOWN',
      linkmode: 'DEFAULT',
      group: 'default',
      txqlen: 1000,
      link_type: 'ether',
      address: `02:4d:56:00:0${vm.num}:01`,
      broadcast: 'ff:ff:ff:ff:ff:ff',
      kind: 'bridge',
    });
  }
  for (const vm of ctx.hv.vms.values())
    if (vm.tapUp)
      out.push({ ifindex: 10 + vm.num, ifname: vm.tap, flags: ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP'], mtu: 1500, qdisc: 'fq_codel', master: vm.bridge, operstate: 'UP', linkmode: 'DEFAULT', group: 'default', txqlen: 1000, link_type: 'ether', address: `02:00:00:00:0${vm.num}:01`.replace(/^02/, 'fe'), broadcast: 'ff:ff:ff:ff:ff:ff', kind: 'tun' });
  return out;
}

export function ip(argv: string[], ctx: CmdContext): number {
  const args = argv.slice(1);
  let json = false;
  let details = false;
  while (args[0]?.startsWith('-')) {
    const o = args.shift()!;
    if (o === '-j' || o === '-json') json = true;
    else if (o === '-d' || o === '-details') details = true;
    else if (o === '-br' || o === '-p' || o === '-s' || o === '-c' || o === '-color') continue;
    else {
      ctx.io.err(`Option "${o}" is unknown, try "ip -help".\n`);
      return 255;
    }
  }
  const [obj, verb = 'show', ...rest] = args;
  if (!obj || !['link', 'l', 'addr', 'a', 'address'].includes(obj) || !['show', 'list', 'ls'].includes(verb)) {
    ctx.io.err(`Command "${verb}" is unknown, try "ip ${obj ?? ''} help".\n`);
    return 255;
  }
  const dev = rest[0] === 'dev' ? rest[1] : rest[0];
  let ls = links(ctx);
  if (dev) {
    ls = ls.filter((l) => l.ifname === dev);
    if (ls.length === 0) {
      ctx.io.err(`Device "${dev}" does not exist.\n`);
      return 1;
    }
  }
  if (json) {
    ctx.io.out(
      JSON.stringify(
        ls.map(({ kind, ...l }) => {
          const o: Record<string, unknown> = {};
          for (const k of ['ifindex', 'ifname', 'flags', 'mtu', 'qdisc', 'master', 'operstate', 'linkmode', 'group', 'txqlen', 'link_type', 'address', 'broadcast'] as const) if (l[k] !== undefined) o[k] = l[k];
          if (details) {
            o.promiscuity = 0;
            o.min_mtu = 68;
            o.max_mtu = 65535;
            if (kind) o.linkinfo = kind === 'bridge' ? { info_kind: 'bridge', info_data: { stp_state: 0, vlan_filtering: 0 } } : { info_kind: 'tun', info_data: { type: 'tap', pi: false, vnet_hdr: true, multi_queue: false, persist: true }, info_slave_kind: 'bridge' };
          }
          return o;
        }),
      ) + '\n',
    );
    return 0;
  }
  ctx.io.out(
    ls
      .map((l) => `${l.ifindex}: ${l.ifname}: <${l.flags.join(',')}> mtu ${l.mtu} qdisc ${l.qdisc}${l.master ? ` master ${l.master}` : ''} state ${l.operstate} mode ${l.linkmode} group ${l.group} qlen ${l.txqlen}\n    link/${l.link_type} ${l.address} brd ${l.broadcast}\n`)
      .join(''),
  );
  return 0;
}

