import type { HostStatus, StatusReport, VmStatus } from './status.js';

// What "as it should be" means for `mvm-tui status`'s exit code (and any view that wants a badge).
// A VM that microvm.nix does not autostart may be down on purpose: inactive is fine for it, failed is not.

/** Its unit is stopped or failed: the VM cannot answer SSH, so it is not probed (src/services/status.ts). */
export const unitDown = (vm: Pick<VmStatus, 'active'>): boolean => vm.active === 'inactive' || vm.active === 'failed';

/** Why a VM needs attention; [] when it is as it should be. */
export function vmProblems(vm: VmStatus): string[] {
  const p: string[] = [];
  const optional = vm.autostart === false;
  if (vm.runner === 'missing') p.push('runner missing');
  if (vm.outdated) p.push('restart needed (current != booted)');
  if (optional && vm.active === 'inactive') return p;
  if (vm.active !== 'active' || vm.sub !== 'running') p.push(`unit ${vm.active}${vm.sub ? `/${vm.sub}` : ''}`);
  if (vm.bridge !== 'up') p.push(`bridge ${vm.bridge}`);
  // A VM whose unit is down is not probed; the unit's state above already says why it does not answer.
  if (vm.reachable === false && !unitDown(vm)) p.push(`no ssh${vm.probeError ? ` (${vm.probeError})` : ''}`);
  return p;
}

/** Why a host (itself, not its VMs) needs attention. */
export function hostProblems(hs: HostStatus): string[] {
  if (!hs.reachable) return [hs.error ?? 'unreachable'];
  const p: string[] = [];
  if (hs.system.state !== 'running') p.push(`system ${hs.system.state}`);
  if (hs.system.failedUnits.length) p.push(`failed units: ${hs.system.failedUnits.join(', ')}`);
  for (const pool of hs.pools) if (pool.health !== 'ONLINE') p.push(`pool ${pool.name} ${pool.health}`);
  if (hs.storageUnit && hs.storageUnit.active !== 'active') p.push(`${hs.storageUnit.name} ${hs.storageUnit.active}`);
  return p;
}

/** True when every host is reachable and healthy and every VM is as it should be. */
export function reportHealthy(r: StatusReport): boolean {
  return r.hosts.every((h) => hostProblems(h).length === 0 && h.vms.every((v) => vmProblems(v).length === 0));
}
