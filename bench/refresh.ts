import { gatherSections, renderGatherScript, splitSections } from '../src/host/gather.js';
import { fetchHostStatus } from '../src/services/status.js';
import { hostStatusFromSections } from '../src/services/status-assemble.js';
import { openLab } from './lib/lab.js';
import { askAll, cold, controlMaster, seedQuestions } from './lib/openssh.js';
import { median, ms, p95, ratio, summary, table, target, timed } from './lib/stats.js';

// 1. Refresh of the whole lab host: fetchHostStatus over a warm ssh2 connection vs. the seed's questions,
// one OpenSSH command each, cold and through a warm ControlMaster. Then where mvm-tui's time goes.

const RUNS_APP = 30;
const RUNS_CM = 8;
const RUNS_COLD = 4;

export async function benchRefresh(): Promise<void> {
  const rt = await openLab();
  try {
    const host = rt.inventory.hosts[0]!;
    const questions = seedQuestions(host.vms.map((v) => v.name));
    console.log(`  ${host.vms.length} VMs; the seed's way asks ${questions.length} questions (one ssh each); mvm-tui runs one script of ${gatherSections(host).length} commands`);

    await fetchHostStatus(rt.transport, host); // connect + warm
    const app: number[] = [];
    for (let i = 0; i < RUNS_APP; i++) {
      const r = await timed(() => fetchHostStatus(rt.transport, host));
      if (!r.value.reachable) throw new Error(`lab unreachable: ${r.value.error}`);
      app.push(r.ms);
    }

    const cm = await controlMaster();
    const cmRuns: number[] = [];
    let cmFailures = 0;
    try {
      for (let i = 0; i < RUNS_CM; i++) {
        const r = await timed(() => askAll(cm.opts, questions));
        cmFailures += r.value;
        cmRuns.push(r.ms);
      }
    } finally {
      await cm.close();
    }

    const coldRuns: number[] = [];
    let coldFailures = 0;
    for (let i = 0; i < RUNS_COLD; i++) {
      const r = await timed(() => askAll(cold.opts, questions));
      coldFailures += r.value;
      coldRuns.push(r.ms);
    }
    if (cmFailures + coldFailures) console.log(`  warning: ${cmFailures + coldFailures} OpenSSH commands failed to connect (exit 255)`);

    const a = median(app);
    console.log(
      table([
        ['', 'median', 'p95', 'n', 'vs mvm-tui'],
        ['mvm-tui fetchHostStatus (warm ssh2)', ms(a), ms(p95(app)), String(app.length), '1x'],
        ['OpenSSH, warm ControlMaster', ms(median(cmRuns)), ms(p95(cmRuns)), String(cmRuns.length), ratio(median(cmRuns), a)],
        ['OpenSSH, new connection each', ms(median(coldRuns)), ms(p95(coldRuns)), String(coldRuns.length), ratio(median(coldRuns), a)],
      ]),
    );
    console.log(target('>= 5x faster than ControlMaster', median(cmRuns) / a >= 5));
    console.log(target('>= 30x faster than cold', median(coldRuns) / a >= 30));

    // Where the time goes: the bare round trip, the script on the host, and parsing here.
    const script = renderGatherScript(gatherSections(host));
    const rtt: number[] = [];
    for (let i = 0; i < 20; i++) rtt.push((await timed(() => rt.transport.exec({ host: host.name }, 'true'))).ms);
    const remote: number[] = [];
    for (let i = 0; i < 10; i++) {
      const r = await rt.transport.exec({ host: host.name }, `s=$(date +%s%N)\n{\n${script}} >/dev/null 2>&1\ne=$(date +%s%N)\necho $(( (e - s) / 1000 ))`);
      remote.push(Number(r.stdout.trim()) / 1000);
    }
    const raw = (await rt.transport.exec({ host: host.name }, script)).stdout;
    const parse: number[] = [];
    for (let i = 0; i < 200; i++) {
      const t0 = performance.now();
      hostStatusFromSections(host, splitSections(raw), { now: Date.now() });
      parse.push(performance.now() - t0);
    }
    console.log('  where one refresh spends its time:');
    console.log(`    exec of \`true\` over the warm connection (ssh channel + network): ${summary(rtt)}`);
    console.log(`    the gather script on the host (timed there): ${summary(remote)}`);
    console.log(`    parsing ${(raw.length / 1024).toFixed(0)} KiB of output into HostStatus: ${summary(parse)}`);
  } finally {
    await rt.close();
  }
}
