import type { Duplex } from 'node:stream';
import ssh2 from 'ssh2';
import type { AnyAuthMethod, AuthenticationType, ClientChannel, ConnectConfig, NextAuthHandler } from 'ssh2';
import { isChannelOpenFailure, toSshError } from './errors.js';
import { hostKeyAlgorithmOrder, verifyHostKey, type HostKeyPolicy } from './host-keys.js';
import { keyProblem, type KeyStore } from './keys.js';
import { Limiter } from './limiter.js';
import type { ConnState } from '../model/connection.js';
import { SshError, type ExecResult } from './types.js';

// One SSH connection, shared by every command and stream to its server: connected lazily, watched by
// keepalives, re-established with jittered exponential backoff after a drop. While down, commands fail
// at once with the last error instead of queueing. Channels are capped by a limiter (sshd's MaxSessions).

export interface ConnectionSpec {
  label: string;
  /** host:port for messages. */
  address: string;
  /** Opens the byte stream the SSH session runs over (a TCP socket, or a forwarded channel). */
  dial(): Promise<Duplex>;
  username: string;
  keyFiles: string[];
  explicitKeys: string[];
  agent?: string;
  keys: KeyStore;
  hostKeys: HostKeyPolicy;
  readyTimeoutMs: number;
  keepaliveIntervalMs: number;
  /** ServerAliveCountMax: keepalives unanswered before the connection counts as lost. */
  keepaliveCountMax?: number;
  maxChannels: number;
  /** Reconnect by timer after a drop (hypervisors); otherwise only on the next use after retryAt (VMs). */
  autoReconnect: boolean;
  backoff: { baseMs: number; maxMs: number };
}

export interface ChannelIo {
  onStdout(chunk: Buffer): void;
  onStderr(chunk: Buffer): void;
  stdin?: string;
  /** Keep the channel's stdin open for RunHandle.write (a long-lived remote shell, see rounds.ts). */
  keepStdinOpen?: boolean;
}

export interface RunHandle {
  cancel(): void;
  /** Writes to the command's stdin when io.keepStdinOpen (held until the channel is open); ignored once it closed. */
  write(data: string): void;
  /** Rejects (SshError) when the command could not be started; resolves with code null on a drop or cancel. */
  done: Promise<Omit<ExecResult, 'stdout' | 'stderr'> & { dropped?: string; cancelled?: boolean }>;
}

type Client = InstanceType<typeof ssh2.Client>;

const CHANNEL_RETRIES = 4;
/** After a cancel, how long to wait for the server's channel close before settling anyway. sshd keeps a
 *  session channel open until its process exits, which the caller's kill (see kill.ts) brings about. */
const CANCEL_GRACE_MS = 1500;

export class Connection {
  private st: ConnState;
  private client?: Client;
  private limiter?: Limiter;
  private connecting?: Promise<Client>;
  private lastError?: SshError;
  private failures = 0;
  private timer?: NodeJS.Timeout;
  private closed = false;
  private readonly live = new Set<(e: SshError) => void>();
  private readonly listeners = new Set<(s: ConnState) => void>();

  constructor(
    readonly spec: ConnectionSpec,
    stateName: string = spec.label,
  ) {
    this.st = { host: stateName, status: 'idle', since: Date.now() };
  }

  state(): ConnState {
    return { ...this.st };
  }

  onState(l: (s: ConnState) => void): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  /** The connected client: connects if idle or due for a retry, fails fast while backing off. */
  ready(): Promise<Client> {
    if (this.closed) return Promise.reject(new SshError('closed', this.spec.label, `${this.spec.label}: connection closed by the program`));
    if (this.client && this.st.status === 'up') return Promise.resolve(this.client);
    if (this.connecting) return this.connecting;
    if (this.st.status === 'down' && this.lastError && (this.st.retryAt ?? 0) > Date.now()) return Promise.reject(this.lastError);
    return this.connect();
  }

  private connect(): Promise<Client> {
    clearTimeout(this.timer);
    this.setState({ status: 'connecting', error: undefined, retryAt: undefined });
    const p = this.attempt().then(
      (client) => {
        this.connecting = undefined;
        if (this.closed) {
          client.end();
          throw new SshError('closed', this.spec.label, `${this.spec.label}: connection closed by the program`);
        }
        this.client = client;
        this.limiter = new Limiter(this.spec.maxChannels);
        this.failures = 0;
        this.lastError = undefined;
        client.on('close', () => this.dropped(client));
        this.setState({ status: 'up' });
        return client;
      },
      (err: unknown) => {
        this.connecting = undefined;
        const e = toSshError(err, this.spec.label, this.spec.address);
        this.failures++;
        this.goDown(e);
        throw e;
      },
    );
    this.connecting = p;
    return p;
  }

