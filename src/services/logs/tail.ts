import { journalctlCommand } from '../../host/journal.js';
import type { StreamHandle, Transport } from '../../ssh/types.js';
import type { LogEntry } from '../../model/logs/format.js';
import { lazyEntry } from '../../parsers/lazy-entry.js';
import type { TailState, TailStatus } from '../../model/logs/tail-state.js';

// Follows one unit's journal over the host's shared connection (one channel per tail; the transport's
// limiter keeps several panes under sshd's MaxSessions). Entries are batched (~50 ms, as gemini-cli's
// useConsoleMessages) so a flood is one store update per batch. When the stream ends without being asked
// to (dropped connection, journalctl exiting) it waits with backoff and resumes strictly after the last
// __CURSOR it delivered: nothing lost, nothing twice (and cursors are also de-duplicated defensively).
// Under a flood the batches grow to 200 ms (5 frames a second) so rendering never starves the keys.

export interface TailOptions {
  host: string;
  unit: string;
  follow: boolean;
  lines?: number;
  since?: string;
}

export interface TailCallbacks<E extends LogEntry = LogEntry> {
  onEntries(batch: E[]): void;
  onState?(state: TailState): void;
}

export interface TailDeps<E extends LogEntry = LogEntry> {
  batchMs?: number;
  /** The batch interval while flooded (the last batch had FLOOD_BATCH entries or more). */
  floodBatchMs?: number;
  /** First reconnect delay, growth factor and ceiling. */
  backoff?: { initialMs: number; factor: number; maxMs: number };
  parse?: (line: string) => E | null;
  now?: () => number;
}

export interface TailHandle {
  stop(): void;
  /** The cursor of the last entry delivered. */
  readonly cursor: string | undefined;
  /** Settles once the tail is stopped or (without follow) has printed everything. */
  readonly done: Promise<void>;
}

export const DEFAULT_BACKOFF = { initialMs: 2000, factor: 2, maxMs: 30_000 };
/** A batch this big means a flood: nobody reads 20 screens a second, so slow the updates to save the CPU for keys. */
export const FLOOD_BATCH = 256;
/** A batch is handed on at once when it reaches this many lines (a pane's whole ring): when the client is
 *  behind, a 200 ms batch of a fast replay was ~60,000 entries held at once, and rss grew with it. */
export const MAX_BATCH = 10_000;
const SEEN_CURSORS = 4096;
const HEALTHY_MS = 10_000;

