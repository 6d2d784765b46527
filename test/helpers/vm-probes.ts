import { PROBE_MARK } from '../../src/host/nested-probe.js';
import type { Responder } from './scripted-transport.js';

// Answers the batched VM probe (src/host/nested-probe.ts) in a ScriptedTransport as a hypervisor would: one
// `@@probe NAME CODE` line for each VM the script probes, `code(vm)` its nested ssh's exit code (0 answered).

export const isVmProbe = (cmd: string) => cmd.includes(`echo ${PROBE_MARK} `);

/** The VMs a batched probe script asks about, in its order. */
export const probedVms = (cmd: string) => [...cmd.matchAll(new RegExp(`&& echo ${PROBE_MARK} (\\S+) 0 \\|\\|`, 'g'))].map((m) => m[1]!);

export function answerVmProbes(code: (vm: string) => number = () => 0): Responder {
  return (cmd) => ({ stdout: probedVms(cmd).map((vm) => `${PROBE_MARK} ${vm} ${code(vm)}\n`).join('') });
}
