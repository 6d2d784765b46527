import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import ssh2 from 'ssh2';
import { generateKey } from '../../../src/demo/server.js';
import type { Connection as ServerConn, ServerChannel } from 'ssh2';

// A small in-process SSH server on 127.0.0.1 for unit tests of the connection logic: real ssh2 protocol,
// scripted commands (ssh2's server ends a command when its channel is closed, unlike sshd, so cancel is
// observed as a channel closed while its command ran; the lab test checks the real sshd and the kill). Commands: `echo TEXT`, `fail N` (exit N with stderr), `chunks` (lines split across
// writes), `forever` (runs until a signal or close), `hostname`. Tracks connections, sessions and signals.
// The kept shell of src/ssh/rounds.ts is answered too (unless `noLoops`, as a server without a POSIX shell): each
// line read runs the script's one command: `echo TEXT`, `count` (the runs so far), `slow MS`, `exit` (the shell ends).

export interface FakeSshd {
  port: number;
  hostKeyPublic: string;
  /** Raw host key blob (what known_hosts holds, base64). */
  hostKeyBlob: Buffer;
  connections: number;
  liveSockets: Set<Socket>;
  commands: string[];
  sessionsPeak: number;
  /** Channels closed by the client while their command still ran. */
  closedWhileRunning: number;
  /** Refuse sessions beyond this many concurrent ones (sshd's MaxSessions). */
  maxSessions: number;
  /** Runs served by kept shells. */
  loopRuns: number;
  dropAll(): void;
  close(): Promise<void>;
}

export interface FakeSshdOptions {
  authorizedKey: string;
  name?: string;
  /** Answer direct-tcpip (ProxyJump) requests to this port on 127.0.0.1, whatever address was asked for. */
  forwardTo?: () => number | undefined;
  maxSessions?: number;
  port?: number;
  /** Answer the kept shell's loop as an unknown command. */
  noLoops?: boolean;
}

export async function startFakeSshd(opts: FakeSshdOptions): Promise<FakeSshd> {
  // generateKey retries ssh2's occasional malformed ed25519 key (it failed this test once in CI).
  const host = generateKey('fake-sshd');
  const allowed = ssh2.utils.parseKey(opts.authorizedKey);
  if (allowed instanceof Error) throw allowed;
  const allowedPub = (Array.isArray(allowed) ? allowed[0]! : allowed).getPublicSSH();
  const state: FakeSshd = {
    port: 0,
    hostKeyPublic: host.public,
    hostKeyBlob: Buffer.from(host.public.split(' ')[1]!, 'base64'),
    connections: 0,
    liveSockets: new Set(),
    commands: [],
    sessionsPeak: 0,
    closedWhileRunning: 0,
    loopRuns: 0,
    maxSessions: opts.maxSessions ?? 10,
    dropAll: () => {
      for (const s of state.liveSockets) s.destroy();
    },
    close: async () => {
      state.dropAll();
      await new Promise((r) => tcp.close(r));
    },
  };
  let nextPid = 1000;
  const server = new ssh2.Server({ hostKeys: [host.private] }, (client: ServerConn) => {
    state.connections++;
    let sessions = 0;
    client.on('error', () => undefined);
    client.on('authentication', (ctx) => {
      if (ctx.method === 'publickey' && ctx.key.data.equals(allowedPub)) {
        if (!ctx.signature) return ctx.accept();
        const ok = ctx.key.algo && (Array.isArray(allowed) ? allowed[0]! : allowed).verify(ctx.blob!, ctx.signature, ctx.hashAlgo);
        return ok ? ctx.accept() : ctx.reject(['publickey']);
      }
      ctx.reject(['publickey']);
    });
    client.on('ready', () => {
      client.on('tcpip', (accept, reject) => {
        const port = opts.forwardTo?.();
        if (!port) return reject();
        const sock = connect({ host: '127.0.0.1', port });
        sock.once('error', () => reject());
        sock.once('connect', () => {
          const ch = accept();
          ch.pipe(sock).pipe(ch);
          sock.on('close', () => ch.close());
          ch.on('close', () => sock.destroy());
        });
      });
      client.on('session', (accept, reject) => {
        if (sessions >= state.maxSessions) return reject();
        sessions++;
        state.sessionsPeak = Math.max(state.sessionsPeak, sessions);
        const session = accept();
        let running = false;
        // The session, not the exec channel, reports the close.
        session.on('close', () => {
          sessions--;
          if (running) state.closedWhileRunning++;
        });
        session.on('exec', (acc, _rej, info) => {
          const ch = acc();
          let command = info.command;
          // The transport prefixes every command to learn its process group; answer like a shell would.
          const m = /^printf 'mvm-tui-pgid %s\\n' "\$\$" >&2; ([\s\S]*)$/.exec(command);
          if (m) {
            const pid = nextPid++;
            ch.stderr.write(`mvm-tui-pgid ${pid}\n`);
            command = m[1]!;
          }
          state.commands.push(command);
          const loop = opts.noLoops ? null : LOOP.exec(command);
          if (loop) runLoop(loop[1]!, ch, state, () => (running = true));
          else run(command, ch, opts.name ?? 'fake', () => (running = true));
        });
      });
    });
  });
  const tcp = createServer((sock: Socket) => {
    state.liveSockets.add(sock);
    sock.on('close', () => state.liveSockets.delete(sock));
    server.injectSocket(sock);
  });
  await new Promise<void>((r) => tcp.listen(opts.port ?? 0, '127.0.0.1', r));
  state.port = (tcp.address() as AddressInfo).port;
  return state;
}

