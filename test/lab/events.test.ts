import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadInventory } from '../../src/config/load.js';
import type { Inventory } from '../../src/config/types.js';
import type { HostConfig } from '../../src/config/types.js';
import type { HostStatus, VmStatus } from '../../src/model/status.js';
import { StatusPoller, type HostMode } from '../../src/services/poller.js';
import { createSshTransport } from '../../src/ssh/index.js';
import type { Transport } from '../../src/ssh/types.js';
import { labRun } from './paths.js';

// Event mode against the lab hypervisor (systemd 252, iproute2 6.1, zfs-fuse: no `zpool events`): a VM killed
// with SIGKILL reaches the status by its events while the poll interval is a minute; a host whose source is
// missing is polled and says why; a stream whose source dies is polled meanwhile and comes back with a full refresh.
// Run under the lab lock: flock /tmp/mvm-lab.lock npm run test:lab -- test/lab/events.test.ts

const home = mkdtempSync(join(tmpdir(), 'mvm-labevents-'));
const opened: Transport[] = [];
const pollers: StatusPoller[] = [];
let inv: Inventory;
let admin: Transport;

const open = () => {
  const t = createSshTransport(inv, { env: { home, localUser: 'root', agentSocket: undefined } });
  opened.push(t);
  return t;
};
const sh = async (cmd: string) => (await admin.exec({ host: 'lab' }, cmd, { timeoutMs: 15_000 })).stdout;

async function until<T>(what: string, get: () => T | undefined | false, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = get();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A poller in event mode whose ticks come once a minute: what changes sooner reached it by an event. */
function watch(opts: { command?: (host: HostConfig) => string } = {}) {
  const seen: HostStatus[] = [];
  const modes: HostMode[] = [];
  const poller = new StatusPoller(open(), inv, {
    intervalMs: 60_000,
    probeEveryMs: 0,
    events: true,
    fullEveryMs: 600_000,
    eventsCommand: opts.command,
    onStatus: (hs) => seen.push(hs),
    onMode: (_h, m) => modes.push(m),
  });
  pollers.push(poller);
  poller.start();
  const vm = (name: string): VmStatus | undefined => seen.at(-1)?.vms.find((v) => v.name === name);
  return { poller, seen, modes, vm };
}

/** journalctl processes on the hypervisor (a stream's journal source is one). */
const journalPids = async () => new Set((await sh('pgrep -x journalctl || true')).split('\n').filter(Boolean));

beforeAll(async () => {
  inv = await loadInventory({ config: labRun('inventory.yaml') });
  admin = open();
});

afterAll(async () => {
  for (const p of pollers) p.stop();
  for (const t of opened) await t.close();
});

describe('status by the lab hypervisor’s events', () => {
  it('a VM killed with SIGKILL shows in the status by its events, with the poll a minute away', async () => {
    const { poller, vm } = watch();
    await until('event mode', () => poller.mode('lab')?.mode === 'events');
    await until('vm2 running', () => vm('vm2')?.active === 'active' && vm('vm2')?.sub === 'running', 20_000);
    const before = vm('vm2')!;
    await sh('systemctl kill -s KILL microvm@vm2');
    const after = await until('vm2 seen down', () => {
      const v = vm('vm2');
      return v && v !== before && (v.active !== 'active' || v.sub !== 'running') && v;
    }, 5_000);
    expect(after.active).not.toBe('active');
    // systemd restarts it (Restart=, RestartSec=5s): seen by the events too.
    await until('vm2 restarted', () => vm('vm2')?.active === 'active' && (vm('vm2')?.restarts ?? 0) > (before.restarts ?? 0) && vm('vm2'), 20_000);
  }, 60_000);

  it('a host without the event source is polled, and says why', async () => {
    // The stream's shape with its required journal source replaced by a program the host does not have.
    const missing = watch({ command: () => "{ mvm-no-such-source -f 2>&1; echo \"@@end $?\"; } | while IFS= read -r l; do printf 'unit %s\\n' \"$l\"; done & echo '@@mvm-events ready'; wait" });
    await until('a status', () => missing.seen.length > 0);
    const why = await until('polling with a reason', () => {
      const mode = missing.poller.mode('lab');
      return mode?.mode === 'polling' && mode.why !== 'event stream starting' && mode.why;
    });
    expect(why).toBe('unit events ended (exit 127)');
    const last = missing.seen.at(-1);
    expect(last?.reachable, last?.error ?? '').toBe(true);
  }, 60_000);

  it('a source that dies: polled meanwhile, the stream starts again and the host is back on events with a full refresh', async () => {
    const pidsBefore = await journalPids();
    const { poller, modes, seen } = watch();
    await until('event mode', () => poller.mode('lab')?.mode === 'events');
    const pid = [...(await journalPids())].find((p) => !pidsBefore.has(p));
    expect(pid).toBeDefined();
    const sent = seen.length;
    await sh(`kill ${Number(pid)}`);
    await until('polling', () => poller.mode('lab')?.mode === 'polling');
    expect(modes.at(-1)!.why).toMatch(/^unit events ended \(exit 143\)$/);
    await until('events again', () => poller.mode('lab')?.mode === 'events', 10_000);
    // The refresh when the stream died and the full one when it came back.
    await until('two refreshes', () => seen.length >= sent + 2);
  }, 60_000);
  it('a client that goes away without ending its stream (the connection closed first) leaves nothing running on the host', async () => {
    const pidsBefore = await journalPids();
    const { poller } = watch();
    await until('event mode', () => poller.mode('lab')?.mode === 'events');
    const pid = [...(await journalPids())].find((p) => !pidsBefore.has(p));
    expect(pid).toBeDefined();
    // Close the connection with no kill sent: the end of the stream's stdin ends its process group.
    poller.stop();
    await opened.at(-1)!.close();
    const end = Date.now() + 20_000;
    while ((await journalPids()).has(pid!)) {
      if (Date.now() > end) throw new Error(`journalctl ${pid} still running 20 s after its client closed`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }, 60_000);
});