export function tailLogs<E extends LogEntry = LogEntry>(
  transport: Transport,
  opts: TailOptions,
  cb: TailCallbacks<E>,
  deps: TailDeps<E> = {},
): TailHandle {
  const batchMs = deps.batchMs ?? 50;
  const floodBatchMs = deps.floodBatchMs ?? 200;
  let flooded = false;
  const backoff = deps.backoff ?? DEFAULT_BACKOFF;
  const parse = deps.parse ?? (lazyEntry as unknown as (line: string) => E | null);
  const now = deps.now ?? Date.now;

  // Validate before anything is sent: a bad unit/since/lines throws JournalQueryError to the caller.
  journalctlCommand({ unit: opts.unit, follow: opts.follow, lines: opts.lines, since: opts.since });

  let cursor: string | undefined;
  const seen = new Set<string>();
  const seenOrder: string[] = [];
  let pending: E[] = [];
  let batchTimer: ReturnType<typeof setTimeout> | undefined;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let current: StreamHandle | undefined;
  let generation = 0;
  let stopped = false;
  let failures = 0; // consecutive attempts that delivered nothing
  let drops = 0;
  let status: TailStatus = 'connecting';
  let resolveDone!: () => void;
  const done = new Promise<void>((r) => (resolveDone = r));

  const setState = (s: Omit<TailState, 'drops'>) => {
    status = s.status;
    cb.onState?.({ ...s, drops });
  };

  const flush = () => {
    if (batchTimer) clearTimeout(batchTimer);
    batchTimer = undefined;
    if (!pending.length) return;
    const batch = pending;
    pending = [];
    flooded = batch.length >= FLOOD_BATCH;
    cb.onEntries(batch);
  };

  const remember = (c: string) => {
    seen.add(c);
    seenOrder.push(c);
    if (seenOrder.length > SEEN_CURSORS) seen.delete(seenOrder.shift() as string);
  };

  const start = () => {
    if (stopped) return;
    const gen = ++generation;
    const command = journalctlCommand({ unit: opts.unit, follow: opts.follow, lines: opts.lines, since: opts.since, afterCursor: cursor });
    let delivered = false;
    const startedAt = now();
    let stderr = '';
    setState({ status: 'connecting', message: cursor ? 'resuming after the last line' : undefined });
    const onLine = (line: string) => {
      if (gen !== generation || stopped) return;
      const e = parse(line);
      if (!e || !e.cursor || seen.has(e.cursor)) return;
      remember(e.cursor);
      cursor = e.cursor;
      delivered = true;
      if (status !== 'streaming') setState({ status: 'streaming' });
      pending.push(e);
      if (pending.length >= MAX_BATCH) {
        flush();
        return;
      }
      if (!batchTimer) {
        // Aligned to the wall clock, so the batches of several panes land in the same tick and the
        // store draws them in one frame.
        const every = flooded ? floodBatchMs : batchMs;
        batchTimer = setTimeout(flush, every - (now() % every));
      }
    };
    // An attempt that delivered lines or stayed up a while was healthy: the next delay starts over.
    const healthy = () => delivered || now() - startedAt >= HEALTHY_MS;
    let handle: StreamHandle;
    try {
      handle = transport.stream({ host: opts.host }, command, {
        onLine,
        onStderr: (t) => {
          stderr = (stderr + t).slice(-500);
        },
      });
    } catch (e) {
      setTimeout(() => ended(gen, false, { why: (e as Error).message }), 0);
      return;
    }
    current = handle;
    if (transport.state(opts.host).status === 'up' && status === 'connecting') setState({ status: 'streaming' });
    handle.done.then(
      (r) => ended(gen, healthy(), { code: r.code, why: describeEnd(r.code, r.signal, r.timedOut, stderr || r.stderr) }),
      (e: unknown) => ended(gen, healthy(), { why: e instanceof Error ? e.message : String(e) }),
    );
  };

  const ended = (gen: number, wasHealthy: boolean, r: { code?: number | null; why: string }) => {
    if (gen !== generation || stopped) return;
    current = undefined;
    flush();
    if (!opts.follow && r.code === 0) {
      setState({ status: 'ended' });
      resolveDone();
      return;
    }
    if (!opts.follow && typeof r.code === 'number') {
      // journalctl itself refused (bad --since, no such journal): retrying would say the same thing.
      setState({ status: 'ended', message: r.why });
      resolveDone();
      return;
    }
    drops++;
    failures = wasHealthy ? 0 : failures + 1;
    const delay = Math.min(backoff.maxMs, backoff.initialMs * backoff.factor ** Math.max(0, failures - 1));
    const retryAt = now() + delay;
    setState({ status: 'reconnecting', message: `reconnecting in ${formatDelay(delay)}: ${r.why}`, retryAt });
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      start();
    }, delay);
  };

  start();

  return {
    stop() {
      if (stopped) return;
      flush();
      stopped = true;
      generation++;
      if (retryTimer) clearTimeout(retryTimer);
      current?.cancel();
      current = undefined;
      setState({ status: 'stopped' });
      resolveDone();
    },
    get cursor() {
      return cursor;
    },
    done,
  };
}

function describeEnd(code: number | null, signal: string | undefined, timedOut: boolean | undefined, stderr: string): string {
  const last = stderr.trim().split('\n').pop()?.trim();
  if (timedOut) return 'timed out';
  if (code === null) return last ? `connection dropped (${last})` : signal ? `stream ended by signal ${signal}` : 'connection dropped';
  return `journalctl exited with code ${code}${last ? `: ${last}` : ''}`;
}

export function formatDelay(ms: number): string {
  return ms < 1000 ? `${ms}ms` : `${Math.round(ms / 100) / 10}s`;
}