  private async attempt(): Promise<Client> {
    const sock = await this.spec.dial();
    return new Promise<Client>((resolve, reject) => {
      const client = new ssh2.Client();
      let settled = false;
      let hostKeyError: SshError | undefined;
      const tried: string[] = [];
      const fail = (err: unknown) => {
        if (settled) return;
        settled = true;
        client.end();
        sock.destroy();
        if (hostKeyError) return reject(hostKeyError);
        const e = toSshError(err, this.spec.label, this.spec.address);
        if (e.kind === 'auth') {
          const what = tried.length ? `tried ${tried.join('; ')}` : 'no key or agent available';
          return reject(new SshError('auth', this.spec.label, `${this.spec.label}: authentication failed for ${this.spec.username} (${what}) (${this.spec.address})`));
        }
        reject(e);
      };
      client.on('ready', () => {
        if (settled) return;
        settled = true;
        resolve(client);
      });
      client.on('error', (err) => fail(err));
      client.on('close', () => fail(new Error('connection closed during the SSH handshake')));
      const hostKeyAlgos = hostKeyAlgorithmOrder(this.spec.hostKeys);
      if (!hostKeyAlgos.length) {
        const label = this.spec.label;
        return fail(new SshError('config', label, `${label}: none of HostKeyAlgorithms (${this.spec.hostKeys.algorithms?.join(',')}) is one mvm-tui supports`));
      }
      const cfg: ConnectConfig = {
        sock,
        username: this.spec.username,
        readyTimeout: this.spec.readyTimeoutMs,
        keepaliveInterval: this.spec.keepaliveIntervalMs,
        keepaliveCountMax: this.spec.keepaliveCountMax ?? 3,
        hostVerifier: (key: Buffer, verify: (ok: boolean) => void) => {
          hostKeyError = verifyHostKey(this.spec.hostKeys, key);
          verify(!hostKeyError);
        },
        authHandler: this.authHandler(tried),
        algorithms: { serverHostKey: hostKeyAlgos as never },
      };
      try {
        client.connect(cfg);
      } catch (e) {
        fail(e);
      }
    });
  }

  /** Tries the agent, then each identity file; keys are loaded (and decrypted) only when their turn comes. */
  private authHandler(tried: string[]) {
    const queue: Array<'agent' | string> = [...(this.spec.agent ? ['agent'] : []), ...this.spec.keyFiles];
    const username = this.spec.username;
    return (_left: AuthenticationType[] | null, _partial: boolean | null, next: NextAuthHandler) => {
      void (async () => {
        for (let item = queue.shift(); item !== undefined; item = queue.shift()) {
          if (item === 'agent') {
            tried.push('ssh-agent');
            return next({ type: 'agent', username, agent: this.spec.agent! } as AnyAuthMethod);
          }
          const r = await this.spec.keys.load(item);
          if (r.ok) {
            tried.push(item);
            return next({ type: 'publickey', username, key: r.key });
          }
          if (r.reason !== 'missing' || this.spec.explicitKeys.includes(item)) tried.push(keyProblem(item, r.reason));
        }
        next(false as unknown as AuthenticationType);
      })();
    };
  }

  private dropped(client: Client): void {
    if (this.client !== client) return;
    this.client = undefined;
    const e = new SshError('closed', this.spec.label, `${this.spec.label}: connection lost (${this.spec.address})`);
    this.limiter?.rejectAll(e);
    this.limiter = undefined;
    for (const abort of [...this.live]) abort(e);
    this.live.clear();
    if (this.closed) return;
    this.failures = 0;
    this.goDown(e);
  }

  private goDown(e: SshError): void {
    this.lastError = e;
    if (this.closed) return;
    const exp = Math.min(this.spec.backoff.maxMs, this.spec.backoff.baseMs * 2 ** Math.max(0, this.failures - 1));
    const delay = Math.round(exp * (0.8 + Math.random() * 0.4));
    this.setState({ status: 'down', error: e.message, retryAt: Date.now() + delay });
    if (this.spec.autoReconnect) {
      clearTimeout(this.timer);
      this.timer = setTimeout(() => {
        if (!this.closed && this.st.status === 'down' && !this.connecting) this.connect().catch(() => undefined);
      }, delay);
      this.timer.unref();
    }
  }

  private setState(patch: Partial<ConnState>): void {
    const statusChanged = patch.status !== undefined && patch.status !== this.st.status;
    this.st = { ...this.st, ...patch, since: statusChanged ? Date.now() : this.st.since };
    const snapshot = this.state();
    for (const l of this.listeners) l(snapshot);
  }

