import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, connect, type AddressInfo } from 'node:net';
import { join } from 'node:path';

// A throwaway OpenSSH sshd on 127.0.0.1 for the parity suite: its own host keys (ed25519 and ecdsa), a random
// free port, only the client key made here authorised, no PAM/password, stopped by stop(). The binary is the
// machine's /usr/sbin/sshd (package openssh-server; .ci/run installs it), or $MVM_TEST_SSHD.

export interface RealSshd {
  port: number;
  dir: string;
  /** "ssh-ed25519 AAAA..." of the server's keys, and the file of each public key. */
  ed25519: string;
  ecdsa: string;
  ed25519Pub: string;
  clientKey: string;
  stop(): Promise<void>;
}

export function sshdBinary(): string {
  const bin = process.env.MVM_TEST_SSHD ?? '/usr/sbin/sshd';
  if (!existsSync(bin)) throw new Error(`${bin} not found: the SSH parity suite needs OpenSSH's sshd (apt-get install openssh-server, as .ci/run does; set MVM_TEST_SSHD to use another)`);
  return bin;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as AddressInfo).port;
      s.close(() => resolve(p));
    });
    s.on('error', reject);
  });
}

const pubOf = (f: string) => readFileSync(`${f}.pub`, 'utf8').trim().split(' ').slice(0, 2).join(' ');

export async function startSshd(dir: string): Promise<RealSshd> {
  const bin = sshdBinary();
  mkdirSync(dir, { recursive: true });
  // sshd refuses to start without its privilege separation directory (the package's service would create it)
  if (!existsSync('/run/sshd')) mkdirSync('/run/sshd', { mode: 0o755 });
  const key = (name: string, type: string) => {
    const f = join(dir, name);
    if (!existsSync(f)) execFileSync('ssh-keygen', ['-q', '-t', type, '-N', '', '-C', '', '-f', f]);
    return f;
  };
  const hostEd = key('host_ed25519', 'ed25519');
  const hostEc = key('host_ecdsa', 'ecdsa');
  const client = key('client_ed25519', 'ed25519');
  writeFileSync(join(dir, 'authorized_keys'), `${readFileSync(`${client}.pub`, 'utf8')}`, { mode: 0o600 });
  const port = await freePort();
  const cfg = join(dir, 'sshd_config');
  writeFileSync(
    cfg,
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${hostEd}`,
      `HostKey ${hostEc}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      'UsePAM no',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'StrictModes no',
      'PermitRootLogin yes',
      'AllowTcpForwarding yes',
      'PermitTTY no',
      'MaxStartups 100:30:200',
      'LogLevel ERROR',
      '',
    ].join('\n'),
  );
  const proc: ChildProcess = spawn(bin, ['-D', '-e', '-f', cfg], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
  for (let i = 0; ; i++) {
    if (proc.exitCode !== null) throw new Error(`sshd exited: ${stderr}`);
    const up = await new Promise<boolean>((res) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => (s.destroy(), res(true)));
      s.once('error', () => res(false));
    });
    if (up) break;
    if (i > 100) throw new Error(`sshd did not listen on ${port}: ${stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    port,
    dir,
    ed25519: pubOf(hostEd),
    ecdsa: pubOf(hostEc),
    ed25519Pub: `${hostEd}.pub`,
    clientKey: client,
    stop: () =>
      new Promise<void>((res) => {
        if (proc.exitCode !== null) return res();
        proc.once('exit', () => res());
        proc.kill('SIGTERM');
      }),
  };
}
