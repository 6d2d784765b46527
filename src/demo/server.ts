// The embedded demo hypervisor: an ssh2 Server on 127.0.0.1 (random port, fresh host key) that answers
// exec requests with the demo shell, streaming output as it comes and ending a command when its channel
// closes. The app reaches it through its real SSH code path with strict host-key checking, against a
// known_hosts held in memory like the client's key (src/ssh/memory-files.ts): nothing is written to disk.

import { createRequire } from 'node:module';
import { createServer, type Socket } from 'node:net';
import type { Connection, Server } from 'ssh2';
import type { Inventory } from '../config/types.js';
import { dropMemoryFile, putMemoryFile } from '../ssh/memory-files.js';
import type { Clock } from './clock.js';
import { commandTable } from './cmd/index.js';
import { demoInventory, type DemoFiles } from './inventory.js';
import { runRepl } from './repl.js';
import { DemoShell, type Io } from './shell.js';
import { DemoHypervisor, type DemoStateOptions } from './state.js';

export interface DemoOptions extends DemoStateOptions {
  clock?: Clock;
  /** The hypervisor drops off the network `afterMs` after the demo starts listening, for `forMs` (its connections
   *  closed, new ones closed at once), for trying an unreachable host: MVM_DEMO_OUTAGE=AFTER_S:FOR_S. */
  outage?: { afterMs: number; forMs: number } | false;
}

/** MVM_DEMO_OUTAGE=AFTER_S:FOR_S (seconds), or nothing. */
export function outageFromEnv(value: string | undefined): { afterMs: number; forMs: number } | false {
  const m = /^(\d+(?:\.\d+)?):(\d+(?:\.\d+)?)$/.exec(value ?? '');
  return m ? { afterMs: Number(m[1]) * 1000, forMs: Number(m[2]) * 1000 } : false;
}

export interface Demo {
  inventory: Inventory;
  knownHostsPath: string;
  port: number;
  /** The simulated hypervisor (tests and the UI's banner may look at it). */
  hypervisor: DemoHypervisor;
  stop(): Promise<void>;
}

interface KeyPair {
  private: string;
  public: string;
}

/** A demo whose port and inventory are known; its ssh server answers once `start()` has resolved. */
export interface ListeningDemo extends Demo {
  /** Starts the ssh server (once; a connection to the port starts it too). */
  start(): Promise<void>;
}

// ssh2 (with Node's crypto, tls, http and zlib) loads when the ssh server starts, not with the demo's module:
// the UI's first frame needs only the demo's inventory (listenDemo).
const require = createRequire(import.meta.url);
const ssh2 = (): typeof import('ssh2') => require('ssh2') as typeof import('ssh2');

/**
 * A fresh ed25519 key pair that ssh2 can read back. ssh2 1.17's generateKeyPairSync writes a malformed
 * OpenSSH key about once in 300 (a 31-byte public key: a leading zero byte dropped), so check and retry.
 */
export function generateKey(comment: string): KeyPair {
  for (;;) {
    const { utils } = ssh2();
    const k = utils.generateKeyPairSync('ed25519', { comment });
    if (!(utils.parseKey(k.private) instanceof Error) && !(utils.parseKey(k.public) instanceof Error)) return k;
  }
}

export async function startDemo(opts: DemoOptions = {}): Promise<Demo> {
  const demo = await listenDemo(opts);
  try {
    await demo.start();
  } catch (e) {
    await demo.stop();
    throw e;
  }
  return demo;
}

/**
 * The demo listening on its port, with its inventory; the ssh server (ssh2, host and client keys, the files the
 * client reads) starts on start() or on the first connection, which waits for it.
 */
export async function listenDemo(opts: DemoOptions = {}): Promise<ListeningDemo> {
  const hv = new DemoHypervisor(opts);
  const tcp = createServer();
  const port = await new Promise<number>((resolve, reject) => {
    tcp.on('error', reject);
    tcp.listen(0, '127.0.0.1', () => resolve((tcp.address() as { port: number }).port));
  });
  // in memory only (no file can exist under /dev/null/); an empty client config keeps ~/.ssh/config out
  const dir = `/dev/null/mvm-tui-demo-${process.pid}-${port}`;
  const files: DemoFiles = {
    identityFile: `${dir}/id_ed25519`,
    knownHostsFile: `${dir}/known_hosts`,
    configFile: '/dev/null',
    auditLog: `${dir}/audit.jsonl`,
  };
  const clients = new Set<Connection>();
  const running = new Set<AbortController>();
  let ssh: Server | undefined;
  let starting: Promise<void> | undefined;
  // Started on a later turn: the UI asks right before it renders its first frame (the comin watch's first poll),
  // and loading ssh2 and making two keys (~50 ms) must not hold that frame back.
  const start = () =>
    (starting ??= new Promise<void>((r) => setImmediate(r)).then(async () => {
      const started = startSsh(hv, clients, running);
      ssh = started.ssh;
      putFiles(files, port, started.keys);
    }));
  const sockets = new Set<Socket>();
  let down = false;
  const timers: NodeJS.Timeout[] = [];
  if (opts.outage) {
    const { afterMs, forMs } = opts.outage;
    timers.push(
      setTimeout(() => {
        down = true;
        for (const c of clients) c.end();
        for (const sock of sockets) sock.destroy();
      }, afterMs),
      setTimeout(() => (down = false), afterMs + forMs),
    );
    for (const t of timers) t.unref();
  }
  tcp.on('connection', (socket) => {
    if (down) return void socket.destroy();
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    start().then(
      () => ssh!.injectSocket(socket),
      () => socket.destroy(),
    );
  });

  let stopped = false;
  return {
    inventory: demoInventory(port, files),
    knownHostsPath: files.knownHostsFile,
    port,
    hypervisor: hv,
    start,
    async stop() {
      if (stopped) return;
      stopped = true;
      for (const t of timers) clearTimeout(t);
      await starting?.catch(() => undefined);
      hv.dispose();
      for (const ac of running) ac.abort();
      for (const c of clients) c.end();
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => tcp.close(() => resolve()));
      dropMemoryFile(files.identityFile);
      dropMemoryFile(files.knownHostsFile);
    },
  };
}

