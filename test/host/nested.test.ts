import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inventorySchema } from '../../src/config/schema.js';
import { resolveInventory } from '../../src/config/resolve.js';
import { nestedCommand } from '../../src/host/nested.js';

// The hypervisor-side command is run by a real /bin/sh with a stand-in `ssh` that prints its argv, so the
// test sees exactly what the hypervisor's ssh would receive: the VM command must arrive as one argument,
// byte for byte, whatever it contains.

const bin = mkdtempSync(join(tmpdir(), 'mvm-nested-'));
writeFileSync(join(bin, 'ssh'), '#!/bin/sh\nfor a in "$@"; do printf \'%s\\0\' "$a"; done\n');
chmodSync(join(bin, 'ssh'), 0o755);

const inv = resolveInventory(
  inventorySchema.parse({
    hosts: [{ name: 'lab', ssh: { hostname: 'h' }, vmAccess: { mode: 'nested', port: 2222, remoteSshOptions: ['-o', 'StrictHostKeyChecking=yes'] }, vms: [{ name: 'vm1' }] }],
  }),
  't',
);
const host = inv.hosts[0]!;
const vm = host.vms[0]!;

function argvOnHypervisor(command: string): string[] {
  const out = execFileSync('sh', ['-c', nestedCommand(host, vm, command)], { env: { PATH: `${bin}:/usr/bin:/bin` }, encoding: 'utf8' });
  return out.split('\0').slice(0, -1);
}

describe('nested ssh command', () => {
  it('is the seed-style ssh invocation with the VM command as its last argument', () => {
    expect(argvOnHypervisor(`systemctl status 'a b' "$HOME"; echo \`id\``)).toEqual([
      '-i', '/root/.ssh/id_ed25519', '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=5', '-p', '2222', '-o', 'StrictHostKeyChecking=yes', 'root@10.1.0.2', '--',
      `systemctl status 'a b' "$HOME"; echo \`id\``,
    ]);
  });

  // 150 shells: seconds on a loaded machine, so more than the default 5 s
  it('passes any command through the hypervisor shell unchanged', { timeout: 30_000 }, () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', minLength: 1 }).filter((s) => !s.includes('\0')), (cmd) => {
        expect(argvOnHypervisor(cmd).at(-1)).toBe(cmd);
      }),
      { numRuns: 150 },
    );
  });
});
