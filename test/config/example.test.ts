import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { loadInventory, parseInventoryText } from '../../src/config/load.js';
import { STARTER_CONFIG } from '../../src/config/example.js';

// The seed's layout (../shared/seed/CLAUDE.md). Loaded and validated only: nothing here connects anywhere.
describe('examples/simple-microvm-infra.yaml', () => {
  it("describes the seed's hypervisor and its five VMs", async () => {
    const inv = await loadInventory({ config: 'examples/simple-microvm-infra.yaml' });
    expect(inv.hosts).toHaveLength(1);
    const h = inv.hosts[0]!;
    expect(h.ssh.user).toBe('root');
    expect(h.ssh.identityFile).toBe('~/.ssh/rw-ssh-key');
    expect(h.vmAccess).toMatchObject({ mode: 'nested', remoteIdentityFile: '/root/.ssh/id_ed25519' });
    expect(h.remoteFlake).toBe('/root/simple-microvm-infra');
    expect(h.deploy.command).toMatch(/^NIX_SSHOPTS="-i ~\/\.ssh\/rw-ssh-key" nixos-rebuild switch --flake \.#hypervisor --target-host root@/);
    expect(h.vms.map((v) => [v.name, v.address, v.unit, v.dataset, v.bridge])).toEqual(
      [1, 2, 3, 4, 5].map((n) => [`vm${n}`, `10.${n}.0.2`, `microvm@vm${n}`, `microvms/storage/vm${n}`, `br-vm${n}`]),
    );
    expect(h.vms.map((v) => v.role.split(' ')[0])).toEqual(['desktop', 'desktop', 'desktop', 'k3s', 'incus']);
  });

  it('keeps the seed address out of the starter file', async () => {
    const text = await readFile('examples/simple-microvm-infra.yaml', 'utf8');
    const inv = await loadInventory({ config: 'examples/simple-microvm-infra.yaml' });
    expect(text).toContain(`hostname: ${inv.hosts[0]!.ssh.hostname}`);
    expect(STARTER_CONFIG).not.toContain(inv.hosts[0]!.ssh.hostname!);
  });
});

describe('the starter file of `config init`', () => {
  it('validates as written', () => {
    const inv = parseInventoryText(STARTER_CONFIG, 'config.yaml');
    expect(inv.hosts[0]!.ssh.alias).toBe('hypervisor');
    expect(inv.hosts[0]!.vms.map((v) => v.unit)).toEqual(['microvm@vm1', 'microvm@vm2']);
  });
});
