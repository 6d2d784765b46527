import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { statusReportSchema } from '../src/model/status.js';
import { CLI, CLI_BEFORE, cliArgs, INVENTORY } from './lib/env.js';
import { openLab } from './lib/lab.js';
import { rounds, seedProbes, seedQuestions, seedScript } from './lib/openssh.js';
import { median, ms, ratio, table } from './lib/stats.js';

// 2. `mvm-tui status --json` as a whole process (start node, read config, connect, refresh, print, exit) vs.
// a bash script asking the seed's questions with OpenSSH: cold, and with a ControlMaster it opens itself.
// With and without the VM reachability probes (nested ssh through the hypervisor, as the seed does).

const RUNS_APP = 8;
const RUNS_SCRIPT = 3;

function run(cmd: string, args: string[]): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { maxBuffer: 64 << 20, timeout: 180_000 }, (err, stdout) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : -1) : 0;
      resolve({ code, stdout: String(stdout) });
    });
  });
}

/** n timed runs of a command; a run whose check fails (the lab went away) is thrown out and rerun. */
async function series(n: number, cmd: string, args: string[], check: (r: { code: number; stdout: string }) => boolean): Promise<{ times: number[]; codes: Set<number> }> {
  const codes = new Set<number>();
  const r = await rounds(n, async () => {
    const res = await run(cmd, args);
    codes.add(res.code);
    return check(res);
  });
  return { times: r.times, codes };
}

export async function benchStatusCli(): Promise<void> {
  const rt = await openLab();
  const host = rt.inventory.hosts[0]!;
  await rt.close();
  const vms = host.vms.map((v) => ({ name: v.name, address: v.address }));
  const dir = mkdtempSync(join(tmpdir(), 'mvm-bench-status-'));
  try {
    const questions = seedQuestions(vms.map((v) => v.name));
    const probes = seedProbes(vms);
    const scripts = {
      cold: join(dir, 'cold.sh'),
      coldProbe: join(dir, 'cold-probe.sh'),
      cm: join(dir, 'cm.sh'),
      cmProbe: join(dir, 'cm-probe.sh'),
    };
    writeFileSync(scripts.cold, seedScript(questions));
    writeFileSync(scripts.coldProbe, seedScript([...questions, ...probes]));
    writeFileSync(scripts.cm, seedScript(questions, dir));
    writeFileSync(scripts.cmProbe, seedScript([...questions, ...probes], dir));

    const valid = (r: { stdout: string }) => statusReportSchema.parse(JSON.parse(r.stdout)).hosts.every((h) => h.reachable);
    const exited0 = (r: { code: number }) => r.code === 0;
    const node = process.execPath;
    const appProbe = await series(RUNS_APP, node, cliArgs(CLI, 'status', '--json', '--config', INVENTORY), valid);
    const appNoProbe = await series(RUNS_APP, node, cliArgs(CLI, 'status', '--json', '--no-probe', '--config', INVENTORY), valid);
    const version = await series(RUNS_APP, node, cliArgs(CLI, '--version'), exited0);
    const beforeNoProbe = await series(RUNS_APP, node, cliArgs(CLI_BEFORE, 'status', '--json', '--no-probe', '--config', INVENTORY), valid);
    const beforeVersion = await series(RUNS_APP, node, cliArgs(CLI_BEFORE, '--version'), exited0);
    const bare = await series(RUNS_APP, node, ['-e', '0'], exited0);
    const cm = await series(RUNS_SCRIPT, 'bash', [scripts.cm], exited0);
    const cmProbe = await series(RUNS_SCRIPT, 'bash', [scripts.cmProbe], exited0);
    const cold = await series(RUNS_SCRIPT, 'bash', [scripts.cold], exited0);
    const coldProbe = await series(RUNS_SCRIPT, 'bash', [scripts.coldProbe], exited0);

    const a = median(appNoProbe.times);
    const ap = median(appProbe.times);
    console.log(`  exit codes of mvm-tui status: ${[...appProbe.codes, ...appNoProbe.codes].join(',')} (0 all well, 1 needs attention); ${questions.length} questions, ${probes.length} probes`);
    console.log(
      table([
        ['', 'median', 'n', 'vs mvm-tui'],
        ['mvm-tui status --json --no-probe', ms(a), String(RUNS_APP), '1x'],
        ['script, ControlMaster, no probes', ms(median(cm.times)), String(RUNS_SCRIPT), ratio(median(cm.times), a)],
        ['script, cold, no probes', ms(median(cold.times)), String(RUNS_SCRIPT), ratio(median(cold.times), a)],
        ['mvm-tui status --json (VMs probed)', ms(ap), String(RUNS_APP), '1x'],
        ['script, ControlMaster, with probes', ms(median(cmProbe.times)), String(RUNS_SCRIPT), ratio(median(cmProbe.times), ap)],
        ['script, cold, with probes', ms(median(coldProbe.times)), String(RUNS_SCRIPT), ratio(median(coldProbe.times), ap)],
      ]),
    );
    console.log('  a whole process as shipped (bin/mvm-tui, dist/ bundles its packages but ssh2, split per command) vs.');
    console.log('  the same sources split alike with ink, react, zod, yaml ... loaded from node_modules (before):');
    console.log(
      table([
        ['', 'median', 'n', 'vs node -e 0'],
        ['node -e 0', ms(median(bare.times)), String(RUNS_APP), '1x'],
        ['mvm-tui --version (as shipped)', ms(median(version.times)), String(RUNS_APP), ratio(median(version.times), median(bare.times))],
        ['mvm-tui --version (before)', ms(median(beforeVersion.times)), String(RUNS_APP), ratio(median(beforeVersion.times), median(bare.times))],
        ['status --json --no-probe (as shipped)', ms(a), String(RUNS_APP), ratio(a, median(bare.times))],
        ['status --json --no-probe (before)', ms(median(beforeNoProbe.times)), String(RUNS_APP), ratio(median(beforeNoProbe.times), median(bare.times))],
      ]),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
