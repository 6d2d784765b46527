import { appendFile, mkdir, readFile, chmod } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { homedir, userInfo } from 'node:os';

// Every mutating action is appended here as one JSON line, file mode 0600.

export interface AuditEntry {
  /** ISO time the action started. */
  time: string;
  user: string;
  host: string;
  /** What was acted on: a VM name, a dataset@snapshot, a pool or unit, or the host's name (a deploy). */
  target: string;
  /** Command id, e.g. 'vm.restart', 'snapshot.rollback'. */
  action: string;
  /** The exact remote (or local) command line(s) run. */
  command: string;
  outcome: 'ok' | 'failed' | 'refused' | 'cancelled';
  durationMs: number;
  detail?: string;
}

export function defaultAuditPath(env: NodeJS.ProcessEnv = process.env): string {
  const state = env.XDG_STATE_HOME || join(homedir(), '.local', 'state');
  return join(state, 'mvm-tui', 'audit.jsonl');
}

/** The demo's own audit log: what is done to the simulated host never mixes with a real one's record. */
export function demoAuditPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(dirname(defaultAuditPath(env)), 'demo-audit.jsonl');
}

export interface AuditSink {
  record(entry: AuditEntry): Promise<void>;
}

export class AuditLog implements AuditSink {
  /** The last write: records are written one after another, so the file keeps the order they were made in. */
  private last: Promise<void> = Promise.resolve();

  constructor(readonly path: string = defaultAuditPath()) {}

  record(entry: AuditEntry): Promise<void> {
    const line = JSON.stringify(entry) + '\n';
    const write = this.last.then(async () => {
      await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
      await appendFile(this.path, line, { mode: 0o600 });
      await chmod(this.path, 0o600);
    });
    this.last = write.catch(() => {}); // a failed write is the caller's to report; the next one still runs
    return write;
  }

  async read(): Promise<AuditEntry[]> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
    const out: AuditEntry[] = [];
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      try {
        out.push(JSON.parse(line) as AuditEntry);
      } catch {
        // a torn last line (crash mid-write) is skipped, not fatal
      }
    }
    return out;
  }
}

/** An audit log kept in this process's memory only (the demo's: nothing of it reaches the disk). */
export class MemoryAuditLog extends AuditLog {
  private readonly entries: AuditEntry[] = [];
  constructor() {
    super('(memory)');
  }
  override async record(entry: AuditEntry): Promise<void> {
    this.entries.push(entry);
  }
  override async read(): Promise<AuditEntry[]> {
    return [...this.entries];
  }
}

/** An in-memory sink for tests. */
export class MemoryAudit implements AuditSink {
  readonly entries: AuditEntry[] = [];
  async record(entry: AuditEntry): Promise<void> {
    this.entries.push(entry);
  }
}

export function currentUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? 'unknown';
  }
}
