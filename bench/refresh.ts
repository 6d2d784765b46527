import { gatherSections, renderGatherScript, splitSections } from '../src/host/gather.js';
import { shJoin } from '../src/host/quote.js';
import { fetchHostStatus } from '../src/services/status.js';
import { hostStatusFromSections } from '../src/parsers/status-assemble.js';
import { openLab } from './lib/lab.js';
import { askAll, cold, controlMaster, rounds, seedQuestions } from './lib/openssh.js';
import { median, ms, p95, ratio, summary, table, target, timed } from './lib/stats.js';

// 1. Refresh of the whole lab host: fetchHostStatus over a warm ssh2 connection vs. the seed's questions,
// one OpenSSH command each, cold and through a warm ControlMaster. Then where mvm-tui's time goes.

const RUNS_APP = 30;
const RUNS_CM = 8;
const RUNS_COLD = 3;

export async function benchRefresh(): Promise<void> {
  const rt = await openLab();
  try {
    const host = rt.inventory.hosts[0]!;
    const questions = seedQuestions(host.vms.map((v) => v.name));
    console.log(`  ${host.vms.length} VMs; the seed's way asks ${questions.length} questions (one ssh each); mvm-tui runs one script of ${gatherSections(host).length} commands`);

    await fetchHostStatus(rt.transport, host); // connect + warm
    const appR = await rounds(RUNS_APP, async () => (await fetchHostStatus(rt.transport, host)).reachable);
    const cm = await controlMaster();
    let cmR: Awaited<ReturnType<typeof rounds>>;
    try {
      cmR = await rounds(RUNS_CM, async () => (await askAll(cm.opts, questions)) === 0);
    } finally {
      await cm.close();
    }
    const coldR = await rounds(RUNS_COLD, async () => (await askAll(cold.opts, questions)) === 0);
    const [app, cmRuns, coldRuns] = [appR.times, cmR.times, coldR.times];
    const discarded = appR.discarded + cmR.discarded + coldR.discarded;
    if (discarded) console.log(`  note: ${discarded} round(s) thrown out and rerun because the lab went away during them`);

    const a = median(app);
    console.log(
      table([
        ['', 'median', 'p95', 'n', 'vs mvm-tui'],
        ['mvm-tui fetchHostStatus (warm ssh2, kept shell)', ms(a), ms(p95(app)), String(app.length), '1x'],
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
    // The refresh's script in its kept shell (src/ssh/rounds.ts) vs. as an exec of its own, alternating.
    const kept: number[] = [];
    const own: number[] = [];
    for (let i = 0; i < 20; i++) {
      kept.push((await timed(() => rt.transport.exec({ host: host.name }, script, { reuse: true }))).ms);
      own.push((await timed(() => rt.transport.exec({ host: host.name }, script))).ms);
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
    console.log(`    the script in the kept shell: ${summary(kept)}; as an exec of its own: ${summary(own)} (${ratio(median(own), median(kept))})`);
    console.log(`    parsing ${(raw.length / 1024).toFixed(0)} KiB of output into HostStatus: ${summary(parse)}`);

    // Each command of the script timed on the host (median of 5): which questions cost the most.
    const sections = gatherSections(host);
    const perSection = new Map<string, number[]>();
    const timing = sections.map((x) => `s=$(date +%s%N); ${shJoin(x.argv)} >/dev/null 2>&1; echo ${shJoin([x.name])} $(( ($(date +%s%N) - s) / 1000 ))`).join('\n');
    for (let i = 0; i < 5; i++) {
      for (const line of (await rt.transport.exec({ host: host.name }, timing)).stdout.trim().split('\n')) {
        const [name, us] = line.split(' ');
        if (name && us) perSection.set(name, [...(perSection.get(name) ?? []), Number(us) / 1000]);
      }
    }
    const ranked = [...perSection].map(([name, xs]) => [name, median(xs)] as const).sort((x, y) => y[1] - x[1]);
    console.log(`    per command on the host (median of 5): ${ranked.map(([name, t]) => `${name} ${ms(t)}`).join(', ')}`);
  } finally {
    await rt.close();
  }
}
