// The embedded demo hypervisor: an ssh2 Server on 127.0.0.1 (random port, fresh host key) that answers
// exec requests with the demo shell, streaming output as it comes and ending a command when its channel
// closes. The app reaches it through its real SSH code path with strict host-key checking, via a
// known_hosts file written here. Nothing leaves the process except that temp directory.

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ssh2 from 'ssh2';
import type { Inventory } from '../config/types.js';
import type { Clock } from './clock.js';
import { commandTable } from './cmd/index.js';
import { demoInventory } from './inventory.js';
import { DemoShell } from './shell.js';
import { DemoHypervisor, type DemoStateOptions } from './state.js';

export interface DemoOptions extends DemoStateOptions {
  clock?: Clock;
}

export interface Demo {
  inventory: Inventory;
  knownHostsPath: string;
  port: number;
  /** The simulated hypervisor (tests and the UI's banner may look at it). */
  hypervisor: DemoHypervisor;
  stop(): Promise<void>;
}

/**
 * A fresh ed25519 key pair that ssh2 can read back. ssh2 1.17's generateKeyPairSync writes a malformed
 * OpenSSH key about once in 300 (a 31-byte public key: a leading zero byte dropped), so check and retry.
 */
export function generateKey(comment: string): { private: string; public: string } {
  for (;;) {
    const k = ssh2.utils.generateKeyPairSync('ed25519', { comment });
    if (!(ssh2.utils.parseKey(k.private) instanceof Error) && !(ssh2.utils.parseKey(k.public) instanceof Error)) return k;
  }
}

export async function startDemo(opts: DemoOptions = {}): Promise<Demo> {
  const hv = new DemoHypervisor(opts);
  const shell = new DemoShell(hv, commandTable);
  const dir = await mkdtemp(join(tmpdir(), 'mvm-tui-demo-'));
  const hostKey = generateKey('mvm-tui demo host');
  const clientKey = generateKey('mvm-tui demo client');
  const clients = new Set<ssh2.Connection>();
  const running = new Set<AbortController>();

  const server = new ssh2.Server({ hostKeys: [hostKey.private] }, (client) => {
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
        session.on('pty', (_a, reject) => reject?.());
        session.on('shell', (_a, reject) => reject?.());
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
          const io = {
            out: (t: string) => {
              if (open && t) channel.write(t);
            },
            err: (t: string) => {
              if (open && t) channel.stderr.write(t);
            },
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

  const port = await new Promise<number>((resolve, reject) => {
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port));
  });
  const files = {
    identityFile: join(dir, 'id_ed25519'),
    knownHostsFile: join(dir, 'known_hosts'),
    configFile: join(dir, 'ssh_config'),
    auditLog: join(dir, 'audit.jsonl'),
  };
  const hostPub = hostKey.public.split(' ').slice(0, 2).join(' ');
  await writeFile(files.knownHostsFile, `[127.0.0.1]:${port} ${hostPub}\n`, { mode: 0o600 });
  await writeFile(files.identityFile, clientKey.private, { mode: 0o600 });
  await writeFile(files.identityFile + '.pub', clientKey.public + '\n', { mode: 0o644 });
  await writeFile(files.configFile, '# mvm-tui demo: no client configuration\n', { mode: 0o600 });

  let stopped = false;
  return {
    inventory: demoInventory(port, files),
    knownHostsPath: files.knownHostsFile,
    port,
    hypervisor: hv,
    async stop() {
      if (stopped) return;
      stopped = true;
      hv.dispose();
      for (const ac of running) ac.abort();
      for (const c of clients) c.end();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}
