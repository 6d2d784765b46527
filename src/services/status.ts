import { DEFAULT_VM_PROBE_TIMEOUT_MS } from '../config/schema.js';
import type { HostConfig } from '../config/types.js';
import { eventGather, gatherScript, linesOf, splitSections, type SectionOutput } from '../host/gather.js';
import type { HostStatus } from '../model/status.js';
import { parseProbeOutput, probeFailure } from '../parsers/probe.js';
import { nestedProbeCommand, PROBE_KILL_AFTER_S } from '../host/nested-probe.js';
import type { Transport } from '../ssh/types.js';
import { hostStatusFromSections, unreachableHost } from '../parsers/status-assemble.js';
import type { StatusMemo } from '../parsers/status-memo.js';
import { unitDown } from '../model/status-check.js';

// One refresh of one hypervisor: a single exec of the gather script (everything for all its VMs), parsed
// into HostStatus. Never throws: an unreachable host or a failed script gives {reachable: false, error}.

export interface FetchStatusOptions {
  /** Also check that every VM answers over SSH through the hypervisor (see probeVms). */
  probeVms?: boolean;
  /** Budget of the gather script (default 10 s). */
  timeoutMs?: number;
  now?: () => number;
  /** The host's parses from its last refresh (see StatusMemo): unchanged sections are not parsed again. */
  memo?: StatusMemo;
  /** Event mode: run the event-mode script (its `only` sections, or all of it) and assemble the status from
   *  `sections`, the host's last section texts, which this run's sections replace. */
  events?: { only?: readonly string[]; sections: Map<string, SectionOutput> };
}

export const DEFAULT_STATUS_TIMEOUT_MS = 10_000;
/** A VM that does not answer `true` within this is reported not reachable (a config built without the schema's
 *  default gets the default). */
const probeTimeout = (host: HostConfig) => host.vmAccess.probeTimeoutMs ?? DEFAULT_VM_PROBE_TIMEOUT_MS;
/** The batched probe's exec may run this much longer than one probe: `timeout`'s KILL grace and the exec's own
 *  start, so a slow VM is reported by its line (124) rather than losing every line to the exec's timeout. */
const PROBE_EXEC_MARGIN_MS = PROBE_KILL_AFTER_S * 1000 + 1_000;

const firstLine = (s: string) => s.trim().split('\n')[0]?.trim() ?? '';
const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** A probe's outcome, as VmStatus carries it. */
export interface VmProbe {
  reachable: boolean;
  probeError: string | null;
}

const answered: VmProbe = { reachable: true, probeError: null };
const failed = (why: string): VmProbe => ({ reachable: false, probeError: why });

/** VM name -> whether it answers `true` over SSH through the hypervisor, and if not why. `only` limits the
 *  probe to those VMs. Nested access: one exec on the hypervisor probes them all in parallel there
 *  (src/host/nested-probe.ts); a VM without its line in the output (script cut, garbage) did not answer.
 *  ProxyJump: each VM is its own ssh2 connection from here, so one exec per VM. */
export async function probeVms(transport: Transport, host: HostConfig, only?: readonly string[]): Promise<Map<string, VmProbe>> {
  const vms = host.vms.filter((vm) => !only || only.includes(vm.name));
  if (vms.length === 0) return new Map();
  if (host.vmAccess.mode !== 'nested') return probeEach(transport, host, vms.map((v) => v.name));
  const names = vms.map((v) => v.name);
  try {
    const script = nestedProbeCommand(host, vms, probeTimeout(host));
    const r = await transport.exec({ host: host.name }, script, { timeoutMs: probeTimeout(host) + PROBE_EXEC_MARGIN_MS });
    const codes = parseProbeOutput(r.stdout, names);
    const whyMissing = r.timedOut ? 'probe timed out' : 'no probe result';
    return new Map(
      names.map((n) => {
        const code = codes.get(n);
        return [n, code === 0 ? answered : failed(code === undefined ? whyMissing : probeFailure(code))];
      }),
    );
  } catch (e) {
    return new Map(names.map((n) => [n, failed(`probe failed: ${errorText(e)}`)]));
  }
}

async function probeEach(transport: Transport, host: HostConfig, names: readonly string[]): Promise<Map<string, VmProbe>> {
  const results = await Promise.all(
    names.map(async (vm) => {
      try {
        const r = await transport.exec({ host: host.name, vm }, 'true', { timeoutMs: probeTimeout(host) });
        const probe = r.code === 0 ? answered : failed(r.timedOut ? probeFailure(124) : r.code === null ? 'ssh failed' : `exit ${r.code}`);
        return [vm, probe] as const;
      } catch (e) {
        return [vm, failed(errorText(e))] as const;
      }
    }),
  );
  return new Map(results);
}

/** Probes the VMs whose unit may be running; one that is inactive or failed cannot answer (no wait). */
export async function probeRunningVms(transport: Transport, hs: HostStatus, host: HostConfig): Promise<Map<string, VmProbe>> {
  const down = hs.vms.filter(unitDown);
  const downNames = new Set(down.map((v) => v.name));
  const probed = await probeVms(
    transport,
    host,
    host.vms.map((v) => v.name).filter((n) => !downNames.has(n)),
  );
  for (const v of down) probed.set(v.name, failed(`unit ${v.active}`));
  return probed;
}

export async function fetchHostStatus(transport: Transport, host: HostConfig, opts: FetchStatusOptions = {}): Promise<HostStatus> {
  const now = opts.now ?? Date.now;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_STATUS_TIMEOUT_MS;
  let script: string;
  let lines: number[] | undefined;
  try {
    if (opts.events) {
      const g = eventGather(host);
      script = g.script;
      if (opts.events.only) lines = linesOf(g, opts.events.only);
    } else script = gatherScript(host);
  } catch (e) {
    return unreachableHost(host, `${host.name}: ${errorText(e)}`);
  }
  try {
    const res = await transport.exec({ host: host.name }, script, { timeoutMs, reuse: true, ...(lines ? { lines } : {}) });
    if (res.timedOut) return unreachableHost(host, `${host.name}: status refresh timed out after ${Math.round(timeoutMs / 100) / 10} s`);
    const sections = splitSections(res.stdout);
    if (res.code === null || sections.size === 0) {
      const why = firstLine(res.stderr) || (res.code === null ? `ended by ${res.signal ?? 'a dropped connection'}` : `exit ${res.code} without output`);
      return unreachableHost(host, `${host.name}: status script failed: ${why}`);
    }
    let all: ReadonlyMap<string, SectionOutput> = sections;
    if (opts.events) {
      const kept = opts.events.sections;
      if (!opts.events.only) kept.clear();
      for (const [name, out] of sections) kept.set(name, out);
      all = kept;
    }
    const hs = hostStatusFromSections(host, all, { now: now(), memo: opts.memo });
    if (!opts.probeVms) return hs;
    // After the refresh, so a stopped VM is not waited for (a probe of one can take the whole timeout).
    const probes = await probeRunningVms(transport, hs, host);
    return { ...hs, vms: hs.vms.map((v) => ({ ...v, ...probes.get(v.name) })) };
  } catch (e) {
    return unreachableHost(host, errorText(e));
  }
}
