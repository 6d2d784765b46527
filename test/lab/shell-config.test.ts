import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseInventoryText } from '../../src/config/load.js';
import type { HostConfig } from '../../src/config/types.js';
import { shellArgv } from '../../src/controller/shell.js';
import { createSshTransport } from '../../src/ssh/index.js';
import type { Transport } from '../../src/ssh/types.js';
import { LAB_RUN } from './paths.js';

// Issue 23 item 14: `H`/`s` run OpenSSH, which reads ~/.ssh/config from the password database's home, not $HOME.
// With a HOME of its own holding the only config that knows the alias, the shells' ssh (the argv the app runs,
// with a command instead of a terminal) reaches the same host and VM as the app's own connection.

const home = mkdtempSync(join(tmpdir(), 'mvm-shellcfg-'));
const env = { home, localUser: 'root', agentSocket: undefined };
let host: HostConfig;
let t: Transport;

/** The shell's argv, run without a terminal: BatchMode so nothing can prompt, then the command. */
function runShell(argv: string[], command: string): { code: number | null; out: string; err: string } {
  const args = argv.slice(1).filter((a) => a !== '-t');
  const r = spawnSync('ssh', ['-o', 'BatchMode=yes', ...args, command], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

beforeAll(async () => {
  mkdirSync(join(home, '.ssh'), { mode: 0o700 });
  copyFileSync(join(LAB_RUN, 'id_ed25519'), join(home, '.ssh/lab_key'));
  execFileSync('chmod', ['600', join(home, '.ssh/lab_key')]);
  copyFileSync(join(LAB_RUN, 'known_hosts'), join(home, '.ssh/known_hosts_lab'));
  writeFileSync(
    join(home, '.ssh/config'),
    'Host labhv\n  HostName 192.168.77.2\n  User root\n  IdentityFile ~/.ssh/lab_key\n  IdentitiesOnly yes\n  UserKnownHostsFile ~/.ssh/known_hosts_lab\n',
    { mode: 0o600 },
  );
  const inv = parseInventoryText(
    'hosts:\n  - name: lab\n    ssh: {alias: labhv}\n    vmAccess: {mode: proxyjump, knownHostsFile: ~/.ssh/known_hosts_lab}\n    vms: [{name: vm1}]\n',
    'shell-config.yaml',
  );
  host = inv.hosts[0]!;
  t = createSshTransport(inv, { env });
  await t.exec({ host: 'lab' }, 'systemctl start microvm@vm1');
  for (let i = 0; i < 80; i++) {
    if ((await t.exec({ host: 'lab', vm: 'vm1' }, 'true', { timeoutMs: 5000 }).catch(() => ({ code: 1 }))).code === 0) break;
    await new Promise((r) => setTimeout(r, 500));
  }
});

afterAll(async () => {
  await t?.close();
});

describe('shells read the config the app reads (HOME not the password database home)', () => {
  it('H: the hypervisor shell reaches the alias only $HOME/.ssh/config knows, the host the app reaches', async () => {
    const app = (await t.exec({ host: 'lab' }, 'cat /etc/machine-id')).stdout;
    const argv = shellArgv(host, undefined, env);
    // the precondition: OpenSSH on its own reads the password database's ~/.ssh/config, which does not know the alias
    expect(runShell(['ssh', '-o', 'ConnectTimeout=5', 'labhv'], 'true').code).toBe(255);
    const shell = runShell(argv, 'cat /etc/machine-id');
    expect(shell.err).toBe('');
    expect(shell).toMatchObject({ code: 0, out: app });
  });

  it('s: the VM shell goes through the same hypervisor with the keys and known_hosts the app uses', async () => {
    const app = (await t.exec({ host: 'lab', vm: 'vm1' }, 'hostname')).stdout;
    expect(app).toBe('vm1\n');
    const shell = runShell(shellArgv(host, host.vms[0], env), 'hostname');
    expect(shell).toMatchObject({ code: 0, out: 'vm1\n' });
  });
});
