import type { DoctorReport } from '../../model/doctor.js';
import type { Action } from './index.js';

// The doctor pane (one at a time): the report of the last run, the check under the cursor, a notice
// with the outcome of the last fix. The doctor service fills it; DoctorPane only reads it.

export const DOCTOR_PANE = 'doctor';

export interface DoctorState {
  target: { host: string; vm?: string } | null;
  report: DoctorReport | null;
  loading: boolean;
  error: string | null;
  /** Index of the check under the cursor. */
  cursor: number;
  notice: string | null;
  /** The last lines of a failed fix's output (its stderr), shown under the notice. */
  output: string[];
}

export type DoctorAction =
  | { type: 'doctor/open'; target: { host: string; vm?: string } }
  | { type: 'doctor/loading' }
  | { type: 'doctor/report'; report: DoctorReport }
  | { type: 'doctor/error'; error: string }
  | { type: 'doctor/move'; delta: number }
  | { type: 'doctor/notice'; notice: string | null; output?: string[] }
  | { type: 'doctor/close' };

export const initialDoctor: DoctorState = { target: null, report: null, loading: false, error: null, cursor: 0, notice: null, output: [] };

export function doctorReducer(state: DoctorState = initialDoctor, action: Action): DoctorState {
  switch (action.type) {
    case 'doctor/open':
      return { ...initialDoctor, target: action.target };
    case 'doctor/loading':
      return { ...state, loading: true, error: null };
    case 'doctor/report': {
      // Land on the first failing check: that is what the operator came for.
      const first = action.report.checks.findIndex((c) => c.ok === false);
      const keep = state.report && state.report.vm === action.report.vm;
      return { ...state, loading: false, report: action.report, cursor: keep ? Math.min(state.cursor, action.report.checks.length - 1) : Math.max(0, first) };
    }
    case 'doctor/error':
      return { ...state, loading: false, error: action.error };
    case 'doctor/move': {
      const n = state.report?.checks.length ?? 0;
      return n ? { ...state, cursor: Math.max(0, Math.min(n - 1, state.cursor + action.delta)) } : state;
    }
    case 'doctor/notice':
      return { ...state, notice: action.notice, output: action.output ?? [] };
    case 'doctor/close':
      return initialDoctor;
    default:
      return state;
  }
}

export function selectedCheck(s: DoctorState) {
  return s.report?.checks[s.cursor];
}
