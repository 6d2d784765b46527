import { PROBE_MARK } from '../host/nested-probe.js';

// Output of the batched VM probe (src/host/nested-probe.ts): one `@@probe NAME CODE` line per VM, in the order
// the probes end. Anything else on stdout (a login script's chatter, a cut line) is ignored.

const LINE = new RegExp(`^${PROBE_MARK} (\\S+) (\\d{1,3})$`);

/** VM name -> exit code of its nested ssh (0 answered, 124 timed out, 255 ssh failed), for the `asked` VMs
 *  only. A VM without a line, or with lines that disagree, is left out: the caller reports it unreachable. */
export function parseProbeOutput(text: string, asked: readonly string[]): Map<string, number> {
  const codes = new Map<string, number>();
  const conflicting = new Set<string>();
  if (typeof text !== 'string') return codes;
  const wanted = new Set(asked);
  for (const raw of text.split('\n')) {
    const m = LINE.exec(raw.trimEnd());
    const name = m?.[1];
    const code = Number(m?.[2]);
    if (name === undefined || !wanted.has(name) || code > 255) continue;
    const seen = codes.get(name);
    if (seen !== undefined && seen !== code) conflicting.add(name);
    codes.set(name, code);
  }
  for (const n of conflicting) codes.delete(n);
  return codes;
}

/** Why a probe that ended with `code` (not 0) did not answer, short enough for a card. `timeout` exits 124 when
 *  its limit ends the probe and 137 when it had to KILL; ssh exits 255 on its own errors (refused, host key,
 *  authentication); the shell's 127 means a command of the probe is missing on the hypervisor. */
export function probeFailure(code: number): string {
  if (code === 124 || code === 137) return 'timed out';
  if (code === 255) return 'ssh failed';
  if (code === 127) return 'ssh or timeout missing';
  return `exit ${code}`;
}
