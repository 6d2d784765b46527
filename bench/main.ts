import { labReady, load, machineHeader, nodeFlags } from './lib/env.js';
import { benchLogFlood } from './log-flood.js';
import { benchLogs } from './logs.js';
import { benchEvents } from './events.js';
import { benchFleet } from './fleet.js';
import { benchReaction } from './reaction.js';
import { benchRefresh } from './refresh.js';
import { benchStartup } from './startup.js';
import { benchStatusCli } from './status-cli.js';

// The benchmarks `npm run bench [-- NAME...]` runs (bench/run.sh) against the lab, inside its network
// namespace; each prints its numbers next to the baseline measured in the same run. They report, never fail CI.

const benches: Array<{ name: string; title: string; run: () => Promise<void> }> = [
  { name: 'refresh', title: '1. Refresh of one host: mvm-tui vs. the seed\'s OpenSSH commands', run: benchRefresh },
  { name: 'status', title: '2. `mvm-tui status --json` as a whole process vs. a shell script of OpenSSH commands', run: benchStatusCli },
  { name: 'startup', title: '3. Start-up: spawn to first frame of the UI in a pty vs. `node -e 0`', run: benchStartup },
  { name: 'logs', title: '4. Logs: a flooding unit through the transport and tail service into a pane', run: benchLogFlood },
  { name: 'logs-pane', title: '4b. Log pane vs. the raw journalctl stream on the same connection (bench/logs.tsx, by the logs work)', run: benchLogs },
  { name: 'fleet', title: '5. Fleet: 20 hosts x 10 VMs vs. one host; CPU share while polling', run: benchFleet },
  { name: 'reaction', title: '6. Reaction: VM crash on the lab to the first status showing it', run: benchReaction },
  { name: 'events', title: '8. Events vs polling: crash to grid and to `status --watch`, hypervisor CPU per watching client', run: benchEvents },
];

/**
 * `bench.js --header` prints the machine and versions; `--node-flags` bin/mvm-tui's node flags; `bench.js NAME` runs one benchmark (bench/run.sh runs
 * each in its own process: a lab rebuild makes a new network namespace, and a process left in the old one
 * could never reach the lab again). Exit 0 done, 3 failed (run.sh may run it again), 2 usage.
 */
async function main(argv: string[]): Promise<number> {
  if (argv[0] === '--header') {
    console.log(machineHeader());
    return 0;
  }
  if (argv[0] === '--node-flags') {
    console.log(nodeFlags().join(' '));
    return 0;
  }
  if (argv[0] === '--list') {
    console.log(benches.map((b) => b.name).join(' '));
    return 0;
  }
  const b = benches.find((x) => x.name === argv[0]);
  if (!b || argv.length !== 1) {
    console.log(`usage: bench.js --header | --node-flags | --list | NAME; benchmarks: ${benches.map((x) => x.name).join(', ')}`);
    return 2;
  }
  if (!labReady()) {
    console.log('the native lab is not up (test/lab/run-nspawn/inventory.yaml missing): MVM_LAB=nspawn npm run lab:up, then npm run bench');
    return 3;
  }
  // Lines are held back until the benchmark ends, so a rerun never shows half a result twice.
  const lines: string[] = [`\n## ${b.title}`];
  const print = console.log;
  console.log = (...args: unknown[]) => void lines.push(args.map(String).join(' '));
  const t0 = performance.now();
  let code = 0;
  try {
    await b.run();
  } catch (e) {
    lines.push(`  FAILED: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    code = 3;
  }
  lines.push(`  (${((performance.now() - t0) / 1000).toFixed(0)} s; ${load()} at the end)`);
  console.log = print;
  for (const l of lines) print(l);
  return code;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  () => process.exit(3),
);
