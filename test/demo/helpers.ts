import { inventorySchema } from '../../src/config/schema.js';
import { resolveInventory } from '../../src/config/resolve.js';
import type { HostConfig } from '../../src/config/types.js';
import { DEMO_VMS } from '../../src/demo/state.js';

/** The demo host as the app's inventory describes it (no server needed). */
export function loadDemoHost(): HostConfig {
  const inv = resolveInventory(
    inventorySchema.parse({ hosts: [{ name: 'demo', ssh: { hostname: '127.0.0.1', port: 2222 }, vms: DEMO_VMS }] }),
    '(test)',
  );
  return inv.hosts[0]!;
}

import { ManualClock } from '../../src/demo/clock.js';
import { commandTable } from '../../src/demo/cmd/index.js';
import { DemoShell } from '../../src/demo/shell.js';
import { DemoHypervisor, type DemoStateOptions } from '../../src/demo/state.js';

/** A simulated host on a manual clock, and a helper that runs a command line to completion. */
export function demoHost(opts: DemoStateOptions = {}) {
  const clock = new ManualClock();
  const hv = new DemoHypervisor({ clock, ...opts });
  const shell = new DemoShell(hv, commandTable);
  const sh = (cmd: string) => clock.run(shell.capture(cmd));
  return { clock, hv, shell, sh };
}
