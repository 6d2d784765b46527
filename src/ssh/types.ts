import type { ConnState } from '../model/connection.js';

// The contract between the SSH layer and everything above it. Services depend on `Transport` only,
// so unit tests swap in a scripted transport; integration tests use the real one against the lab.

/** Where a command runs: the hypervisor itself, or a VM reached through it. */
export interface Target {
  host: string;
  vm?: string;
}

export interface ExecOptions {
  /** Kill the remote command (close its channel) after this long; the result then has `timedOut`. */
  timeoutMs?: number;
  signal?: AbortSignal;
  stdin?: string;
  /** The same command runs again and again (the status refresh): the transport may keep one remote shell for it and
   *  run it there each time (src/ssh/rounds.ts). Hypervisor targets only; ignored with stdin or signal. */
  reuse?: boolean;
  /** With reuse: run only these lines of the command (0-based; one command per line), in its order. */
  lines?: readonly number[];
}

export interface ExecResult {
  stdout: string;
  stderr: string;
  /** Exit code, or null when the command ended by a signal, a timeout or a dropped connection. */
  code: number | null;
  signal?: string;
  timedOut?: boolean;
}

export interface StreamHandlers {
  /** One complete line of stdout, without its newline. */
  onLine(line: string): void;
  onStderr?(text: string): void;
}

export interface StreamOptions {
  signal?: AbortSignal;
  /** Keep the command's stdin open (nothing is written) until the stream ends: the remote side can wait for its
   *  end to learn that the channel closed (the event stream, src/host/events.ts). */
  holdStdin?: boolean;
}

export interface StreamHandle {
  /** Ends the remote process (closes the channel) and settles `done`. */
  cancel(): void;
  /** Settles when the remote command exits, the stream is cancelled or the connection drops. */
  done: Promise<ExecResult>;
}

export interface Transport {
  exec(target: Target, command: string, opts?: ExecOptions): Promise<ExecResult>;
  stream(target: Target, command: string, handlers: StreamHandlers, opts?: StreamOptions): StreamHandle;
  state(host: string): ConnState;
  onState(listener: (s: ConnState) => void): () => void;
  close(): Promise<void>;
  /** Work done ahead of the first connection without blocking (the ssh transport: each host's `ssh -G`). */
  prepare?(): Promise<void>;
}

/** Errors a user can meet, each with a one-line message naming the host and the cause. */
export type SshErrorKind = 'refused' | 'timeout' | 'auth' | 'hostkey' | 'no-route' | 'dns' | 'closed' | 'channel' | 'config' | 'other';

export class SshError extends Error {
  constructor(
    readonly kind: SshErrorKind,
    readonly host: string,
    message: string,
  ) {
    super(message);
    this.name = 'SshError';
  }
}
