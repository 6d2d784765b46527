// What the doctor finds: checks with their evidence and fixes, and the report of one run. The checks are
// decided in checks/doctor-checks.ts and checks/setup-checks.ts, run by services/doctor.ts. Pure types.

/** Fixes the runbook names, each carried out through the guarded action layer. */
export type FixAction = 'vm.start' | 'vm.restart' | 'vm.update' | 'pool.import' | 'dataset.mount' | 'storage.restart';

export interface Fix {
  /** What the operator confirms: "rebuild the runner of vm5". */
  label: string;
  /** An action mvm-tui can run, or undefined when the fix is advice only. */
  action?: FixAction;
  /** The exact remote command lines the fix runs, in order (each one audited as it runs), or the one to run by hand. */
  commands: string[];
}

/** Each fix's exact command lines, built by the same functions the actions run them with (see services/doctor.ts). */
export type FixCommands = Record<FixAction, string[]>;

export interface Check {
  id: string;
  title: string;
  /** null: could not be decided (timeout, no data): shown as unknown, never as passing. */
  ok: boolean | null;
  evidence: string;
  fix?: Fix;
}

export interface DoctorReport {
  host: string;
  vm?: string;
  checks: Check[];
  ok: boolean;
  durationMs: number;
}
