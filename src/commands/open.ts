import type { GlobalOptions } from '../config/types.js';
import { openRuntime, type Runtime } from '../services/runtime.js';

// The runtime a subcommand works on: the inventory's, or with --demo (`mvm-tui status --demo`) the built-in
// demo hypervisor's, which opens the same runtime on its own inventory. The demo is loaded only then.

export async function openCommandRuntime(global: GlobalOptions): Promise<Runtime> {
  if (global.demo) return (await import('../demo/runtime.js')).openDemoRuntime(global);
  return openRuntime(global);
}
