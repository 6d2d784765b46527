import type { HostConfig, VmConfig } from '../config/types.js';
import { shJoin, shq } from './quote.js';
import { nestedCommand } from './nested.js';

// All of a host's VM probes in one exec: the hypervisor runs the same nested `ssh ... -- true` as a single
// probe would, one per VM in the background, each under coreutils `timeout`, and prints `@@probe NAME CODE`
// as each ends (one short echo: a single write, so lines from parallel probes never interleave). One exec
// instead of one per VM: each exec costs the client ~0.4 ms of CPU and a channel (bench/RESULTS.md section 5).

/** Starts each line of the probe's output (parsers/probe.ts reads them). */
export const PROBE_MARK = '@@probe';

/** How long `timeout` waits after its TERM before a KILL (ssh ends on TERM; this is for one that hangs). */
export const PROBE_KILL_AFTER_S = 1;

/** Seconds as `timeout` reads them: 3000 -> "3", 2500 -> "2.5". */
const seconds = (ms: number) => String(Math.max(1, Math.round(ms)) / 1000);

/** The script probing `vms` of `host` in parallel, each answering within `timeoutMs` or reported 124. */
export function nestedProbeCommand(host: HostConfig, vms: readonly VmConfig[], timeoutMs: number): string {
  const limit = shJoin(['timeout', '-k', String(PROBE_KILL_AFTER_S), seconds(timeoutMs)]);
  const lines = vms.map((vm) => {
    const name = shq(vm.name);
    // `A && B || C &` backgrounds the whole list; in C, $? is still A's exit code (B, an echo, does not fail).
    return `${limit} ${nestedCommand(host, vm, 'true')} </dev/null >/dev/null 2>&1 && echo ${PROBE_MARK} ${name} 0 || echo ${PROBE_MARK} ${name} $? &`;
  });
  return `${lines.join('\n')}\nwait\n`;
}
