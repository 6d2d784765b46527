import type { HostConfig } from '../config/types.js';
import { localDeployCommand, remoteDeployCmd, runnerUpdateCmd } from '../host/nix.js';
import { ActionService, type RunnerLinks } from '../services/actions.js';
import { describeRun, runOutcome, type RunOptions, type RunResult } from '../services/deploy.js';
import { ReadOnlyError } from '../services/guard.js';
import { expandHome } from '../services/runtime.js';
import { DEPLOY_PANE, deployRunning, describeDeploy, type DeployRun } from '../store/slices/deploy.js';
import type { VmRef } from '../store/slices/ui.js';
import type { Controller } from './controller.js';
import { describeTargets } from './vm-actions.js';
import type { PluginContext } from './plugins.js';

// D (deploy the hypervisor) and u (rebuild the runner of the selected or marked VMs): one confirmation naming
// the exact command, then the output streams into the deploy pane. One run at a time; it lives in the store,
// so closing the pane leaves it running (the status line says so) and D/u show it again. Ctrl-C in the pane
// asks, then aborts (the service closes the channel or signals the process group). A successful update whose
// runner now differs from the booted one offers the restart that applies it. Quitting (q, or Ctrl-C on the
// grid) while a run goes on asks first (y/N); yes cancels it as Ctrl-C in the pane does, waits for its end
// (so the audit log records it as cancelled), then quits.

/** How long quitting waits for a cancelled run to end (a local one is SIGKILLed 5 s after its SIGTERM). */
export const QUIT_WAIT_MS = 10_000;

export interface DeployDeps {
  deploy(host: string, opts: RunOptions): Promise<RunResult>;
  update(host: string, vm: string, opts: RunOptions): Promise<RunResult>;
  links(host: string, vm: string): Promise<RunnerLinks>;
  /** Restarts the VMs (systemctl restart, waiting for the unit): the vm.restart path of the service. */
  restart(host: string, vms: string[]): Promise<Array<{ vm: string; ok: boolean; message: string }>>;
  /** The exact commands the confirmation shows. */
  deployCommand(host: string): string;
  updateCommand(host: string, vm: string): string;
  /** The VM's systemd unit (default microvm@VM), named in the restart's confirmation. */
  unitOf?(host: string, vm: string): string;
  refresh?(host: string): void;
  now?(): number;
  /** How often streamed lines are handed to the store (ms). */
  flushMs?: number;
  /** How long quitting waits for a cancelled run to end (ms). */
  quitWaitMs?: number;
}

/** The real deps: the ActionService behind the runtime's guard (read-only refusal and audit happen there). */
export function serviceDeployDeps(rt: PluginContext['runtime'], refresh?: (host: string) => void, env: NodeJS.ProcessEnv = process.env): DeployDeps {
  const actions = new ActionService({ inventory: rt.inventory, transport: rt.transport, guard: rt.guard, env });
  const host = (name: string): HostConfig => actions.host(name);
  return {
    deploy: (h, opts) => actions.deploy(h, opts),
    update: (h, vm, opts) => actions.updateRunner(h, vm, opts),
    links: (h, vm) => actions.runnerLinks(h, vm),
    restart: async (h, vms) => (await actions.unitAction('restart', h, vms)).map((o) => ({ vm: o.vm, ok: o.ok, message: [o.message, ...o.journal.slice(-1)].join(' — ') })),
    deployCommand: (h) => {
      const cfg = host(h);
      return cfg.deploy.mode === 'local' ? localDeployCommand(cfg, (p) => expandHome(p, env)).display : remoteDeployCmd(cfg);
    },
    updateCommand: (h, vm) => runnerUpdateCmd(host(h), actions.vm(vm, h).vm),
    unitOf: (h, vm) => actions.vm(vm, h).vm.unit,
    refresh,
  };
}

/** "$ CMD" cut into lines the confirmation shows whole (it truncates long ones): at spaces where it can. */
export function commandLines(cmd: string, width = 70): string[] {
  const out: string[] = [];
  let rest = `$ ${cmd}`;
  while (rest.length > width) {
    const cut = rest.lastIndexOf(' ', width);
    const at = cut > width / 2 ? cut : width;
    out.push(rest.slice(0, at));
    rest = `    ${rest.slice(at).trimStart()}`;
  }
  out.push(rest);
  return out;
}

