import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostConfig } from '../../src/config/types.js';
import { shq } from '../../src/host/quote.js';
import { parseProbeOutput } from '../../src/parsers/probe.js';
import { openRuntime, type Runtime } from '../../src/services/runtime.js';
import { DEFAULT_VM_PROBE_TIMEOUT_MS } from '../../src/config/schema.js';
import { probeVms } from '../../src/services/status.js';
import { nestedProbeCommand } from '../../src/host/nested-probe.js';
import type { Target, Transport } from '../../src/ssh/types.js';
import { labRun } from './paths.js';

// The batched VM probe against the lab hypervisor: its real bash, coreutils `timeout` and OpenSSH run the
// nested probes of several VMs in one exec; a running VM answers, a stopped one does not, and one that never
// answers is ended by the hypervisor's `timeout` at the probe timeout.

const INVENTORY = labRun('inventory.yaml');
let rt: Runtime;
const sh = (command: string) => rt.transport.exec({ host: 'lab' }, command, { timeoutMs: 30_000 });
const host = () => rt.inventory.hosts[0]!;
const SILENT_PORT = 2299;

/** The lab transport, recording where each exec went. */
function counting(t: Transport): { transport: Transport; targets: Target[] } {
  const targets: Target[] = [];
  return { targets, transport: { ...t, exec: (target, command, opts) => (targets.push(target), t.exec(target, command, opts)), stream: t.stream.bind(t), state: t.state.bind(t), onState: t.onState.bind(t), close: t.close.bind(t) } };
}

describe.skipIf(!existsSync(INVENTORY))('VM probes on the lab hypervisor', () => {
  beforeAll(async () => {
    rt = await openRuntime({ config: INVENTORY, readOnly: false, demo: false, acceptNew: false });
    await sh('systemctl stop microvm@vm4; systemctl start microvm@vm1');
    // vm1's sshd comes up a moment after its unit.
    for (let i = 0; i < 40 && (await probeVms(rt.transport, host(), ['vm1'])).get('vm1')?.reachable !== true; i++) await new Promise((r) => setTimeout(r, 500));
  });

  afterAll(async () => {
    await rt?.close();
  });

  it('one exec on the hypervisor: the running VM is reachable, the stopped one is not', async () => {
    expect((await sh('systemctl is-active microvm@vm1 microvm@vm4; true')).stdout.split('\n').slice(0, 2)).toEqual(['active', 'inactive']);
    const c = counting(rt.transport);
    // A stopped VM's address does not answer at all on the lab's bridge: the probe timeout ends its ssh, or ssh's
    // own ConnectTimeout (5 s) does first when the inventory's probe timeout is longer (lab v2's, 15 s).
    const stoppedWhy = host().vmAccess.probeTimeoutMs < 5000 ? 'timed out' : 'ssh failed';
    expect(await probeVms(c.transport, host(), ['vm1', 'vm4'])).toEqual(
      new Map([
        ['vm1', { reachable: true, probeError: null }],
        ['vm4', { reachable: false, probeError: stoppedWhy }],
      ]),
    );
    expect(c.targets).toEqual([{ host: 'lab' }]);
  });

  it('a VM that accepts the connection and then says nothing is timed out on the hypervisor, not by ssh', async () => {
    // A listener on the hypervisor that accepts and never sends the SSH banner: ssh would wait out its
    // ConnectTimeout (5 s); `timeout` ends the probe at DEFAULT_VM_PROBE_TIMEOUT_MS first. It ends itself after 20 s.
    // One listener at a time: a run shortly before this one may have left its own (the pid file ends it).
    const listen = `alarm 20; open(my $p, ">", "/run/mvm-silent.pid") or die; print {$p} "$$\\n"; close($p); my $s = IO::Socket::INET->new(LocalAddr => "10.1.0.1", LocalPort => ${SILENT_PORT}, Listen => 5, ReuseAddr => 1) or die; my @c; push @c, $s->accept while 1`;
    await sh(`kill $(cat /run/mvm-silent.pid 2>/dev/null) 2>/dev/null; sleep 0.2; setsid perl -MIO::Socket::INET -e ${shq(listen)} </dev/null >/dev/null 2>&1 & for i in $(seq 50); do ss -ltn | grep -q 10.1.0.1:${SILENT_PORT} && break; sleep 0.1; done`);
    const vm1 = host().vms.find((v) => v.name === 'vm1')!;
    const silent: HostConfig = { ...host(), vmAccess: { ...host().vmAccess, port: SILENT_PORT, probeTimeoutMs: DEFAULT_VM_PROBE_TIMEOUT_MS }, vms: [{ ...vm1, name: 'silent', address: '10.1.0.1' }] };
    const r = await sh(nestedProbeCommand(silent, silent.vms, DEFAULT_VM_PROBE_TIMEOUT_MS));
    expect(parseProbeOutput(r.stdout, ['silent'])).toEqual(new Map([['silent', 124]]));
    expect(await probeVms(rt.transport, silent)).toEqual(new Map([['silent', { reachable: false, probeError: 'timed out' }]]));
  });
});
