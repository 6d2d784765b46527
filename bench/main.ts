import { labReady, load, machineHeader } from './lib/env.js';
import { waitForLab } from './lib/openssh.js';
import { benchLogFlood } from './log-flood.js';
import { benchLogs } from './logs.js';
import { benchFleet } from './fleet.js';
import { benchReaction } from './reaction.js';
import { benchRefresh } from './refresh.js';
import { benchStartup } from './startup.js';
import { benchStatusCli } from './status-cli.js';

// `npm run bench [-- NAME...]`: runs the benchmarks against the lab (inside its network namespace) and prints
// each one's numbers next to the baseline measured in the same run. Reports only: a failed benchmark is
// printed and the next one runs; the exit code is always 0 so CI never fails on a number.

const benches: Array<{ name: string; title: string; run: () => Promise<void> }> = [
  { name: 'refresh', title: '1. Refresh of one host: mvm-tui vs. the seed\'s OpenSSH commands', run: benchRefresh },
  { name: 'status', title: '2. `mvm-tui status --json` as a whole process vs. a shell script of OpenSSH commands', run: benchStatusCli },
  { name: 'startup', title: '3. Start-up: spawn to first frame of the UI in a pty vs. `node -e 0`', run: benchStartup },
  { name: 'logs', title: '4. Logs: a flooding unit through the transport and tail service into a pane', run: benchLogFlood },
  { name: 'logs-pane', title: '4b. Log pane vs. the raw journalctl stream on the same connection (bench/logs.tsx, by the logs work)', run: benchLogs },
  { name: 'fleet', title: '5. Fleet: 20 hosts x 10 VMs vs. one host; CPU share while polling', run: benchFleet },
  { name: 'reaction', title: '6. Reaction: VM crash on the lab to the first status showing it', run: benchReaction },
];

async function main(argv: string[]): Promise<void> {
  const unknown = argv.filter((a) => !benches.some((b) => b.name === a));
  if (unknown.length) {
    console.log(`unknown benchmark(s): ${unknown.join(', ')}; known: ${benches.map((b) => b.name).join(', ')}`);
    return;
  }
  console.log(machineHeader());
  if (!labReady()) {
    console.log('the lab is not up (test/lab/run/inventory.yaml missing): npm run lab:up, then npm run bench');
    return;
  }
  for (const b of benches.filter((x) => !argv.length || argv.includes(x.name))) {
    console.log(`\n## ${b.title}`);
    if (!(await waitForLab())) {
      console.log('  SKIPPED: the lab did not answer for 5 minutes');
      continue;
    }
    const t0 = performance.now();
    try {
      await b.run();
    } catch (e) {
      console.log(`  FAILED: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    }
    console.log(`  (${((performance.now() - t0) / 1000).toFixed(0)} s; ${load()} at the end)`);
  }
}

main(process.argv.slice(2)).finally(() => process.exit(0));