export function registerDeployHandlers(c: Controller, deps: DeployDeps): () => Promise<void> {
  const { store } = c;
  const d = store.dispatch;
  const now = deps.now ?? Date.now;
  const st = () => store.getState().deploy;
  let seq = 0;
  let abort: AbortController | null = null;
  /** Settles when the current run has ended (its outcome is in the store and the audit log). */
  let ended: Promise<void> = Promise.resolve();
  let markEnded = () => {};
  const waitEnded = async () => {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([ended, new Promise((r) => (timer = setTimeout(r, deps.quitWaitMs ?? QUIT_WAIT_MS)))]);
    clearTimeout(timer);
  };

  const showPane = (run: Pick<DeployRun, 'kind' | 'host' | 'vms'>) =>
    d({ type: 'ui/paneOpen', pane: { id: DEPLOY_PANE, kind: 'deploy', scope: 'deploy', title: describeDeploy(run) } });
  const paneOpen = () => store.getState().ui.panes.some((p) => p.id === DEPLOY_PANE);

  /** A run in progress is shown again instead of starting a second one. */
  const showRunning = (): boolean => {
    const run = st().run;
    if (!run || !deployRunning(st())) return false;
    showPane(run);
    c.status(`${describeDeploy(run)} is still running (Ctrl-C in its pane cancels it)`, 'warn');
    return true;
  };

  /** Streams one command into the pane; lines reach the store in batches so a flood costs one render per batch. */
  const stream = async (id: number, signal: AbortSignal, call: (opts: RunOptions) => Promise<RunResult>): Promise<RunResult> => {
    let batch: string[] = [];
    let timer: NodeJS.Timeout | null = null;
    const flush = () => {
      timer = null;
      if (batch.length) d({ type: 'deploy/lines', id, lines: batch });
      batch = [];
    };
    try {
      return await call({
        signal,
        onLine: (line) => {
          batch.push(line);
          timer ??= setTimeout(flush, deps.flushMs ?? 30);
        },
      });
    } finally {
      if (timer) clearTimeout(timer);
      flush();
    }
  };

  const start = (run: Omit<DeployRun, 'phase' | 'code' | 'durationMs' | 'lastLines' | 'summary' | 'cancelling' | 'id' | 'startedAt'>) => {
    const id = ++seq;
    abort = new AbortController();
    ended = new Promise((r) => (markEnded = r));
    setOffer([]);
    d({ type: 'deploy/start', run: { ...run, id, startedAt: now() } });
    showPane(run);
    return { id, signal: abort.signal };
  };

  const finish = (id: number, run: Pick<DeployRun, 'kind' | 'host' | 'vms'>, r: RunResult, summary: string) => {
    const phase = runOutcome(r);
    d({ type: 'deploy/end', id, phase, code: r.code, signal: r.signal, durationMs: r.durationMs, lastLines: r.lastLines, summary });
    abort = null;
    markEnded();
    const what = describeDeploy(run);
    // said in words too, so it reads without colour
    const text = phase === 'ok' ? `${what}: ${summary}` : phase === 'cancelled' ? `${what}: CANCELLED, ${summary}` : `${what}: FAILED, ${summary}`;
    c.status(paneOpen() || phase === 'ok' ? text : `${text} (D shows its output)`, phase === 'ok' ? 'ok' : phase === 'cancelled' ? 'warn' : 'error');
  };

  const refused = (e: unknown, id: number, run: Pick<DeployRun, 'kind' | 'host' | 'vms'>) => {
    const msg = e instanceof ReadOnlyError ? `read-only: ${e.message}` : e instanceof Error ? e.message : String(e);
    d({ type: 'deploy/lines', id, lines: [msg] });
    finish(id, run, { code: null, lastLines: [msg], durationMs: 0, cancelled: false }, msg);
  };

  const offDeploy = c.register('host.deploy', async ({ selected, state }) => {
    if (showRunning()) return;
    const host = selected?.host ?? state.hosts.order[0];
    if (!host) return c.status('no host', 'warn');
    const command = deps.deployCommand(host);
    const ok = await c.confirm({ title: `Deploy the hypervisor ${host}?`, lines: [...commandLines(command), 'The new system is switched to at once; running VMs keep their runner.'], danger: true });
    if (!ok) return c.status('deploy cancelled');
    const run = { kind: 'deploy' as const, host, vms: [], commands: [command] };
    const { id, signal } = start(run);
    c.status(`deploying ${host}...`);
    try {
      const r = await stream(id, signal, (opts) => deps.deploy(host, opts));
      finish(id, run, r, describeRun(r));
    } catch (e) {
      refused(e, id, run);
    }
    deps.refresh?.(host);
  });

  const offer = async (refs: VmRef[]) => {
    if (!refs.length) return;
    const names = refs.map((r) => r.vm).join(', ');
    const ok = await c.confirm({ title: `Restart ${names} now to apply it?`, lines: refs.map((r) => `${r.host}: systemctl restart ${deps.unitOf?.(r.host, r.vm) ?? `microvm@${r.vm}`}`), danger: true });
    if (ok) await restart(refs);
    else c.status(`${names}: restart needed to apply the update (r restarts it)`, 'warn');
  };

  const restart = async (refs: VmRef[]) => {
    const what = describeTargets(refs);
    d({ type: 'ui/pending', refs, command: 'vm.restart', at: now() });
    c.status(`restarting ${what}...`);
    const byHost = new Map<string, string[]>();
    for (const r of refs) byHost.set(r.host, [...(byHost.get(r.host) ?? []), r.vm]);
    const failed: string[] = [];
    for (const [host, vms] of byHost) {
      try {
        for (const o of await deps.restart(host, vms)) if (!o.ok) failed.push(o.message);
      } catch (e) {
        failed.push(`${vms.join(', ')}: ${e instanceof ReadOnlyError ? `read-only: ${e.message}` : (e as Error).message}`);
      }
      deps.refresh?.(host);
    }
    d({ type: 'ui/pendingDone', refs });
    setOffer([]);
    if (failed.length) {
      d({ type: 'ui/settled', refs });
      c.status(`restart failed: ${failed.join('; ')}`, 'error');
    } else c.status(`restarted ${what}: the update is applied`, 'ok');
  };

  const offUpdate = c.register('vm.update', async ({ targets }) => {
    if (showRunning()) return;
    if (!targets.length) return c.status('no VM selected', 'warn');
    const hosts = [...new Set(targets.map((t) => t.host))];
    if (hosts.length > 1) return c.status(`marked VMs are on several hosts (${hosts.join(', ')}): update one host at a time`, 'warn');
    const host = hosts[0]!;
    const vms = targets.map((t) => t.vm);
    const commands = vms.map((vm) => deps.updateCommand(host, vm));
    const ok = await c.confirm({
      title: `Update the runner of ${describeTargets(targets)}?`,
      lines: [...commands.flatMap((cmd) => commandLines(cmd)), `${vms.length > 1 ? 'They keep' : 'It keeps'} running the old runner until restarted.`],
      danger: true,
    });
    if (!ok) return c.status('update cancelled');
    d({ type: 'ui/clearMarks' });
    const run = { kind: 'update' as const, host, vms, commands };
    const { id, signal } = start(run);
    c.status(`updating ${vms.join(', ')}...`);
    let first: RunResult | null = null;
    let last: RunResult = { code: 0, lastLines: [], durationMs: 0, cancelled: false };
    const done: string[] = [];
    const notes: string[] = [];
    const started = now();
    try {
      for (const vm of vms) {
        if (signal.aborted) break;
        if (vms.length > 1) d({ type: 'deploy/lines', id, lines: [`── ${vm}`] });
        last = await stream(id, signal, (opts) => deps.update(host, vm, opts));
        if (runOutcome(last) === 'ok') done.push(vm);
        else {
          first ??= last;
          notes.push(`${vm} ${describeRun(last)}`);
        }
        if (last.cancelled) break;
      }
    } catch (e) {
      deps.refresh?.(host);
      return refused(e, id, run);
    }
    const r = first ?? last;
    const total = { ...r, cancelled: last.cancelled || r.cancelled, durationMs: now() - started };
    finish(id, run, total, notes.length ? notes.join('; ') : describeRun(total));
    deps.refresh?.(host);
    // only a runner that now differs from the booted one needs the restart
    const outdated: VmRef[] = [];
    for (const vm of done) {
      const l = await deps.links(host, vm).catch(() => null);
      if (l?.outdated) outdated.push({ host, vm });
    }
    setOffer(outdated);
    // offered, not asked at once: the card's "restart needed" stays in view until the operator chooses
    if (outdated.length) c.status(`${outdated.map((r) => r.vm).join(', ')}: restart needed to apply the update (r in the deploy pane)`, 'warn');
    else if (done.length) c.status(`${done.join(', ')}: runner unchanged, no restart needed`, 'ok');
  });

  // r in the pane exists only while a restart is offered, so hints and help never advertise it for nothing
  let offRestart = () => {};
  function setOffer(refs: VmRef[]) {
    d({ type: 'deploy/offer', refs });
    offRestart();
    offRestart = () => {};
    if (refs.length) offRestart = c.register('deploy.restart', () => offer(st().restartOffer));
  }

  const offClose = c.register('deploy.close', () => {
    d({ type: 'ui/paneClose', id: DEPLOY_PANE });
    const run = st().run;
    if (run && deployRunning(st())) c.status(`${describeDeploy(run)} goes on in the background (D shows it)`, 'info');
  });
  const offUp = c.register('deploy.up', () => d({ type: 'deploy/scroll', delta: -1 }));
  const offDown = c.register('deploy.down', () => d({ type: 'deploy/scroll', delta: 1 }));
  const offEnd = c.register('deploy.end', () => d({ type: 'deploy/follow' }));

  /** The running run and its abort, still current after a question was answered; else null. */
  const stillRunning = (run: DeployRun, ctl: AbortController | null) => (ctl && st().run?.id === run.id && deployRunning(st()) ? ctl : null);
  /** What Ctrl-C in the pane and quitting both do on a yes. */
  const cancel = (run: DeployRun, ctl: AbortController) => {
    d({ type: 'deploy/cancelling', id: run.id });
    c.status(`cancelling the ${describeDeploy(run)}...`, 'warn');
    ctl.abort();
  };

  // Quitting would end a run unseen (the UI's cleanup aborts it): ask first, y/N.
  const prevQuit = c.handler('app.quit');
  const offQuit = c.register('app.quit', async (ctx) => {
    const run = st().run;
    if (run?.cancelling) {
      // already being cancelled (Ctrl-C in the pane, or a quit already said yes): nothing left to ask
      c.status(`the ${describeDeploy(run)} is being cancelled; quitting when it has stopped...`, 'warn');
      await waitEnded();
    } else if (run && deployRunning(st())) {
      const ctl = abort;
      const what = run.kind === 'deploy' ? 'A deploy' : `A runner update of ${run.vms.join(', ')}`;
      const asked = c.confirm({
        title: `${what} is running on ${run.host}: quit and cancel it? y/N`,
        lines: [`y cancels it where it is (${run.kind === 'deploy' ? 'the system may be half switched' : 'the old runner stays'}), then quits.`, 'n or enter: keep it running (D shows it).'],
        danger: true,
      });
      if (!(await asked)) return;
      const live = stillRunning(run, ctl);
      if (live) {
        cancel(run, live);
        c.status(`cancelling the ${describeDeploy(run)}; quitting when it has stopped...`, 'warn');
        await waitEnded();
      }
    }
    if (prevQuit) return prevQuit(ctx);
    c.quit();
  });

  // Ctrl-C in the focused deploy pane asks to cancel the run; anywhere else it does what it did before.
  const prevInterrupt = c.handler('app.interrupt');
  const offInterrupt = c.register('app.interrupt', async (ctx) => {
    const s = store.getState();
    const ui = s.ui;
    const front = ui.dialog || ui.palette || ui.help.open || ui.filter.editing;
    const run = s.deploy.run;
    if (!front && ui.activePane === DEPLOY_PANE && run && deployRunning(s.deploy)) {
      const ctl = abort;
      const ok = await c.confirm({ title: `Cancel the ${describeDeploy(run)}?`, lines: [`It is stopped where it is: ${run.kind === 'deploy' ? 'the system may be half switched' : 'the old runner stays'}.`], danger: true });
      const live = ok ? stillRunning(run, ctl) : null;
      if (live) cancel(run, live);
      return;
    }
    if (prevInterrupt) return prevInterrupt(ctx);
    return c.run('app.quit');
  });

  // The UI's cleanup on any way out (quit, SIGTERM/SIGHUP): a run still going is cancelled, and its end awaited
  // (bounded) so the audit log records it before the connections close.
  return async () => {
    const running = abort !== null;
    abort?.abort();
    for (const off of [offDeploy, offUpdate, offRestart, offClose, offUp, offDown, offEnd, offInterrupt, offQuit]) off();
    if (prevInterrupt) c.register('app.interrupt', prevInterrupt);
    if (prevQuit) c.register('app.quit', prevQuit);
    if (running) await waitEnded();
  };
}

export function deployPlugin(ctx: PluginContext): () => void {
  return registerDeployHandlers(ctx.controller, serviceDeployDeps(ctx.runtime, ctx.refresh));
}
