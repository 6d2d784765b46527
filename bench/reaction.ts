import type { VmStatus } from '../src/model/status.js';
import { StatusPoller } from '../src/services/poller.js';
import { createStore } from '../src/store/store.js';
import { labSh, openLab } from './lib/lab.js';
import { median, ms, p95, sleep, table } from './lib/stats.js';

// 6. Reaction: from `labctl crash vm1` on the lab to the first status showing it, with StatusPoller at the
// default interval feeding the store the grid reads (as src/tui.tsx wires it). After a crash systemd puts
// the unit in activating/auto-restart for RestartSec=5s (NRestarts+1), then starts it again: we measure to
// the first status that shows the change, and separately until it shows vm1 running again.

const CRASHES = 6;

const running = (v: VmStatus | undefined) => v?.active === 'active' && v.sub === 'running';

export async function benchReaction(): Promise<void> {
  const rt = await openLab();
  const host = rt.inventory.hosts[0]!;
  const store = createStore();
  store.dispatch({ type: 'hosts/init', hosts: [{ name: host.name, readOnly: false, vms: host.vms.map((v) => ({ name: v.name, role: v.role, unit: v.unit })) }] });
  let latest: { at: number; vm: VmStatus | undefined } = { at: 0, vm: undefined };
  const waiters = new Set<() => void>();
  const poller = new StatusPoller(rt.transport, rt.inventory, {
    intervalMs: rt.inventory.refreshMs,
    onStatus: (hs) => {
      store.dispatch({ type: 'hosts/status', status: hs, at: Date.now() });
      latest = { at: performance.now(), vm: hs.vms.find((v) => v.name === 'vm1') };
      for (const w of waiters) w();
    },
  });
  const until = (ok: () => boolean, budgetMs: number) =>
    new Promise<boolean>((resolve) => {
      if (ok()) return resolve(true);
      const w = () => {
        if (!ok()) return;
        waiters.delete(w);
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => (waiters.delete(w), resolve(false)), budgetMs);
      waiters.add(w);
    });

  const seen: number[] = [];
  const back: number[] = [];
  const states = new Map<string, number>();
  try {
    await labSh(rt, 'systemctl start microvm@vm1');
    poller.start();
    for (let i = 0; i < CRASHES; i++) {
      if (!(await until(() => running(latest.vm), 30_000))) throw new Error('vm1 did not come back to running within 30 s');
      await sleep(500 + Math.random() * 1000); // out of step with the poller's ticks
      const base = latest.vm!.restarts ?? 0;
      const t0 = performance.now();
      await labSh(rt, 'labctl crash vm1');
      const changed = () => latest.at > t0 && (!running(latest.vm) || (latest.vm?.restarts ?? 0) > base);
      if (!(await until(changed, 20_000))) {
        console.log('  a crash was never seen within 20 s');
        continue;
      }
      seen.push(latest.at - t0);
      const st = `${latest.vm!.active}/${latest.vm!.sub}`;
      states.set(st, (states.get(st) ?? 0) + 1);
      if (await until(() => latest.at > t0 && running(latest.vm) && (latest.vm?.restarts ?? 0) > base, 30_000)) back.push(latest.at - t0);
    }
    console.log(`  poller interval ${rt.inventory.refreshMs} ms (the default); first state seen: ${[...states].map(([s, n]) => `${s} x${n}`).join(', ')}`);
    console.log(
      table([
        ['', 'median', 'p95', 'n'],
        ['crash -> first status showing it', ms(median(seen)), ms(p95(seen)), String(seen.length)],
        ['crash -> status showing vm1 running again', ms(median(back)), ms(p95(back)), String(back.length)],
      ]),
    );
    console.log(`  (expected: up to one interval + one refresh; running again after RestartSec=5s + the runner's start)`);
  } finally {
    poller.stop();
    await labSh(rt, 'systemctl is-active -q microvm@vm1 || systemctl start microvm@vm1').catch(() => undefined);
    await rt.close();
  }
}
