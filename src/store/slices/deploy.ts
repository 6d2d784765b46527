import type { VmRef } from './ui.js';
import type { Action } from './index.js';

// The deploy pane (one run at a time): a hypervisor deploy or a runner update of one or more VMs. The run
// lives here, not in the pane, so closing the pane leaves it running in the background and D/u show it again.

export const DEPLOY_PANE = 'deploy';
/** Lines held; older ones are dropped (and counted) so a chatty build cannot grow without bound. */
export const DEPLOY_MAX_LINES = 5000;

export type DeployPhase = 'running' | 'ok' | 'failed' | 'cancelled';

export interface DeployRun {
  id: number;
  kind: 'deploy' | 'update';
  host: string;
  /** The VMs of a runner update (empty for a deploy). */
  vms: string[];
  /** The exact command(s), as the confirmation showed them. */
  commands: string[];
  startedAt: number;
  phase: DeployPhase;
  /** The first failing exit code (or the last one), null when ended by a signal/cancel/lost connection. */
  code: number | null;
  signal?: string;
  durationMs: number | null;
  /** The service's last lines (kept even when the buffer is long); one line summing up the end. */
  lastLines: string[];
  summary: string | null;
  /** A cancel was asked for and is under way. */
  cancelling: boolean;
}

export interface DeployState {
  run: DeployRun | null;
  lines: string[];
  /** Lines dropped off the front of the buffer. */
  dropped: number;
  /** Lines scrolled back from the end; 0 follows the output. */
  back: number;
  /** Updated VMs whose runner differs from the booted one: a restart applies the update. */
  restartOffer: VmRef[];
}

export type DeployAction =
  | { type: 'deploy/start'; run: Omit<DeployRun, 'phase' | 'code' | 'durationMs' | 'lastLines' | 'summary' | 'cancelling'> }
  | { type: 'deploy/lines'; id: number; lines: string[] }
  | { type: 'deploy/cancelling'; id: number }
  | { type: 'deploy/end'; id: number; phase: Exclude<DeployPhase, 'running'>; code: number | null; signal?: string; durationMs: number; lastLines: string[]; summary: string }
  | { type: 'deploy/scroll'; delta: number }
  | { type: 'deploy/follow' }
  | { type: 'deploy/offer'; refs: VmRef[] }
  | { type: 'deploy/clear' };

export const initialDeploy: DeployState = { run: null, lines: [], dropped: 0, back: 0, restartOffer: [] };

export function deployReducer(state: DeployState = initialDeploy, action: Action): DeployState {
  switch (action.type) {
    case 'deploy/start':
      return { ...initialDeploy, run: { ...action.run, phase: 'running', code: null, durationMs: null, lastLines: [], summary: null, cancelling: false } };
    case 'deploy/lines': {
      if (state.run?.id !== action.id || !action.lines.length) return state;
      const all = state.lines.concat(action.lines);
      const over = Math.max(0, all.length - DEPLOY_MAX_LINES);
      const lines = over ? all.slice(over) : all;
      // scrolled back: stay on the same lines while new ones arrive below
      const back = state.back ? Math.min(lines.length - 1, state.back + action.lines.length) : 0;
      return { ...state, lines, dropped: state.dropped + over, back };
    }
    case 'deploy/cancelling':
      return state.run?.id === action.id && state.run.phase === 'running' ? { ...state, run: { ...state.run, cancelling: true } } : state;
    case 'deploy/end': {
      if (state.run?.id !== action.id) return state;
      const { phase, code, signal, durationMs, lastLines, summary } = action;
      return { ...state, run: { ...state.run, phase, code, signal, durationMs, lastLines, summary, cancelling: false } };
    }
    case 'deploy/scroll':
      return { ...state, back: Math.max(0, Math.min(Math.max(0, state.lines.length - 1), state.back - action.delta)) };
    case 'deploy/follow':
      return state.back ? { ...state, back: 0 } : state;
    case 'deploy/offer':
      return { ...state, restartOffer: action.refs };
    case 'deploy/clear':
      return initialDeploy;
    default:
      return state;
  }
}

export const deployRunning = (s: DeployState): boolean => s.run?.phase === 'running';

/** "deploy of hv1" / "runner update of vm3 on hv1": how the run is named in titles and the status line. */
export function describeDeploy(run: Pick<DeployRun, 'kind' | 'host' | 'vms'>): string {
  return run.kind === 'deploy' ? `deploy of ${run.host}` : `runner update of ${run.vms.join(', ')} on ${run.host}`;
}
