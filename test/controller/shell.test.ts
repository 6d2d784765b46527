import { describe, expect, it } from 'vitest';
import { parseInventoryText } from '../../src/config/load.js';
import { shellArgv } from '../../src/controller/shell.js';

const inv = (vmAccess: string) =>
  parseInventoryText(
    `hosts:\n  - name: hv\n    ssh: {hostname: 127.0.0.1, user: root, port: 2222, identityFile: /keys/hv, knownHostsFile: /keys/kh}\n${vmAccess}    vms: [{name: vm1}]\n`,
    'test.yaml',
  ).hosts[0]!;

describe('interactive shell argv', () => {
  it('reaches the hypervisor with the inventory\'s key, port and known_hosts', () => {
    expect(shellArgv(inv(''))).toEqual(['ssh', '-t', '-i', '/keys/hv', '-p', '2222', '-o', 'UserKnownHostsFile=/keys/kh', '-o', 'ConnectTimeout=10', 'root@127.0.0.1']);
  });
  it('nested: runs ssh on the hypervisor with its own key, as the seed does', () => {
    const h = inv('');
    const argv = shellArgv(h, h.vms[0]);
    expect(argv.slice(0, -1)).toEqual(shellArgv(h));
    expect(argv[argv.length - 1]).toBe('ssh -t -i /root/.ssh/id_ed25519 root@10.1.0.2');
  });
  it('proxyjump: tunnels through the hypervisor with the user\'s key', () => {
    const h = inv('    vmAccess: {mode: proxyjump}\n');
    const argv = shellArgv(h, h.vms[0]);
    expect(argv).toContain('root@10.1.0.2');
    expect(argv.find((a) => a.startsWith('ProxyCommand='))).toBe("ProxyCommand=ssh -i /keys/hv -p 2222 -o UserKnownHostsFile=/keys/kh -o ConnectTimeout=10 -W %h:%p root@127.0.0.1");
  });
});
