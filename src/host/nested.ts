import type { HostConfig, VmConfig } from '../config/types.js';
import { shJoin, shq } from './quote.js';

// The seed's way to a VM: run `ssh` on the hypervisor with the hypervisor's own key. The VM command is
// one quoted argument: the hypervisor's shell unquotes it and ssh hands it to the VM's shell verbatim.

export function nestedCommand(host: HostConfig, vm: VmConfig, command: string): string {
  const a = host.vmAccess;
  const argv = ['ssh', '-i', a.remoteIdentityFile, '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=5', ...(a.port !== 22 ? ['-p', String(a.port)] : []), ...a.remoteSshOptions];
  return `${shJoin(argv)} ${shq(`${a.user}@${vm.address}`)} -- ${shq(command)}`;
}
