// Prints one remote command exactly as mvm-tui builds it for an inventory, so test/lab/vm/capture-fixtures.sh runs
// the app's own lines on the guest (bundled there with esbuild; nothing here talks to a host).
//   node app-commands.cjs INVENTORY NAME [ARG [ARG2]]
import { readFileSync } from 'node:fs';
import { parseInventoryText } from '../../../src/config/load.js';
import { hostDoctorSections, vmDoctorSections } from '../../../src/host/doctor.js';
import { eventsCommand } from '../../../src/host/events.js';
import { eventGather, gatherScript, gatherSections, linesOf, renderGatherScript, SECTION_GROUPS } from '../../../src/host/gather.js';
import { journalctlCommand } from '../../../src/host/journal.js';
import { roundsCommand } from '../../../src/host/kept-shell.js';
import { nestedProbeCommand } from '../../../src/host/nested-probe.js';
import { runnerLinksCmd } from '../../../src/host/nix.js';
import { withPgidReport } from '../../../src/host/process-group.js';
import { shJoin } from '../../../src/host/quote.js';
import { unitErrorsCmd, unitSettleCmd } from '../../../src/host/systemctl.js';
import { listUnitsCmd, unitKnownCmd } from '../../../src/host/units.js';
import { holdersCmd, snapshotFull, zfsDiffCmd, zfsGetMountedCmd, zfsGetMountpointCmd, zfsListCmd, zfsRenameCmd, zfsUnmountCmd } from '../../../src/host/zfs.js';
import { DEFAULT_VM_PROBE_TIMEOUT_MS } from '../../../src/config/schema.js';
import { setupSections } from '../../../src/checks/setup-checks.js';

const [file, name, arg = '', arg2 = ''] = process.argv.slice(2);
if (!file || !name) throw new Error('usage: app-commands INVENTORY NAME [ARG [ARG2]]');
const host = parseInventoryText(readFileSync(file, 'utf8'), file).hosts[0]!;
const vm = () => {
  const v = host.vms.find((x) => x.name === arg);
  if (!v) throw new Error(`no VM ${JSON.stringify(arg)}`);
  return v;
};

const commands: Record<string, () => string> = {
  gather: () => gatherScript(host),
  'event-script': () => eventGather(host).script,
  /** The kept shell's loop around the event-mode script (stdin: `TOKEN LINE...` per run). */
  rounds: () => roundsCommand(eventGather(host).script),
  /** Indexes of all the event script's lines, then of the counters' group (as a counters-only interval sends). */
  'all-lines': () => linesOf(eventGather(host), eventGather(host).lines.keys()).join(' '),
  'counter-lines': () => linesOf(eventGather(host), SECTION_GROUPS.counters).join(' '),
  events: () => eventsCommand(host),
  'doctor-vm': () => renderGatherScript(vmDoctorSections(host, vm())),
  'doctor-host': () => renderGatherScript([...hostDoctorSections(host), ...setupSections(host)]),
  /** With the inventory's vmAccess.probeTimeoutMs (the VM lab's sets 15 s). */
  probe: () => nestedProbeCommand(host, host.vms, host.vmAccess.probeTimeoutMs ?? DEFAULT_VM_PROBE_TIMEOUT_MS),
  /** With the default 3 s. */
  'probe-default': () => nestedProbeCommand(host, host.vms, DEFAULT_VM_PROBE_TIMEOUT_MS),
  /** The gather's runner-links section alone. */
  runners: () => renderGatherScript(gatherSections(host).filter((s) => s.name === 'runners')),
  /** A cancellable run's report of its process group (src/host/process-group.ts), around a harmless command. */
  pgid: () => withPgidReport('systemctl is-system-running'),
  settle: () => unitSettleCmd(vm().unit),
  /** What the rollback asks before stopping a VM (src/services/snapshots.ts `unitActive`). */
  'is-active': () => shJoin(['systemctl', 'is-active', vm().unit]),
  /** As after an action that took 19 s. */
  errors: () => unitErrorsCmd(vm().unit, 5, 20),
  'list-units': () => listUnitsCmd(),
  'unit-known': () => unitKnownCmd(arg),
  journal: () => journalctlCommand({ unit: vm().unit, lines: 10 }),
  'runner-links': () => runnerLinksCmd(host, vm()),
  'zfs-list': () => zfsListCmd(vm().dataset),
  /** `zfs diff -H` of the VM's dataset since snapshot ARG2 (as the browser's diff). */
  diff: () => zfsDiffCmd(snapshotFull(vm().dataset, arg2)),
  mounted: () => zfsGetMountedCmd(vm().dataset),
  mountpoint: () => zfsGetMountpointCmd(vm().dataset),
  holders: () => holdersCmd(`${host.microvmsDir}/${vm().name}`),
  umount: () => zfsUnmountCmd(vm().dataset),
  rename: () => zfsRenameCmd(vm().dataset, `${vm().dataset}-renamed`),
};
const build = commands[name];
if (!build) throw new Error(`unknown command ${name}; one of ${Object.keys(commands).join(', ')}`);
process.stdout.write(build());
