import { userInfo } from 'node:os';
import type { HostConfig, Inventory } from '../config/types.js';
import { Connection, type ConnectionSpec } from './connection.js';
import { dialTcp } from './dial.js';
import { dialCommand } from './proxy-command.js';
import { hostEndpoint, hostEndpointAhead, vmEndpoint, type Endpoint, type LocalEnv } from './endpoint.js';
import { KeyStore, type AskPassphrase } from './keys.js';
import { StringDecoder } from 'node:string_decoder';
import { killGroupCommand, withPgidReport } from '../host/process-group.js';
import { PgidSniffer } from './kill.js';
import { LineSplitter } from './lines.js';
import { nestedCommand } from '../host/nested.js';
import { ScriptRounds } from './rounds.js';
import { selectLines } from '../host/kept-shell.js';
import type { ConnState } from '../model/connection.js';
import { SshError, type ExecOptions, type ExecResult, type StreamHandle, type StreamHandlers, type StreamOptions, type Target, type Transport } from './types.js';

// The real Transport: one ssh2 connection per hypervisor, VMs reached through it (ProxyJump over a
// forwarded channel, or nested ssh run on the hypervisor).

export interface SshTransportOptions {
  /** Record unknown host keys (hashed) instead of refusing them; changed keys are still refused. */
  acceptNew?: boolean;
  /** Asked once per encrypted key; see ttyPassphrasePrompt in ./passphrase.js. */
  askPassphrase?: AskPassphrase;
  /** Overrides for tests: home directory (~/.ssh), local user name, ssh-agent socket, config resolver. */
  env?: Partial<LocalEnv>;
  /** Concurrent channels per connection (sshd's MaxSessions default is 10). */
  maxChannels?: number;
  backoff?: { baseMs: number; maxMs: number };
}

export { ttyPassphrasePrompt } from './passphrase.js';
export { SshError } from './types.js';

interface HostRt {
  host: HostConfig;
  endpoint?: Endpoint;
  conn?: Connection;
  vms: Map<string, Connection>;
  dial?: ConnectionSpec['dial'];
  /** Extra connections for log streams once the main one has no room left (see streamConn). */
  overflow: Connection[];
  /** Open streams per connection. */
  streams: Map<Connection, number>;
  /** Connections to ProxyJump hops in front of the host, nearest the host first. */
  hops: Connection[];
  /** The kept shell of the command exec'd with `reuse` (the status script). */
  rounds?: ScriptRounds;
}

/** Reconnect delays: an attempt costs one TCP dial and a handshake, so even a long outage is retried every 2.5 s
 *  (+-20% jitter) and a host shows reachable within a few seconds of its sshd answering again. */
export const RECONNECT_BACKOFF = { baseMs: 500, maxMs: 2500 };

/** Channels of the main connection kept free of long-lived streams, so status refreshes and actions always
 *  get one: with sshd's MaxSessions 10, ten log panes on one connection starved every refresh (lab load test). */
const EXEC_RESERVE = 2;