/** What the demo's client reads, in memory: the host's key in known_hosts, its own private key. */
function putFiles(files: DemoFiles, port: number, keys: { host: KeyPair; client: KeyPair }): void {
  putMemoryFile(files.knownHostsFile, knownHostsLine(port, keys.host));
  putMemoryFile(files.identityFile, keys.client.private);
}

function knownHostsLine(port: number, host: KeyPair): string {
  return `[127.0.0.1]:${port} ${host.public.split(' ').slice(0, 2).join(' ')}\n`;
}

/** The ssh2 server that answers exec requests with the demo shell (connections are injected from listenDemo's port). */
function startSsh(hv: DemoHypervisor, clients: Set<Connection>, running: Set<AbortController>): { ssh: Server; keys: { host: KeyPair; client: KeyPair } } {
  const shell = new DemoShell(hv, commandTable);
  const hostKey = generateKey('mvm-tui demo host');
  const clientKey = generateKey('mvm-tui demo client');

  const server = new (ssh2().Server)({ hostKeys: [hostKey.private] }, (client) => {
    clients.add(client);
    // Commands of this connection: a dropped connection ends them, as sshd's SIGHUP would.
    const mine = new Set<AbortController>();
    const gone = () => {
      clients.delete(client);
      for (const ac of mine) ac.abort();
    };
    client.on('close', gone);
    client.on('error', gone);
    // Any key is welcome: the demo has nothing to protect, and this lets the user's own agent work too.
    client.on('authentication', (ctx) => (ctx.method === 'password' ? ctx.reject(['publickey']) : ctx.accept()));
    client.on('ready', () => {
      (client as unknown as { setNoDelay?: (on: boolean) => void }).setNoDelay?.(true);
      client.on('tcpip', (_accept, reject) => reject());
      client.on('session', (accept) => {
        const session = accept();
        session.on('env', (acceptEnv) => acceptEnv?.());
        // a pty and a login shell (`ssh -t`, mvm-tui's H): a prompt and the demo's commands, typed
        let pty = false;
        session.on('pty', (acceptPty) => {
          pty = true;
          acceptPty?.();
        });
        session.on('window-change', (acceptWc) => acceptWc?.());
        session.on('shell', (acceptShell) => {
          const channel = acceptShell();
          const ac = new AbortController();
          running.add(ac);
          mine.add(ac);
          const done = () => {
            ac.abort();
            running.delete(ac);
            mine.delete(ac);
          };
          channel.on('close', done);
          const io = (out: (t: string) => void) => ({ out, err: out });
          void runRepl(channel, () => '[root@hypervisor:~]# ', (line, out, signal) => shell.run(line, io(out), AbortSignal.any([signal, ac.signal])), 'mvm-tui demo hypervisor: a simulated shell (systemctl, journalctl, zfs, zpool, microvm, ssh VM CMD ...); exit or ctrl-d leaves.\n').then((code) => {
            done();
            channel.exit(code);
            channel.end();
          });
        });
        session.on('exec', (acceptExec, _reject, info) => {
          const channel = acceptExec();
          const ac = new AbortController();
          running.add(ac);
          let open = true;
          const finish = () => {
            open = false;
            ac.abort();
            running.delete(ac);
            mine.delete(ac);
          };
          // Reading stdin to its end is what lets ssh2 emit 'close' when the client closes the channel.
          channel.resume();
          channel.on('close', finish);
          mine.add(ac);
          channel.on('error', finish);
          session.on('signal', () => ac.abort());
          const io: Io = {
            out: (t: string) => {
              if (open && t) channel.write(t);
            },
            err: (t: string) => {
              if (open && t) channel.stderr.write(t);
            },
            // `ssh -t HV CMD`: CMD may be interactive (nested ssh into a VM without a command, mvm-tui's s)
            terminal: pty ? { repl: (prompt, run, banner) => runRepl(channel, () => prompt, run, banner) } : undefined,
          };
          // Start a moment later, as a real fork+exec would: a client that attaches its exit listener
          // after the exec reply would otherwise miss an instant exit status.
          new Promise((r) => setTimeout(r, 2))
            .then(() => shell.run(info.command, io, ac.signal))
            .catch((e: Error) => {
              io.err(`demo: internal error: ${e.message}\n`);
              return 1;
            })
            .then((code) => {
              running.delete(ac);
              if (!open) return;
              if (ac.signal.aborted || code === 143) channel.exit('TERM');
              else channel.exit(code);
              channel.end();
            });
        });
      });
    });
  });

  return { ssh: server, keys: { host: hostKey, client: clientKey } };
}
