// What Nix prints while the demo "builds": a VM runner (`nix build ...declaredRunner`) and the host's
// system (`nixos-rebuild switch`, shaped after a real 25.11 run: test/fixtures provenance in SOURCES.md).

import { storeHash } from './random.js';

export function runnerBuildLines(vm: string, next: string): string[] {
  const drv = `/nix/store/${storeHash(next + 'drv')}-microvm-cloud-hypervisor-${vm}.drv`;
  const etc = `/nix/store/${storeHash(vm + 'etc')}-etc.drv`;
  const top = `/nix/store/${storeHash(vm + 'toplevel')}-nixos-system-${vm}-25.11.20261120.9e4d3a1.drv`;
  return [`these 3 derivations will be built:`, `  ${etc}`, `  ${top}`, `  ${drv}`, `building '${etc}'...`, `building '${top}'...`, `building '${drv}'...`];
}

/** The lines of `nixos-rebuild switch` that ends with the system generation `gen`. */
export function rebuildLines(gen: string): string[] {
  const etc = `/nix/store/${storeHash('etc' + gen)}-etc.drv`;
  const units = `/nix/store/${storeHash('units' + gen)}-system-units.drv`;
  return [
    'building the system configuration...',
    `these 4 derivations will be built:`,
    `  ${etc}`,
    `  ${units}`,
    `  /nix/store/${storeHash('comin' + gen)}-comin-0.7.0.drv`,
    `  ${gen}.drv`,
    `building '${units}'...`,
    `building '${etc}'...`,
    `building '${gen}.drv'...`,
    'activating the configuration...',
    'setting up /etc...',
    'reloading user units for root...',
    'restarting sysinit-reactivation.target',
    'reloading the following units: dbus.service',
    'restarting the following units: comin.service',
    `Done. The new configuration is ${gen}`,
  ];
}
