// The inventory that points the app at the demo: one host on 127.0.0.1 with strict host-key checking
// against the demo's own known_hosts, the demo's client key, nested VM access (answered by the demo's
// `ssh`), and a remote deploy (so a demo deploy never runs anything on this machine).

import { inventorySchema } from '../config/schema.js';
import { resolveInventory } from '../config/resolve.js';
import type { Inventory } from '../config/types.js';
import { DEMO_VMS } from './state.js';

export interface DemoFiles {
  identityFile: string;
  knownHostsFile: string;
  /** An empty OpenSSH client config, so the user's ~/.ssh/config cannot redirect the demo. */
  configFile: string;
  auditLog: string;
}

export const DEMO_HOST = 'demo';

export function demoInventory(port: number, files: DemoFiles): Inventory {
  const parsed = inventorySchema.parse({
    refreshMs: 1000,
    // The demo's shell interprets the gather script's simple commands only: it has no event stream to give.
    events: false,
    auditLog: files.auditLog,
    hosts: [
      {
        name: DEMO_HOST,
        ssh: {
          hostname: '127.0.0.1',
          port,
          user: 'root',
          identityFile: files.identityFile,
          knownHostsFile: files.knownHostsFile,
          configFile: files.configFile,
          strictHostKeyChecking: 'yes',
          connectTimeoutMs: 5000,
        },
        vmAccess: { mode: 'nested' },
        deploy: { mode: 'remote' },
        vms: DEMO_VMS.map((v) => ({ name: v.name, role: v.role })),
        commands: [
          { name: 'uptime', key: 'T', description: 'Uptime inside the VM', command: 'uptime', onVm: true },
          { name: 'pool-status', description: 'zpool status on the hypervisor', command: 'zpool status' },
        ],
      },
    ],
  });
  return resolveInventory(parsed, '(demo)');
}
