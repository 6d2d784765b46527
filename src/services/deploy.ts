import type { ChildProcess, SpawnOptions } from 'node:child_process';
import { spawn as nodeSpawn } from '../util/spawn.js';
import type { LocalCommand } from '../host/nix.js';
import { LineSplitter } from '../ssh/lines.js';
import type { Target, Transport } from '../ssh/types.js';

// Long commands (deploy, runner update, custom commands) streamed line by line with elapsed time,
// cancellable through an AbortSignal, ending in {code, lastLines, durationMs}. Local ones are spawned in
// their own process group so a cancel reaches nixos-rebuild's children (nix, ssh) too.

export interface LineInfo {
  stream: 'stdout' | 'stderr';
  /** ms since the command started. */
  elapsedMs: number;
}

export interface RunOptions {
  onLine?(line: string, info: LineInfo): void;
  signal?: AbortSignal;
}

export interface RunResult {
  /** Exit code; null when it ended by a signal, a cancel or a dropped connection. */
  code: number | null;
  signal?: string;
  /** The last lines of both streams, in arrival order. */
  lastLines: string[];
  durationMs: number;
  cancelled: boolean;
}

export const KEEP_LINES = 20;

export const runSucceeded = (r: RunResult): boolean => r.code === 0 && !r.cancelled;

export const runOutcome = (r: RunResult): 'ok' | 'failed' | 'cancelled' => (r.cancelled ? 'cancelled' : runSucceeded(r) ? 'ok' : 'failed');

export function describeRun(r: RunResult): string {
  if (r.cancelled) return `cancelled after ${seconds(r.durationMs)}`;
  if (r.code === 0) return `finished in ${seconds(r.durationMs)}`;
  const how = r.code === null ? `ended by ${r.signal ?? 'a lost connection'}` : `failed with exit code ${r.code}`;
  return `${how} after ${seconds(r.durationMs)}`;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Collects lines, keeps the tail, forwards each with its elapsed time. */
class LineSink {
  readonly last: string[] = [];
  constructor(
    private readonly started: number,
    private readonly now: () => number,
    private readonly onLine?: RunOptions['onLine'],
  ) {}
  splitter(stream: LineInfo['stream']): LineSplitter {
    return new LineSplitter((line) => this.push(line, stream));
  }
  push(line: string, stream: LineInfo['stream']): void {
    this.last.push(line);
    if (this.last.length > KEEP_LINES) this.last.shift();
    this.onLine?.(line, { stream, elapsedMs: this.now() - this.started });
  }
}

export type SpawnFn = (cmd: string, args: string[], opts: SpawnOptions) => ChildProcess;

export interface LocalRunDeps {
  spawn?: SpawnFn;
  now?: () => number;
  /** After a cancel, SIGKILL follows SIGTERM this much later. */
  killGraceMs?: number;
}

export function runLocal(cmd: LocalCommand, opts: RunOptions = {}, deps: LocalRunDeps = {}): Promise<RunResult> {
  const now = deps.now ?? Date.now;
  const started = now();
  const sink = new LineSink(started, now, opts.onLine);
  if (opts.signal?.aborted) return Promise.resolve({ code: null, lastLines: [], durationMs: 0, cancelled: true });
  return new Promise((resolve) => {
    let cancelled = false;
    let settled = false;
    const [file, ...args] = cmd.argv;
    const child = (deps.spawn ?? nodeSpawn)(file!, args, {
      cwd: cmd.cwd,
      env: { ...process.env, ...cmd.env },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out = sink.splitter('stdout');
    const err = sink.splitter('stderr');
    child.stdout?.on('data', (d: Buffer) => out.push(d));
    child.stderr?.on('data', (d: Buffer) => err.push(d));
    let killTimer: NodeJS.Timeout | undefined;
    const signalGroup = (sig: NodeJS.Signals) => {
      if (!child.pid) return;
      try {
        process.kill(-child.pid, sig);
      } catch {
        child.kill(sig); // group already gone, or no group: the process itself
      }
    };
    const onAbort = () => {
      cancelled = true;
      signalGroup('SIGTERM');
      killTimer = setTimeout(() => signalGroup('SIGKILL'), deps.killGraceMs ?? 5000);
      killTimer.unref();
    };
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    const finish = (code: number | null, signal?: string) => {
      if (settled) return;
      settled = true;
      out.end();
      err.end();
      clearTimeout(killTimer);
      opts.signal?.removeEventListener('abort', onAbort);
      resolve({ code, signal, lastLines: sink.last, durationMs: now() - started, cancelled });
    };
    child.on('error', (e: NodeJS.ErrnoException) => {
      sink.push(e.code === 'ENOENT' ? `${file}: command not found` : `${file}: ${e.message}`, 'stderr');
      finish(e.code === 'ENOENT' ? 127 : 126);
    });
    child.on('close', (code, signal) => finish(code, signal ?? undefined));
  });
}

export async function runRemote(transport: Transport, target: Target, command: string, opts: RunOptions = {}, now: () => number = Date.now): Promise<RunResult> {
  const started = now();
  const sink = new LineSink(started, now, opts.onLine);
  if (opts.signal?.aborted) return { code: null, lastLines: [], durationMs: 0, cancelled: true };
  const err = sink.splitter('stderr');
  const handle = transport.stream(target, command, { onLine: (l) => sink.push(l, 'stdout'), onStderr: (t) => err.push(t) }, { signal: opts.signal });
  let cancelled = false;
  let settleCancelled!: (r: { code: null }) => void;
  const onCancel = new Promise<{ code: null; signal?: string }>((r) => (settleCancelled = r));
  const onAbort = () => {
    cancelled = true;
    handle.cancel(); // closes the channel and ends its process group, which ends the remote command
    // Settled now, not when the host confirms: the outcome is known, and it reaches the audit log even when a
    // slow link (or SIGTERM's END_DEADLINE_MS) would not wait for the channel's close.
    settleCancelled({ code: null });
  };
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const r = await Promise.race([handle.done, onCancel]);
    err.end();
    return { code: r.code, signal: r.signal, lastLines: sink.last, durationMs: now() - started, cancelled };
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
  }
}
