import type { GlobalOptions } from './commands/types.js';
import { existsSync } from 'node:fs';
import { ConfigError } from './config/errors.js';
import { configPath } from './config/load.js';
import { openRuntime, type Runtime } from './services/runtime.js';
import { deferredTransport } from './ssh/deferred.js';

// Which runtime the full-screen UI opens: the inventory, or the built-in demo for `--demo` and for a first
// run with no inventory file at all (a new user sees mvm-tui working before writing any configuration).

export interface TuiRuntime {
  rt: Runtime;
  /** Shown in the status line when the UI starts: why this is a demo and how to configure a real host. */
  notice?: string;
  /** Printed on stderr after the terminal is restored (the status line is gone by then). */
  exitNotice?: string;
}

// Short enough to survive an 80-column status line (the message gets about half of it beside the hints).
export const DEMO_FLAG_NOTICE = 'DEMO · real host: mvm-tui config init';
export const DEMO_FALLBACK_NOTICE = 'No inventory, DEMO: mvm-tui config init';
export const DEMO_EXIT_NOTICE =
  'mvm-tui: that was the built-in demo. To manage a real hypervisor, run `mvm-tui config init`\n' +
  '(or start from examples/simple-microvm-infra.yaml in the package) and pass --config FILE if it lives elsewhere.\n';

/** --demo beside an inventory that exists: the way back to it, not how to write one. */
export const demoFlagNoticeWith = (file: string) => `DEMO · your hosts: mvm-tui without --demo (${file})`;
export const demoExitNoticeWith = (file: string) =>
  `mvm-tui: that was the built-in demo. Your inventory is ${file}: run \`mvm-tui\` without --demo to manage its hosts.\n`;

export type Opener = (global: GlobalOptions) => Promise<Runtime>;
/** The inventory file the UI would read, when it exists. */
export type InventoryFile = (global: GlobalOptions) => string | undefined;

const existingInventory: InventoryFile = (global) => {
  const file = configPath({ config: global.config });
  return existsSync(file) ? file : undefined;
};

type AskPassphrase = (keyPath: string) => Promise<string>;
/** The UI's own passphrase question once it is up: it then owns the terminal's keys, a prompt on stdin would fight it. */
let uiAsk: AskPassphrase | undefined;
export function askPassphrasesWith(ask: AskPassphrase | undefined): void {
  uiAsk = ask;
}

/**
 * The inventory's runtime with its SSH transport opened on first use (ssh2 and the keys load after the first
 * frame, when the poller's first refresh asks; the same options as openRuntime's own transport).
 */
export function openRealDeferred(global: GlobalOptions): Promise<Runtime> {
  return openRuntime(global, {
    transportFactory: (inventory) =>
      deferredTransport(async () => {
        const { createSshTransport, ttyPassphrasePrompt } = await import('./ssh/index.js');
        const tty = ttyPassphrasePrompt();
        return createSshTransport(inventory, { acceptNew: global.acceptNew, askPassphrase: process.stdin.isTTY ? (path) => (uiAsk ?? tty)(path) : undefined });
      }),
  });
}

async function openDemo(global: GlobalOptions): Promise<Runtime> {
  // Loaded lazily: the demo server (key generation, the simulated host) costs nothing on a real run.
  const { openDemoRuntime, floodFromEnv, outageFromEnv } = await import('./demo/index.js');
  return openDemoRuntime(global, { flood: floodFromEnv(process.env.MVM_DEMO_FLOOD), outage: outageFromEnv(process.env.MVM_DEMO_OUTAGE) });
}

/**
 * Opens the demo for --demo, or when no --config was given and the default inventory file does not exist.
 * An explicit --config that is missing, or an invalid file, stays an error (ConfigError, exit 2).
 */
export async function openTuiRuntime(global: GlobalOptions, real: Opener = openRealDeferred, demo: Opener = openDemo, inventoryFile: InventoryFile = existingInventory): Promise<TuiRuntime> {
  if (global.demo) {
    const file = inventoryFile(global);
    if (file) return { rt: await demo(global), notice: demoFlagNoticeWith(file), exitNotice: demoExitNoticeWith(file) };
    return { rt: await demo(global), notice: DEMO_FLAG_NOTICE, exitNotice: DEMO_EXIT_NOTICE };
  }
  try {
    return { rt: await real(global) };
  } catch (e) {
    if (!(e instanceof ConfigError && e.missing && global.config === undefined)) throw e;
    return { rt: await demo(global), notice: DEMO_FALLBACK_NOTICE, exitNotice: DEMO_EXIT_NOTICE };
  }
}
