import type { InventoryParsed } from './schema.js';

type HostParsed = InventoryParsed['hosts'][number];

/** A VM with every default filled in (unit, dataset, bridge, tap, address). */
export interface VmConfig {
  name: string;
  role: string;
  address: string;
  unit: string;
  dataset: string;
  bridge: string;
  tap: string;
}

export interface HostConfig extends Omit<HostParsed, 'vms'> {
  vms: VmConfig[];
}

export interface Inventory extends Omit<InventoryParsed, 'hosts'> {
  hosts: HostConfig[];
  /** The file it was read from, or '(demo)' / '(built-in)'. */
  source: string;
}

/** The global command-line flags (parsed in main.ts): what every subcommand and the UI open their runtime with. */
export interface GlobalOptions {
  config?: string;
  readOnly: boolean;
  demo: boolean;
  acceptNew: boolean;
  /** --no-mouse: no mouse reporting (the inventory's `mouse: false` does the same). */
  noMouse?: boolean;
}
