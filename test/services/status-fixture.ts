import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { resolveInventory } from '../../src/config/resolve.js';
import { inventorySchema } from '../../src/config/schema.js';
import type { HostConfig, Inventory } from '../../src/config/types.js';

const dir = fileURLToPath(new URL('../fixtures/gather/', import.meta.url));

/** Real gather output captured on the lab (see test/fixtures/SOURCES.md): as the lab stands (vm1-3 running,
 *  vm4/vm5 not autostarted), and with vm1 crashed, vm2 stopped, vm3 flipped and vm5's runner link removed. */
export const labBaseline = () => readFileSync(`${dir}lab-baseline.txt`, 'utf8');
export const labTrouble = () => readFileSync(`${dir}lab-vm1-crashed-vm2-stopped-vm3-flipped-vm5-no-runner.txt`, 'utf8');
export const labScript = () => readFileSync(`${dir}lab-script.sh`, 'utf8');

/** The lab's inventory shape (host `lab`, vm1..vm5), without its addresses. */
export function labInventory(): Inventory {
  return resolveInventory(
    inventorySchema.parse(
      YAML.parse(`
hosts:
  - name: lab
    ssh: { hostname: lab.invalid, user: root }
    vms:
      - { name: vm1, role: desktop }
      - { name: vm2, role: desktop }
      - { name: vm3, role: desktop }
      - { name: vm4, role: k3s }
      - { name: vm5, role: incus }
`),
    ),
    '(test)',
  );
}

export const labHost = (): HostConfig => labInventory().hosts[0]!;

/** Replaces one section's body in a gather output (for the states the capture does not show). */
export function withSection(output: string, name: string, text: string, rc = 0): string {
  const re = new RegExp(`(@@mvm ${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\n)[\\s\\S]*?@@rc \\d+\\n`);
  return output.replace(re, (_m, head: string) => `${head}${text}@@rc ${rc}\n`);
}