/** The kept shell's loop around a one-line script (src/ssh/rounds.ts): its line is the first case. */
const LOOP = /^while read -r mvm_round mvm_lines; do\n\{\nfor mvm_l in \$mvm_lines; do\ncase \$mvm_l in\n0\) ([^\n]*)\n;;\nesac\ndone\n\} <\/dev\/null\necho "@@mvm-end \$mvm_round"\ndone$/;

function runLoop(script: string, ch: ServerChannel, state: FakeSshd, setRunning: () => void): void {
  setRunning();
  const [verb, ...rest] = script.split(' ');
  let buf = '';
  let runs = 0;
  let queue = Promise.resolve();
  ch.on('data', (b: Buffer) => {
    buf += b.toString();
    for (let nl = buf.indexOf('\n'); nl !== -1; nl = buf.indexOf('\n')) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      queue = queue.then(async () => {
        runs++;
        state.loopRuns++;
        if (verb === 'exit') {
          ch.exit(0);
          ch.end();
          return;
        }
        if (verb === 'slow') await new Promise((r) => setTimeout(r, Number(rest[0] ?? 50)));
        if (!ch.writable) return;
        ch.write(verb === 'count' ? `run ${runs}\n` : verb === 'slow' ? 'done\n' : `${rest.join(' ')}\n`);
        ch.write(`@@mvm-end ${line.split(' ')[0]}\n`);
      });
    }
  });
}

function run(command: string, ch: ServerChannel, name: string, setRunning: () => void): void {
  const [verb, ...rest] = command.split(' ');
  const finish = (code: number) => {
    ch.exit(code);
    ch.end();
  };
  switch (verb) {
    case 'echo':
      ch.write(`${rest.join(' ')}\n`);
      return finish(0);
    case 'hostname':
      ch.write(`${name}\n`);
      return finish(0);
    case 'fail':
      ch.stderr.write('it failed\n');
      return finish(Number(rest[0] ?? 1));
    case 'chunks':
      ch.write('one\r\ntw');
      setTimeout(() => {
        ch.write('o\nthr');
        setTimeout(() => {
          ch.write('ee');
          finish(0);
        }, 5);
      }, 5);
      return;
    case 'slow':
      setTimeout(() => {
        ch.write('done\n');
        finish(0);
      }, Number(rest[0] ?? 50));
      return;
    case 'forever': {
      setRunning();
      const t = setInterval(() => (ch.writable ? ch.write('tick\n') : clearInterval(t)), 10);
      ch.on('close', () => clearInterval(t));
      return;
    }
    default:
      ch.stderr.write(`unknown command: ${command}\n`);
      return finish(127);
  }
}
