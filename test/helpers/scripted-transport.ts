import { selectLines } from '../../src/host/kept-shell.js';
import type { ConnState } from '../../src/model/connection.js';
import type { ExecOptions, ExecResult, StreamHandle, StreamHandlers, Target, Transport } from '../../src/ssh/types.js';

// A Transport for unit tests of services: answers commands from a script, records what was sent.
// It never replaces the lab in an integration test.

export type Responder = (command: string, target: Target) => Partial<ExecResult> | Promise<Partial<ExecResult>> | undefined;

export interface SentCommand {
  target: Target;
  command: string;
  kind: 'exec' | 'stream';
}

export class ScriptedTransport implements Transport {
  readonly sent: SentCommand[] = [];
  private readonly responders: Array<{ match: RegExp | string | ((cmd: string) => boolean); respond: Responder }> = [];
  private readonly listeners = new Set<(s: ConnState) => void>();
  private states = new Map<string, ConnState>();
  /** Open streams, so a test can push lines into them or end them. */
  readonly streams: Array<{ target: Target; command: string; handlers: StreamHandlers; end(result?: Partial<ExecResult>): void; cancelled: boolean }> = [];

  /** Answer commands that match (substring, RegExp or predicate); the first match wins, newest first. */
  on(match: RegExp | string | ((cmd: string) => boolean), respond: Responder | Partial<ExecResult>): this {
    this.responders.unshift({ match, respond: typeof respond === 'function' ? respond : () => respond });
    return this;
  }

  private find(command: string) {
    return this.responders.find(({ match }) =>
      typeof match === 'string' ? command.includes(match) : match instanceof RegExp ? match.test(command) : match(command),
    );
  }

  async exec(target: Target, command: string, opts?: ExecOptions): Promise<ExecResult> {
    // A run of some lines of a kept script executes just those (as the real transport's fallback does).
    if (opts?.reuse && opts.lines) command = selectLines(command, opts.lines);
    this.sent.push({ target, command, kind: 'exec' });
    const r = this.find(command);
    if (!r) return { stdout: '', stderr: `scripted: no answer for ${command}`, code: 127 };
    const out = (await r.respond(command, target)) ?? {};
    return { stdout: out.stdout ?? '', stderr: out.stderr ?? '', code: out.code === undefined ? 0 : out.code, signal: out.signal, timedOut: out.timedOut };
  }

  /** false: a cancelled stream's `done` never settles (a host that does not confirm the channel's close). */
  cancelSettles = true;

  stream(target: Target, command: string, handlers: StreamHandlers): StreamHandle {
    this.sent.push({ target, command, kind: 'stream' });
    let resolve!: (r: ExecResult) => void;
    const done = new Promise<ExecResult>((res) => (resolve = res));
    const entry = {
      target,
      command,
      handlers,
      cancelled: false,
      end: (result: Partial<ExecResult> = {}) => resolve({ stdout: '', stderr: result.stderr ?? '', code: result.code === undefined ? 0 : result.code }),
    };
    this.streams.push(entry);
    return {
      cancel: () => {
        entry.cancelled = true;
        if (this.cancelSettles) resolve({ stdout: '', stderr: '', code: null, signal: 'TERM' });
      },
      done,
    };
  }

  setState(s: Partial<ConnState> & { host: string }): void {
    const full: ConnState = { status: 'up', since: Date.now(), ...this.states.get(s.host), ...s };
    this.states.set(s.host, full);
    for (const l of this.listeners) l(full);
  }

  state(host: string): ConnState {
    return this.states.get(host) ?? { host, status: 'up', since: 0 };
  }

  onState(listener: (s: ConnState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {}
}
