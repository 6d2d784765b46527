import { homedir } from 'node:os';
import { join } from 'node:path';
import { loadInventory } from '../config/load.js';
import type { GlobalOptions, Inventory } from '../config/types.js';
import type { Transport } from '../ssh/types.js';
import { AuditLog, defaultAuditPath } from './audit.js';
import { ActionGuard } from './guard.js';

// Everything a subcommand or the UI needs, opened once: the inventory, one transport for the whole fleet,
// the audit log and the guard every dangerous action goes through.

export interface Runtime {
  inventory: Inventory;
  transport: Transport;
  guard: ActionGuard;
  audit: AuditLog;
  close(): Promise<void>;
}

export type TransportFactory = (inventory: Inventory, global: GlobalOptions) => Transport | Promise<Transport>;

export interface RuntimeOptions {
  /** Replaces the SSH transport: the demo host (global.demo) and tests plug in here. */
  transportFactory?: TransportFactory;
  /** Replaces the inventory file (the demo's built-in inventory). */
  inventory?: Inventory;
  env?: NodeJS.ProcessEnv;
  /** Replaces the inventory's audit log (the demo writes its own, demo-audit.jsonl). */
  audit?: AuditLog;
}

/** Expands a leading `~/` (the config file is written by hand; the shell is not there to do it). */
export function expandHome(p: string, env: NodeJS.ProcessEnv = process.env): string {
  if (p === '~') return env.HOME || homedir();
  return p.startsWith('~/') ? join(env.HOME || homedir(), p.slice(2)) : p;
}

/** The inventory's SSH transport, opened now. */
export const sshTransport: TransportFactory = async (inventory, global) => {
  // Loaded lazily so subcommands that never connect (config, audit) do not pay for ssh2.
  const { createSshTransport, ttyPassphrasePrompt } = await import('../ssh/index.js');
  return createSshTransport(inventory, { acceptNew: global.acceptNew, askPassphrase: process.stdin.isTTY ? ttyPassphrasePrompt() : undefined });
};

/** Throws ConfigError (exit 2) when the inventory is unusable. */
export async function openRuntime(global: GlobalOptions, opts: RuntimeOptions = {}): Promise<Runtime> {
  const env = opts.env ?? process.env;
  const inventory = opts.inventory
    ? { ...opts.inventory, readOnly: opts.inventory.readOnly || global.readOnly }
    : await loadInventory({ config: global.config, readOnly: global.readOnly, env });
  const audit = opts.audit ?? new AuditLog(inventory.auditLog ? expandHome(inventory.auditLog, env) : defaultAuditPath(env));
  const transport = await (opts.transportFactory ?? sshTransport)(inventory, global);
  const guard = new ActionGuard(inventory, audit, global.readOnly);
  return {
    inventory,
    transport,
    guard,
    audit,
    close: () => transport.close(),
  };
}
