import { ActionService } from '../services/actions.js';
import { applyFix, diagnoseHost, diagnoseVm } from '../services/doctor.js';
import { ReadOnlyError } from '../services/guard.js';
import { DOCTOR_PANE, selectedCheck } from '../store/slices/doctor.js';
import type { Controller } from './controller.js';
import type { PluginContext } from './plugins.js';

// The doctor pane's commands: run it for the selected VM (d) or for the host (from the palette: doctor.host),
// move between checks, apply the selected check's fix (confirmed, guarded and audited), run it again, close.

/** Lines of a failed fix's output the pane shows under its outcome. */
const OUTPUT_SHOWN = 3;

/** A one-line message followed by a command's output, whole, for the status line and the message history. */
export function withOutput(message: string, output: string[]): string {
  const extra = output.filter((l) => l.trim() && !message.includes(l.trim()));
  return extra.length ? `${message} | ${extra.join(' | ')}` : message;
}

export interface DoctorDeps {
  run: { vm: typeof diagnoseVm; host: typeof diagnoseHost; fix: typeof applyFix };
  refresh?: (host: string) => void;
}

export function registerDoctorHandlers(c: Controller, ctx: Pick<PluginContext, 'runtime'>, deps: DoctorDeps = { run: { vm: diagnoseVm, host: diagnoseHost, fix: applyFix } }): void {
  const { store } = c;
  const d = store.dispatch;
  const rt = ctx.runtime;
  const actions = new ActionService({ inventory: rt.inventory, transport: rt.transport, guard: rt.guard });
  const st = () => store.getState().doctor;
  const hostCfg = (name: string) => rt.inventory.hosts.find((h) => h.name === name);

  const run = async () => {
    const t = st().target;
    const host = t && hostCfg(t.host);
    if (!t || !host) return;
    d({ type: 'doctor/loading' });
    try {
      const report = t.vm ? await deps.run.vm(rt.transport, host, t.vm) : await deps.run.host(rt.transport, host);
      if (st().target === t) d({ type: 'doctor/report', report });
    } catch (e) {
      d({ type: 'doctor/error', error: (e as Error).message });
    }
  };

  const open = async (target: { host: string; vm?: string }) => {
    d({ type: 'doctor/open', target });
    d({ type: 'ui/paneOpen', pane: { id: DOCTOR_PANE, kind: 'doctor', scope: 'doctor', title: `doctor ${target.vm ?? target.host}` } });
    await run();
  };

  c.register('host.doctor', async ({ selected }) => {
    if (!selected) return c.status('no VM selected', 'warn');
    await open({ host: selected.host, vm: selected.vm });
  });
  c.register('doctor.host', async ({ selected, state }) => {
    const host = selected?.host ?? state.hosts.order[0];
    if (!host) return c.status('no host', 'warn');
    await open({ host });
  });
  c.register('doctor.close', () => {
    d({ type: 'ui/paneClose', id: DOCTOR_PANE });
    d({ type: 'doctor/close' });
  });
  c.register('doctor.up', () => d({ type: 'doctor/move', delta: -1 }));
  c.register('doctor.down', () => d({ type: 'doctor/move', delta: 1 }));
  c.register('doctor.rerun', () => run());
  c.register('doctor.fix', async () => {
    const t = st().target;
    const check = selectedCheck(st());
    const host = t && hostCfg(t.host);
    if (!t || !host || !check) return;
    if (check.ok !== false || !check.fix) return c.status(check.ok === false ? 'no fix for this check' : 'this check passes', 'info');
    if (!check.fix.action) return c.status(`by hand: ${check.fix.label}`, 'info');
    const ok = await c.confirm({ title: `Fix: ${check.fix.label}?`, lines: [`on ${t.host}${t.vm ? ` for ${t.vm}` : ''}`], commands: check.fix.commands, danger: true });
    if (!ok) return;
    d({ type: 'doctor/notice', notice: `fixing: ${check.fix.label}...` });
    try {
      const r = await deps.run.fix({ transport: rt.transport, guard: rt.guard, actions }, host, t.vm, check.fix);
      // the pane keeps the output's last lines under the outcome; the status line (and the message history) get it whole
      d({ type: 'doctor/notice', notice: r.message, output: r.output.slice(-OUTPUT_SHOWN) });
      c.status(withOutput(r.message, r.output), r.ok ? 'ok' : 'error');
    } catch (e) {
      const msg = e instanceof ReadOnlyError ? `read-only: ${e.message}` : (e as Error).message;
      d({ type: 'doctor/notice', notice: msg });
      c.status(msg, 'error');
    }
    deps.refresh?.(t.host);
    await run();
  });
}

export function doctorPlugin(ctx: PluginContext): void {
  registerDoctorHandlers(ctx.controller, ctx, { run: { vm: diagnoseVm, host: diagnoseHost, fix: applyFix }, refresh: ctx.refresh });
}
