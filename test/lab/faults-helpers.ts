import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadInventory } from '../../src/config/load.js';
import type { Inventory } from '../../src/config/types.js';
import { createSshTransport, type SshTransportOptions } from '../../src/ssh/index.js';
import type { Transport } from '../../src/ssh/types.js';
import { LAB_RUN, LAB_LINK } from './paths.js';

// Fault injection on the shared lab without disturbing other engineers: the tests talk to a second sshd of
// their own (port 2222, a transient unit in the lab container) and only its traffic is faulted.
// - network down / power off: a tc filter on the lab netns' veth sends every packet to port 2222 into a
//   pfifo of length 0 (dropped, no RST: the client learns nothing, as when a machine loses power); the
//   kernel has no iptables/nft here and no act_gact, so this is the drop that works.
// - sshd restarted: `systemctl restart` of that unit (its session processes die with it).
// - connection cut: the session's sshd process killed (`ss -K` needs CONFIG_INET_DIAG_DESTROY, which this
//   kernel lacks: "RTNETLINK answers: Invalid argument").

export const RUN = LAB_RUN;
export const LAB_HOST = '192.168.77.2';
export const FAULT_PORT = 2222;
export const FAULT_UNIT = 'mvm-faults-sshd';
const VETH = LAB_LINK;

export const home = mkdtempSync(join(tmpdir(), 'mvm-faults-'));

/** The lab inventory pointed at the fault sshd, with fast keepalives so a silent peer is noticed in ~4 s. */
export async function faultInventory(): Promise<Inventory> {
  const inv = await loadInventory({ config: join(RUN, 'inventory.yaml') });
  const key = readFileSync(join(RUN, 'known_hosts'), 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${LAB_HOST} `))!
    .slice(LAB_HOST.length + 1);
  const kh = join(home, 'known_hosts');
  writeFileSync(kh, `[${LAB_HOST}]:${FAULT_PORT} ${key}\n`);
  return {
    ...inv,
    hosts: inv.hosts.map((h) => ({ ...h, ssh: { ...h.ssh, port: FAULT_PORT, knownHostsFile: kh, keepaliveIntervalMs: 1000, connectTimeoutMs: 3000 } })),
  };
}

export function transport(inv: Inventory, o: SshTransportOptions = {}): Transport {
  return createSshTransport(inv, { env: { home, localUser: 'root', agentSocket: undefined }, ...o });
}

/** The tc commands that drop every packet on `dev` whose `port` field (dport or sport) is the fault port. */
function dropScript(dev: string, field: 'dport' | 'sport', on: boolean): string[][] {
  const del = ['qdisc', 'del', 'dev', dev, 'root'];
  if (!on) return [del];
  return [
    del,
    ['qdisc', 'add', 'dev', dev, 'root', 'handle', '1:', 'htb', 'default', '10'],
    ['class', 'add', 'dev', dev, 'parent', '1:', 'classid', '1:10', 'htb', 'rate', '10gbit'],
    ['class', 'add', 'dev', dev, 'parent', '1:', 'classid', '1:30', 'htb', 'rate', '10gbit'],
    ['qdisc', 'add', 'dev', dev, 'parent', '1:30', 'handle', '30:', 'pfifo', 'limit', '0'],
    ['filter', 'add', 'dev', dev, 'parent', '1:', 'protocol', 'ip', 'prio', '1', 'u32', 'match', 'ip', field, String(FAULT_PORT), '0xffff', 'flowid', '1:30'],
  ];
}

/**
 * Drops every packet to and from the fault sshd, both ways (only its port: the rest of the lab keeps
 * working): on the lab netns' veth (to the server) and on the container's host0 (from it, so a dying
 * session's FIN never arrives either). `remote` runs a command in the container over an unfaulted connection.
 */
export async function blackhole(on: boolean, remote?: (cmd: string) => Promise<unknown>): Promise<void> {
  for (const args of dropScript(VETH, 'dport', on)) {
    try {
      execFileSync('tc', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    } catch (e) {
      if (args[1] !== 'del') throw e;
    }
  }
  if (remote) await remote(dropScript('host0', 'sport', on).map((a) => `tc ${a.join(' ')}`).join(' 2>/dev/null; ') + '; true');
}

/** Starts (or restarts) the fault sshd: the lab's sshd config on port 2222, sshd's default MaxSessions 10. */
export function faultSshdCommand(): string {
  return [
    `systemctl stop ${FAULT_UNIT} 2>/dev/null; systemctl reset-failed ${FAULT_UNIT} 2>/dev/null`,
    `systemd-run --quiet --unit=${FAULT_UNIT} /usr/sbin/sshd -D -e -p ${FAULT_PORT} -o MaxSessions=10 -o PidFile=none`,
    `for i in $(seq 50); do ss -ltn | grep -q ':${FAULT_PORT} ' && exit 0; sleep 0.1; done; exit 1`,
  ].join('; ');
}

export async function waitFor(what: string, ok: () => boolean, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
