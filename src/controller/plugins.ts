import type { Runtime } from '../services/runtime.js';
import type { Store } from '../store/store.js';
import type { Controller } from './controller.js';
import { logsPlugin } from './logs.js';
import { snapshotPlugin } from './snapshots.js';
import { doctorPlugin } from './doctor.js';
import { deployPlugin } from './deploy.js';

// Where later work plugs into the running UI: logs, snapshots, deploy, shell, doctor. A plugin registers its
// command handlers (and may start services that dispatch into the store); it may return a cleanup.
// Add one: write `registerX(ctx)` next to its service and add it to `plugins` (one line).

export interface PluginContext {
  controller: Controller;
  store: Store;
  runtime: Runtime;
  /** Asks for a fresh status of one host (or all) now. */
  refresh(host?: string): void;
  /** Takes the terminal away from the UI (e.g. an interactive ssh), then redraws it exactly as it was. */
  suspend<T>(fn: () => Promise<T>): Promise<T>;
}

export type Plugin = (ctx: PluginContext) => void | (() => void | Promise<void>);

export const plugins: Plugin[] = [
  snapshotPlugin,
  logsPlugin,
  doctorPlugin,
  deployPlugin,
];
