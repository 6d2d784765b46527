// `mvm-tui --demo`: start the embedded demo hypervisor and open the ordinary runtime on its inventory.
// The transport is the app's real SSH one, so the demo exercises the same code path as a real host.

import type { GlobalOptions } from '../config/types.js';
import { AuditLog, demoAuditPath } from '../services/audit.js';
import { type Runtime, openRuntime, sshTransport } from '../services/runtime.js';
import { deferredTransport } from '../ssh/deferred.js';
import { type Demo, type DemoOptions, listenDemo } from './server.js';

export interface DemoRuntime extends Runtime {
  demo: Demo;
}

/** What the app prints when it falls back to the demo because there is no inventory. */
export const DEMO_NOTICE =
  'No inventory found: showing the built-in demo hypervisor (nothing real is touched).\n' +
  'To manage a real host, write one with `mvm-tui config init` (or pass --config FILE).';

export async function openDemoRuntime(global: GlobalOptions, opts: DemoOptions = {}): Promise<DemoRuntime> {
  const demo = await listenDemo(opts);
  try {
    const rt = await openRuntime(global, {
      inventory: demo.inventory,
      audit: new AuditLog(demoAuditPath()), // audited as a real host's, to a log of the demo's own (`--demo audit`)
      // The demo's ssh server (ssh2, its keys) starts when the app first connects, as the real transport opens:
      // after the UI's first frame.
      transportFactory: (inventory, g) =>
        deferredTransport(async () => {
          await demo.start();
          return sshTransport(inventory, g);
        }),
    });
    return {
      ...rt,
      demo,
      close: async () => {
        await rt.close();
        await demo.stop();
      },
    };
  } catch (e) {
    await demo.stop();
    throw e;
  }
}
