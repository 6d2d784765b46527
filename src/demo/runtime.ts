// `mvm-tui --demo`: start the embedded demo hypervisor and open the ordinary runtime on its inventory.
// The transport is the app's real SSH one, so the demo exercises the same code path as a real host.

import type { GlobalOptions } from '../commands/types.js';
import { type Runtime, openRuntime } from '../services/runtime.js';
import { type Demo, type DemoOptions, startDemo } from './server.js';

export interface DemoRuntime extends Runtime {
  demo: Demo;
}

/** What the app prints when it falls back to the demo because there is no inventory. */
export const DEMO_NOTICE =
  'No inventory found: showing the built-in demo hypervisor (nothing real is touched).\n' +
  'To manage a real host, write one with `mvm-tui config init` (or pass --config FILE).';

export async function openDemoRuntime(global: GlobalOptions, opts: DemoOptions = {}): Promise<DemoRuntime> {
  const demo = await startDemo(opts);
  try {
    const rt = await openRuntime(global, { inventory: demo.inventory });
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