  /** Runs a command on a new channel; the slot is held until the channel closes. */
  run(command: string, io: ChannelIo): RunHandle {
    let ch: ClientChannel | undefined;
    let cancelled = false;
    let unsent = '';
    let settle!: (r: Awaited<RunHandle['done']>) => void;
    let fail!: (e: unknown) => void;
    let settled = false;
    const done = new Promise<Awaited<RunHandle['done']>>((res, rej) => {
      settle = (r) => {
        if (settled) return;
        settled = true;
        res(r);
      };
      fail = (e) => {
        if (settled) return;
        settled = true;
        rej(e);
      };
    });
    const cancel = () => {
      if (cancelled) return;
      cancelled = true;
      if (!ch) return settle({ code: null, cancelled: true });
      setTimeout(() => settle({ code: null, cancelled: true }), CANCEL_GRACE_MS).unref();
      // A signal request ends the process where sshd supports it; closing the channel covers the rest
      // (sshd closes the pipes, so the process gets EOF/SIGPIPE).
      try {
        ch.signal('TERM');
      } catch {
        /* not supported or already gone */
      }
      ch.close();
    };

    void (async () => {
      const client = await this.ready();
      const limiter = this.limiter!;
      const release = await limiter.acquire();
      if (cancelled || this.client !== client) {
        release();
        if (cancelled) return settle({ code: null, cancelled: true });
        throw new SshError('closed', this.spec.label, `${this.spec.label}: connection lost (${this.spec.address})`);
      }
      try {
        ch = await this.openChannel(client, command);
      } catch (e) {
        release();
        throw e;
      }
      let code: number | null = null;
      let signal: string | undefined;
      const abort = (e: SshError) => settle({ code: null, dropped: e.message });
      this.live.add(abort);
      ch.on('data', (b: Buffer) => io.onStdout(b));
      ch.stderr.on('data', (b: Buffer) => io.onStderr(b));
      ch.on('exit', (c: number | null, s?: string) => {
        code = typeof c === 'number' ? c : null;
        signal = s ?? undefined;
      });
      // ssh2 repeats the exit status on 'close'; 'exit' itself can fire before these listeners exist when
      // the exit-status packet arrives in the same read as the exec reply (seen on the lab with `true`).
      ch.on('close', (c?: number | null, s?: string) => {
        if (typeof c === 'number') code = c;
        if (typeof s === 'string' && s) signal = s;
        release();
        this.live.delete(abort);
        settle({ code: cancelled || signal ? null : code, ...(signal ? { signal } : {}), ...(cancelled ? { cancelled } : {}) });
      });
      if (io.keepStdinOpen) {
        if (unsent) ch.write(unsent);
        unsent = '';
      } else if (io.stdin !== undefined) ch.end(io.stdin);
      else ch.end();
      if (cancelled) {
        cancelled = false;
        cancel();
      }
    })().catch((e: unknown) => fail(toSshError(e, this.spec.label, this.spec.address)));

    const write = (data: string) => {
      if (!io.keepStdinOpen || cancelled || settled) return;
      if (ch) ch.write(data);
      else unsent += data;
    };
    return { cancel, write, done };
  }

  private async openChannel(client: Client, command: string): Promise<ClientChannel> {
    for (let i = 0; ; i++) {
      try {
        return await new Promise<ClientChannel>((res, rej) => client.exec(command, (err, ch) => (err ? rej(err) : res(ch))));
      } catch (e) {
        if (i >= CHANNEL_RETRIES || !isChannelOpenFailure(e) || this.client !== client) throw e;
        await sleep(100 * (i + 1));
      }
    }
  }

  /** A direct-tcpip channel to host:port through this connection (ProxyJump). It takes no limiter slot:
   *  sshd's MaxSessions counts sessions only, and a VM connection lives as long as the program. */
  async forwardOut(host: string, port: number, label: string): Promise<Duplex> {
    const client = await this.ready();
    try {
      return await new Promise<ClientChannel>((res, rej) => client.forwardOut('127.0.0.1', 0, host, port, (err, s) => (err ? rej(err) : res(s))));
    } catch (e) {
      const reason = e instanceof Error ? e.message.replace(/^\(SSH\) Channel open failure: /, '') : String(e);
      throw new SshError('no-route', label, `${label}: cannot reach ${host}:${port} through ${this.spec.label}: ${reason.toLowerCase()}`);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    const c = this.client;
    this.client = undefined;
    const e = new SshError('closed', this.spec.label, `${this.spec.label}: connection closed by the program`);
    this.limiter?.rejectAll(e);
    for (const abort of [...this.live]) abort(e);
    this.live.clear();
    if (c) {
      await new Promise<void>((res) => {
        const t = setTimeout(res, 1000);
        c.once('close', () => (clearTimeout(t), res()));
        c.end();
      });
    }
    this.setState({ status: 'idle', error: undefined, retryAt: undefined });
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