export function createSshTransport(inv: Inventory, opts: SshTransportOptions = {}): Transport {
  const env = localEnv(opts.env);
  const keys = new KeyStore(opts.askPassphrase);
  const listeners = new Set<(s: ConnState) => void>();
  const hosts = new Map<string, HostRt>(inv.hosts.map((h) => [h.name, { host: h, vms: new Map(), overflow: [], streams: new Map(), hops: [] }]));
  let closed = false;

  const spec = (ep: Endpoint, dial: ConnectionSpec['dial'], autoReconnect: boolean): ConnectionSpec => ({
    label: ep.label,
    address: `${ep.hostname}:${ep.port}`,
    dial,
    username: ep.user,
    keyFiles: ep.keyFiles,
    explicitKeys: ep.explicitKeys,
    agent: ep.agent,
    keys,
    hostKeys: {
      label: ep.label,
      host: ep.hostname,
      port: ep.port,
      alias: ep.hostKeyAlias,
      files: ep.knownHostsFiles,
      revokedFile: ep.revokedHostKeys,
      writeFile: ep.writeKnownHosts,
      acceptNew: ep.acceptNew,
      algorithms: ep.hostKeyAlgorithms,
    },
    readyTimeoutMs: ep.connectTimeoutMs,
    keepaliveIntervalMs: ep.keepaliveIntervalMs,
    keepaliveCountMax: ep.keepaliveCountMax,
    maxChannels: opts.maxChannels ?? 8,
    autoReconnect,
    backoff: opts.backoff ?? RECONNECT_BACKOFF,
  });

  function hostRt(name: string): HostRt {
    const rt = hosts.get(name);
    if (!rt) throw new SshError('config', name, `${name}: no such host in the inventory`);
    return rt;
  }

  function hostConn(rt: HostRt): Connection {
    if (closed) throw new SshError('closed', rt.host.name, `${rt.host.name}: transport closed`);
    if (rt.conn) return rt.conn;
    const ep = (rt.endpoint = hostEndpoint(rt.host, env, opts.acceptNew));
    const dial = (rt.dial = dialer(ep, rt));
    const conn = (rt.conn = new Connection(spec(ep, dial, true), rt.host.name));
    conn.onState((s) => listeners.forEach((l) => l(s)));
    return conn;
  }

  /** Opens the byte stream to an endpoint: TCP, its ProxyCommand, or a channel through its jump host (itself
   *  reached the same way, so `ProxyJump a,b` chains a then b). */
  function dialer(ep: Endpoint, rt: HostRt): ConnectionSpec['dial'] {
    const route = ep.route;
    if (route.kind === 'command') return () => dialCommand(route.command, ep.label);
    if (route.kind === 'jump') {
      const hop = new Connection(spec(route.via, dialer(route.via, rt), false));
      rt.hops.push(hop);
      return () => hop.forwardOut(ep.hostname, ep.port, ep.label);
    }
    return () => dialTcp(ep.hostname, ep.port, ep.connectTimeoutMs);
  }

  function vmConn(rt: HostRt, vmName: string): Connection {
    const hv = hostConn(rt);
    const existing = rt.vms.get(vmName);
    if (existing) return existing;
    const vm = rt.host.vms.find((v) => v.name === vmName)!;
    const ep = vmEndpoint(rt.host, rt.endpoint!, vm, env);
    const conn = new Connection(spec(ep, () => hv.forwardOut(ep.hostname, ep.port, ep.label), false));
    rt.vms.set(vmName, conn);
    return conn;
  }

  /** Where a new hypervisor stream goes: the main connection while it keeps EXEC_RESERVE channels free, else
   *  an overflow connection to the same server (opened on demand, reconnected on next use). */
  function streamConn(rt: HostRt, main: Connection): Connection {
    const max = opts.maxChannels ?? 8;
    if ((rt.streams.get(main) ?? 0) < Math.max(1, max - EXEC_RESERVE)) return main;
    const free = rt.overflow.find((c) => (rt.streams.get(c) ?? 0) < max);
    if (free) return free;
    const c = new Connection(spec(rt.endpoint!, rt.dial!, false), rt.host.name);
    rt.overflow.push(c);
    return c;
  }

  /** Ends a cancelled command's process group through another channel (best effort). */
  function killRemote(target: Target, pgid: number | undefined): void {
    if (closed || pgid === undefined || pgid <= 1) return;
    try {
      const { conn, command } = route(target, killGroupCommand(pgid));
      conn.run(command, { onStdout: () => undefined, onStderr: () => undefined }).done.catch(() => undefined);
    } catch {
      /* host gone from the inventory or transport closed: nothing left to end */
    }
  }

  /** The host's kept shell for `script`: a new one when the script changed (another config). Its channel counts as a
   *  stream, so log panes still leave EXEC_RESERVE channels free. */
  function roundsFor(host: string, script: string): ScriptRounds {
    const rt = hostRt(host);
    if (rt.rounds?.script === script) return rt.rounds;
    rt.rounds?.close();
    return (rt.rounds = new ScriptRounds(script, {
      open: (command, io) => {
        const conn = hostConn(rt);
        const h = conn.run(withPgidReport(command), io);
        rt.streams.set(conn, (rt.streams.get(conn) ?? 0) + 1);
        const finished = () => void rt.streams.set(conn, (rt.streams.get(conn) ?? 1) - 1);
        h.done.then(finished, finished);
        return h;
      },
      kill: (pgid) => killRemote({ host }, pgid),
    }));
  }

  /** The connection and the command to run on it for a target. */
  function route(target: Target, command: string): { conn: Connection; command: string } {
    const rt = hostRt(target.host);
    if (!target.vm) return { conn: hostConn(rt), command };
    const vm = rt.host.vms.find((v) => v.name === target.vm);
    if (!vm) throw new SshError('config', target.host, `${target.host}: no VM named "${target.vm}" in the inventory`);
    if (rt.host.vmAccess.mode === 'nested') return { conn: hostConn(rt), command: nestedCommand(rt.host, vm, command) };
    return { conn: vmConn(rt, vm.name), command };
  }

  return {
    async prepare() {
      await Promise.all([...hosts.values()].filter((rt) => !rt.endpoint).map((rt) => hostEndpointAhead(rt.host, env)));
    },
    async exec(target: Target, command: string, o: ExecOptions = {}): Promise<ExecResult> {
      if (o.reuse && !target.vm && o.stdin === undefined && !o.signal) {
        const kept = await roundsFor(target.host, command).run(o.timeoutMs, o.lines);
        if (kept) return kept;
      }
      if (o.reuse && o.lines) command = selectLines(command, o.lines);
      const r = route(target, withPgidReport(command));
      o.signal?.throwIfAborted();
      const out: Buffer[] = [];
      let stderr = '';
      const dec = new StringDecoder('utf8');
      const sniff = new PgidSniffer((text) => (stderr += text));
      const h = r.conn.run(r.command, { onStdout: (b) => out.push(b), onStderr: (b) => sniff.push(dec.write(b)), stdin: o.stdin });
      let timedOut = false;
      const stop = () => {
        h.cancel();
        killRemote(target, sniff.pgid);
      };
      const timer = o.timeoutMs ? setTimeout(() => ((timedOut = true), stop()), o.timeoutMs) : undefined;
      o.signal?.addEventListener('abort', stop, { once: true });
      try {
        const res = await h.done;
        o.signal?.throwIfAborted();
        sniff.push(dec.end());
        sniff.flush();
        if (res.dropped) stderr += `${stderr && !stderr.endsWith('\n') ? '\n' : ''}${res.dropped}\n`;
        return {
          stdout: Buffer.concat(out).toString('utf8'),
          stderr,
          code: res.code,
          ...(res.signal ? { signal: res.signal } : {}),
          ...(timedOut ? { timedOut: true } : {}),
        };
      } finally {
        clearTimeout(timer);
        o.signal?.removeEventListener('abort', stop);
      }
    },

    stream(target: Target, command: string, handlers: StreamHandlers, o: StreamOptions = {}): StreamHandle {
      let r: ReturnType<typeof route>;
      try {
        r = route(target, withPgidReport(command));
      } catch (e) {
        const done = Promise.reject(e as Error);
        done.catch(() => undefined);
        return { cancel: () => undefined, done };
      }
      const rt = hostRt(target.host);
      // Nested VM commands run on the hypervisor's connection too; ProxyJump VMs have their own.
      if (r.conn === rt.conn) r = { ...r, conn: streamConn(rt, r.conn) };
      const conn = r.conn;
      rt.streams.set(conn, (rt.streams.get(conn) ?? 0) + 1);
      const lines = new LineSplitter((l) => handlers.onLine(l));
      const dec = new StringDecoder('utf8');
      const sniff = new PgidSniffer((text) => handlers.onStderr?.(text));
      const h = r.conn.run(r.command, { onStdout: (b) => lines.push(b), onStderr: (b) => sniff.push(dec.write(b)), ...(o.holdStdin ? { keepStdinOpen: true } : {}) });
      const stop = () => {
        h.cancel();
        killRemote(target, sniff.pgid);
      };
      if (o.signal?.aborted) stop();
      else o.signal?.addEventListener('abort', stop, { once: true });
      const finished = () => void rt.streams.set(conn, (rt.streams.get(conn) ?? 1) - 1);
      h.done.then(finished, finished);
      const done = h.done.then(
        (res) => {
          lines.end();
          sniff.flush();
          o.signal?.removeEventListener('abort', stop);
          return { stdout: '', stderr: res.dropped ?? '', code: res.code, ...(res.signal ? { signal: res.signal } : {}) };
        },
        (e: unknown) => {
          o.signal?.removeEventListener('abort', stop);
          throw e;
        },
      );
      // Observers still see a rejection; a caller that only cancels must not get an unhandled one.
      done.catch(() => undefined);
      return { cancel: stop, done };
    },

    state(host: string): ConnState {
      const rt = hosts.get(host);
      return rt?.conn?.state() ?? { host, status: 'idle', since: 0 };
    },

    onState(listener: (s: ConnState) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    async close(): Promise<void> {
      closed = true;
      const all: Connection[] = [];
      for (const rt of hosts.values()) {
        rt.rounds?.close();
        all.push(...rt.vms.values());
        all.push(...rt.overflow);
        if (rt.conn) all.push(rt.conn);
        all.push(...rt.hops);
      }
      // VMs first: their sessions run inside the hypervisor's connection.
      for (const c of all) await c.close();
    },
  };
}

/** The local side: $HOME (honoured, unlike ssh), the user, the agent, the resolver; tests override any of them. */
export function localEnv(o?: Partial<LocalEnv>): LocalEnv {
  return {
    home: o?.home ?? process.env.HOME ?? userInfo().homedir,
    localUser: o?.localUser ?? safeUser(),
    agentSocket: o && 'agentSocket' in o ? o.agentSocket : process.env.SSH_AUTH_SOCK || undefined,
    resolver: o?.resolver ?? resolverFromEnv(),
  };
}

/** MVM_TUI_SSH_RESOLVER=builtin|openssh forces a resolver (default: OpenSSH when installed). */
export function resolverFromEnv(): LocalEnv['resolver'] {
  const v = process.env.MVM_TUI_SSH_RESOLVER;
  return v === 'builtin' || v === 'openssh' ? v : 'auto';
}

export function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? 'root';
  }
}
