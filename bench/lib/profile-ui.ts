import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import pty from 'node-pty';
import { procCpu, uiEnv } from './app-cpu.js';
import { nodeFlags, ROOT } from './env.js';
import { openLab } from './lab.js';
import { agedOutput, captureGather, fleetDown, fleetUp, varyReplayOutput, writeLabInventory, writeReplayInventory } from './replay-fleet.js';
import { sleep } from './stats.js';

// A profiling driver, not a benchmark: the UI as it ships (dist/cli.js, `npm run build` first) on the replay fleet
// with VARIED changing every refresh, as bench/fleet.ts's last UI row, under `node --cpu-prof`. Bundle it as
// bench/run.sh bundles the benchmarks and run it inside the lab netns (the lab up, the fleet down):
//   node bench/out/profile-ui.js [HOSTS] [SECONDS] [PROFILE_DIR]

const hosts = Number(process.argv[2] ?? 20);
const seconds = Number(process.argv[3] ?? 30);
const dir = process.argv[4] ?? '/tmp/mvm-tui-profile';
mkdirSync(dir, { recursive: true });
const vms = Array.from({ length: 10 }, (_, i) => ({ name: `vm${i + 1}` }));
// The lab host with vm1..vm10, as bench/fleet.ts captures it.
const rt = await openLab(writeLabInventory('profile-ui-lab.yaml', 1, vms));
const cap = await captureGather(rt, rt.inventory.hosts[0]!);
await rt.close();
fleetUp(hosts, cap);
const unvary = varyReplayOutput(agedOutput(cap, 7_200));
try {
  const inv = writeReplayInventory('profile-ui.yaml', hosts, vms);
  // MVM_PROFILE=strace: system calls counted (strace -c -f) instead of a CPU profile; =none: neither (user and
  // system CPU from /proc, for perf record -p).
  const strace = process.env.MVM_PROFILE === 'strace';
  const none = process.env.MVM_PROFILE === 'none';
  // =perf: perf record -g of the UI (JS frames named through --perf-basic-prof) into PROFILE_DIR/perf.data.
  const perf = process.env.MVM_PROFILE === 'perf';
  const profile = perf ? ['--perf-basic-prof'] : strace || none ? [] : ['--cpu-prof', `--cpu-prof-dir=${dir}`];
  const extra = (process.env.MVM_NODE_EXTRA ?? '').split(' ').filter(Boolean); // e.g. V8 logging flags
  const cli = process.env.MVM_PROFILE_CLI ?? `${ROOT}/dist/cli.js`; // another build to compare
  const args = [...nodeFlags(), ...extra, ...profile, cli, '--config', inv];
  const [cmd, argv] = strace ? ['strace', ['-c', '-f', '-o', join(dir, 'strace.txt'), process.execPath, ...args]] : [process.execPath, args];
  const p = pty.spawn(cmd, argv, { name: 'xterm-256color', cols: 160, rows: 50, cwd: ROOT, env: uiEnv() });
  let frames = 0;
  p.onData(() => frames++);
  const warm = Number(process.env.MVM_PROFILE_WARM_S ?? 5); // seconds of start-up and warm-up not measured
  await sleep(warm * 1000);
  const c0 = procCpu(p.pid);
  const rec = perf ? spawn('perf', ['record', '-F', '997', '-g', '-o', join(dir, 'perf.data'), '-p', String(p.pid), '--', 'sleep', String(seconds)], { stdio: 'ignore' }) : undefined;
  await sleep(seconds * 1000);
  if (rec) await new Promise((r) => rec.once('exit', r));
  const c1 = procCpu(p.pid);
  const pct = (ms: number) => `${((ms / (seconds * 1000)) * 100).toFixed(2)}%`;
  console.log(`after ${warm} s, ${seconds} s: user ${pct(c1.user - c0.user)}, system ${pct(c1.system - c0.system)} of a core`);
  p.write('q');
  await Promise.race([new Promise<void>((r) => p.onExit(() => r())), sleep(5_000)]);
  console.log(`UI profiled at ${hosts} hosts, ${seconds} s after ${warm} s: ${frames} pty reads; profile in ${dir}`);
} finally {
  unvary();
  fleetDown();
}
