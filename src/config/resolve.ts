import type { InventoryParsed } from './schema.js';
import type { HostConfig, Inventory, VmConfig } from './types.js';

/** Fills the seed's conventions for whatever the file leaves out. */
export function resolveInventory(parsed: InventoryParsed, source: string): Inventory {
  return { ...parsed, source, hosts: parsed.hosts.map(resolveHost) };
}

function resolveHost(h: InventoryParsed['hosts'][number]): HostConfig {
  const vms: VmConfig[] = h.vms.map((v) => {
    const num = /^vm(\d{1,3})$/.exec(v.name)?.[1];
    return {
      name: v.name,
      role: v.role ?? '',
      address: v.address ?? (num ? `10.${num}.0.2` : v.name),
      unit: v.unit ?? `microvm@${v.name}`,
      dataset: v.dataset ?? `${h.pool}/storage/${v.name}`,
      bridge: v.bridge ?? `br-${v.name}`.slice(0, 15),
      tap: v.tap ?? `vm-${v.name}`.slice(0, 15),
    };
  });
  return { ...h, vms };
}
