import type { Inventory } from '../config/types.js';
import { currentUser, type AuditSink } from './audit.js';

// The service-layer gate for every dangerous action: read-only refusal and the audit entry live here,
// so no view or subcommand can skip them.

export class ReadOnlyError extends Error {
  constructor(
    readonly host: string,
    readonly action: string,
  ) {
    super(`${action} refused: ${host} is read-only`);
    this.name = 'ReadOnlyError';
  }
}

export interface GuardedAction<T> {
  host: string;
  target: string;
  action: string;
  /** The exact command line that will run (recorded in the audit log). */
  command: string;
  run(): Promise<T>;
  /** Decide whether the result counts as success (default: did not throw). */
  ok?(result: T): boolean;
  /** Finer than ok(): lets a result (not only a thrown AbortError) be recorded as cancelled. */
  outcome?(result: T): 'ok' | 'failed' | 'cancelled';
  detail?(result: T): string | undefined;
}

export class ActionGuard {
  constructor(
    private readonly inventory: Pick<Inventory, 'readOnly' | 'hosts'>,
    private readonly audit: AuditSink,
    private readonly globalReadOnly = false,
    private readonly now: () => number = Date.now,
  ) {}

  isReadOnly(host: string): boolean {
    if (this.globalReadOnly || this.inventory.readOnly) return true;
    return this.inventory.hosts.find((h) => h.name === host)?.readOnly ?? false;
  }

  /** Audits a refusal made before any command was built (the UI's read-only check on a key). */
  async refused(r: { host: string; target: string; action: string; command: string }): Promise<void> {
    await this.audit.record({ time: new Date(this.now()).toISOString(), user: currentUser(), ...r, outcome: 'refused', durationMs: 0, detail: 'read-only' });
  }

  /** Refuses (and audits the refusal) when the host is read-only, else runs and audits the outcome. */
  async run<T>(a: GuardedAction<T>): Promise<T> {
    const started = this.now();
    const base = { time: new Date(started).toISOString(), user: currentUser(), host: a.host, target: a.target, action: a.action, command: a.command };
    if (this.isReadOnly(a.host)) {
      await this.audit.record({ ...base, outcome: 'refused', durationMs: 0, detail: 'read-only' });
      throw new ReadOnlyError(a.host, a.action);
    }
    try {
      const result = await a.run();
      const outcome = a.outcome ? a.outcome(result) : (a.ok ? a.ok(result) : true) ? 'ok' : 'failed';
      await this.audit.record({ ...base, outcome, durationMs: this.now() - started, detail: a.detail?.(result) });
      return result;
    } catch (e) {
      const cancelled = (e as Error).name === 'AbortError';
      await this.audit.record({ ...base, outcome: cancelled ? 'cancelled' : 'failed', durationMs: this.now() - started, detail: (e as Error).message });
      throw e;
    }
  }
}
