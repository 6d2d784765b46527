import type { HostConfig } from '../config/types.js';
import { gatherSections, renderGatherScript, splitSections } from '../host/gather.js';
import type { HostStatus } from '../model/status.js';
import type { Transport } from '../ssh/types.js';
import { hostStatusFromSections, unreachableHost } from './status-assemble.js';

// One refresh of one hypervisor: a single exec of the gather script (everything for all its VMs), parsed
// into HostStatus. Never throws: an unreachable host or a failed script gives {reachable: false, error}.

export interface FetchStatusOptions {
  /** Also check that every VM answers over SSH through the hypervisor (one `true` per VM, concurrently). */
  probeVms?: boolean;
  /** Budget of the gather script (default 10 s). */
  timeoutMs?: number;
  now?: () => number;
}

export const DEFAULT_STATUS_TIMEOUT_MS = 10_000;
export const VM_PROBE_TIMEOUT_MS = 3_000;

const firstLine = (s: string) => s.trim().split('\n')[0]?.trim() ?? '';
const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** VM name -> answers `true` over SSH through the hypervisor (false on any error or timeout). */
export async function probeVms(transport: Transport, host: HostConfig): Promise<Map<string, boolean>> {
  const results = await Promise.all(
    host.vms.map(async (vm) => {
      try {
        const r = await transport.exec({ host: host.name, vm: vm.name }, 'true', { timeoutMs: VM_PROBE_TIMEOUT_MS });
        return [vm.name, r.code === 0] as const;
      } catch {
        return [vm.name, false] as const;
      }
    }),
  );
  return new Map(results);
}

export async function fetchHostStatus(transport: Transport, host: HostConfig, opts: FetchStatusOptions = {}): Promise<HostStatus> {
  const now = opts.now ?? Date.now;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_STATUS_TIMEOUT_MS;
  let script: string;
  try {
    script = renderGatherScript(gatherSections(host));
  } catch (e) {
    return unreachableHost(host, `${host.name}: ${errorText(e)}`);
  }
  const probes = opts.probeVms ? probeVms(transport, host) : undefined;
  try {
    const res = await transport.exec({ host: host.name }, script, { timeoutMs });
    if (res.timedOut) return unreachableHost(host, `${host.name}: status refresh timed out after ${Math.round(timeoutMs / 100) / 10} s`);
    const sections = splitSections(res.stdout);
    if (res.code === null || sections.size === 0) {
      const why = firstLine(res.stderr) || (res.code === null ? `ended by ${res.signal ?? 'a dropped connection'}` : `exit ${res.code} without output`);
      return unreachableHost(host, `${host.name}: status script failed: ${why}`);
    }
    return hostStatusFromSections(host, sections, { now: now(), probes: probes ? await probes : undefined });
  } catch (e) {
    return unreachableHost(host, errorText(e));
  } finally {
    // Never leave a probe's rejection unobserved (probeVms itself does not reject, but be sure).
    probes?.catch(() => undefined);
  }
}
