import { openRuntime, type Runtime } from '../../src/services/runtime.js';
import { INVENTORY } from './env.js';

// The lab through mvm-tui's own runtime (real ssh2 transport, the lab inventory).

export async function openLab(config = INVENTORY): Promise<Runtime> {
  return openRuntime({ config, readOnly: false, demo: false, acceptNew: false });
}

/** Runs a shell command on the lab hypervisor over the runtime's connection; returns stdout. */
export async function labSh(rt: Runtime, command: string, host = rt.inventory.hosts[0]!.name): Promise<string> {
  const r = await rt.transport.exec({ host }, command, { timeoutMs: 60_000 });
  if (r.code !== 0) throw new Error(`lab: ${command}: exit ${r.code}: ${r.stderr.trim()}`);
  return r.stdout;
}
