import type { VmRef } from '../store/slices/ui.js';
import type { Controller } from './controller.js';

// r / S / X: confirm naming the VM(s) and host(s), spinner on the cards, the service call, the outcome in
// the status line. Marked VMs are acted on together under one confirmation.

export type VmVerb = 'restart' | 'start' | 'stop';

export interface VmActionOutcome {
  ok: boolean;
  /** One line for the status line (e.g. the journal's last error line on failure). */
  message?: string;
}

/** The service call (src/services/actions.ts behind the guard): throws on refusal or transport failure. */
export type VmActionRunner = (verb: VmVerb, target: VmRef) => Promise<VmActionOutcome>;

export interface VmActionDeps {
  run: VmActionRunner;
  /** Asks for a fresh status so the card follows the unit (the poller's refreshNow). */
  refresh?: (host: string) => void;
  unitOf?: (target: VmRef) => string;
  now?: () => number;
}

const PAST: Record<VmVerb, string> = { restart: 'restarted', start: 'started', stop: 'stopped' };
const DOING: Record<VmVerb, string> = { restart: 'restarting', start: 'starting', stop: 'stopping' };
const WARN: Record<VmVerb, string | undefined> = {
  restart: undefined,
  start: undefined,
  stop: 'It stays down until started again (Restart=always does not bring back a stopped unit).',
};

export function describeTargets(targets: VmRef[]): string {
  const byHost = new Map<string, string[]>();
  for (const t of targets) byHost.set(t.host, [...(byHost.get(t.host) ?? []), t.vm]);
  return [...byHost].map(([h, vms]) => `${vms.join(', ')} on ${h}`).join('; ');
}

/** A warning for each VM whose card says RUNNER MISSING: systemd skips its unit (ConditionPathExists), nothing starts. */
function runnerMissing(c: Controller, targets: VmRef[]): string[] {
  const hosts = c.store.getState().hosts.byName;
  const missing = targets.filter((t) => hosts[t.host]?.status?.vms.find((v) => v.name === t.vm)?.runner === 'missing').map((t) => t.vm);
  if (!missing.length) return [];
  return [`⚠ RUNNER MISSING on ${missing.join(', ')}: systemd skips the unit, nothing starts (u rebuilds the runner)`];
}

export function registerVmActions(c: Controller, deps: VmActionDeps): void {
  const now = deps.now ?? Date.now;
  const unitOf = deps.unitOf ?? ((t: VmRef) => `microvm@${t.vm}`);
  for (const verb of ['restart', 'start', 'stop'] as const) {
    c.register(`vm.${verb}`, async ({ targets }) => {
      if (!targets.length) return c.status('no VM selected', 'warn');
      const what = describeTargets(targets);
      const hosts = new Set(targets.map((t) => t.host));
      const ok = await c.confirm({
        title: `${verb[0]!.toUpperCase()}${verb.slice(1)} ${what}?`,
        commands: targets.map((t) => `${hosts.size > 1 ? `${t.host}: ` : ''}systemctl ${verb} ${unitOf(t)}`),
        lines: [...(hosts.size === 1 ? [`on ${[...hosts][0]}`] : []), ...(verb === 'stop' ? [] : runnerMissing(c, targets)), ...(WARN[verb] ? [WARN[verb]] : [])],
        danger: true,
      });
      if (!ok) return c.status(`${verb} cancelled`);
      const { dispatch } = c.store;
      dispatch({ type: 'ui/pending', refs: targets, command: `vm.${verb}`, at: now() });
      c.status(`${DOING[verb]} ${what}...`);
      const results = await Promise.allSettled(targets.map((t) => deps.run(verb, t)));
      dispatch({ type: 'ui/pendingDone', refs: targets });
      dispatch({ type: 'ui/clearMarks' });
      for (const h of new Set(targets.map((t) => t.host))) deps.refresh?.(h);
      const failed = results
        .map((r, i) => ({ r, t: targets[i]! }))
        .filter(({ r }) => r.status === 'rejected' || !r.value.ok);
      if (failed.length) {
        // a refused or failed call never leaves a spinner behind
        dispatch({ type: 'ui/settled', refs: failed.map((f) => f.t) });
        const why = failed.map(({ r, t }) => failure(verb, t.vm, r.status === 'rejected' ? (r.reason instanceof Error ? r.reason.message : String(r.reason)) : r.value.message));
        c.status(why.join('; '), 'error');
      } else c.status(`${PAST[verb]} ${what}`, 'ok');
    });
  }
}

/** "vm1: restart failed: WHY", said once: a service message that already names the VM and the verb is not wrapped again. */
export function failure(verb: VmVerb, vm: string, message: string | undefined): string {
  let why = (message ?? '').trim();
  for (const prefix of [`${vm}: `, `${verb} failed: `, `${vm}: `]) if (why.startsWith(prefix)) why = why.slice(prefix.length);
  return why ? `${vm}: ${verb} failed: ${why}` : `${vm}: ${verb} failed`;
}
