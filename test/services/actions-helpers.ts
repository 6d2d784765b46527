import { parseInventoryText } from '../../src/config/load.js';
import type { Inventory } from '../../src/config/types.js';
import { ActionService } from '../../src/services/actions.js';
import { MemoryAudit } from '../../src/services/audit.js';
import { ActionGuard } from '../../src/services/guard.js';
import { ScriptedTransport } from '../helpers/scripted-transport.js';

// A small inventory and an ActionService wired to a scripted transport, a memory audit and a fake clock.

export const INVENTORY_YAML = `hosts:
  - name: hv
    ssh: {hostname: hv.test, user: root, identityFile: /keys/hv}
    vms:
      - name: vm1
      - name: vm2
      - name: odd
        unit: 'microvm@odd\\x2dname'
    commands:
      - name: uptime
        command: uptime
        onVm: true
      - name: snap
        command: zfs snapshot {dataset}@manual
        dangerous: true
  - name: ro
    ssh: {hostname: ro.test}
    readOnly: true
    vms: [{name: vm1}]
`;

export function inventory(yaml = INVENTORY_YAML): Inventory {
  return parseInventoryText(yaml, 'test.yaml');
}

export function setup(opts: { inv?: Inventory; readOnly?: boolean } = {}) {
  const inv = opts.inv ?? inventory();
  const transport = new ScriptedTransport();
  const audit = new MemoryAudit();
  let clock = 1_000_000;
  const guard = new ActionGuard(inv, audit, opts.readOnly ?? false, () => clock);
  const svc = new ActionService({
    inventory: inv,
    transport,
    guard,
    now: () => clock,
    sleep: async (ms) => {
      clock += ms;
    },
    env: { HOME: '/home/op' },
  });
  return { inv, transport, audit, guard, svc, tick: (ms: number) => (clock += ms) };
}

export const sentCommands = (t: ScriptedTransport) => t.sent.map((s) => s.command);
