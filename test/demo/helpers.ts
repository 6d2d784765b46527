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
