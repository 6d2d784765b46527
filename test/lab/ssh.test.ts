import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadInventory } from '../../src/config/load.js';
import type { Inventory } from '../../src/config/types.js';
import { createSshTransport, type SshTransportOptions } from '../../src/ssh/index.js';
import type { ConnState } from '../../src/model/connection.js';
import { SshError, type Transport } from '../../src/ssh/types.js';
import { LAB_RUN } from './paths.js';

// The real transport against the lab hypervisor (real OpenSSH, systemd, journald). Run inside the lab's
// network namespace: npm run lab:run -- npx vitest run --project lab test/lab/ssh.test.ts

const RUN = LAB_RUN;
const home = mkdtempSync(join(tmpdir(), 'mvm-labssh-'));
const opened: Transport[] = [];
let inv: Inventory;
let invJump: Inventory;

function open(i: Inventory, o: SshTransportOptions = {}): Transport {
  // A throwaway HOME: only the lab's own known_hosts file counts, never the user's.
  const t = createSshTransport(i, { env: { home, localUser: 'root', agentSocket: undefined }, ...o });
  opened.push(t);
  return t;
}

function withKnownHosts(i: Inventory, file: string, strict: 'yes' | 'accept-new' = 'yes'): Inventory {
  return { ...i, hosts: i.hosts.map((h) => ({ ...h, ssh: { ...h.ssh, knownHostsFile: file, strictHostKeyChecking: strict } })) };
}

function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  return (async () => {
    for (;;) {
      const v = await fn().catch(() => undefined);
      if (v !== undefined) return v;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  })();
}

beforeAll(async () => {
  inv = await loadInventory({ config: join(RUN, 'inventory.yaml') });
  invJump = await loadInventory({ config: join(RUN, 'inventory-proxyjump.yaml') });
  // Other suites stop and start VMs on the shared lab: make sure vm1 runs and answers ssh.
  const t = open(inv);
  await t.exec({ host: 'lab' }, 'systemctl start microvm@vm1');
  await until('vm1 ssh', async () => ((await t.exec({ host: 'lab', vm: 'vm1' }, 'true', { timeoutMs: 8000 })).code === 0 ? true : undefined), 40_000);
});

afterAll(async () => {
  for (const t of opened) await t.close();
});

describe('ssh transport on the lab hypervisor', () => {
  it('connects with strict host keys and runs commands; measures connect and reuse', async () => {
    const t = open(inv);
    const states: string[] = [];
    t.onState((s) => states.push(s.status));
    const t0 = performance.now();
    const first = await t.exec({ host: 'lab' }, 'true');
    const connectMs = performance.now() - t0;
    expect(first.code).toBe(0);
    const t1 = performance.now();
    for (let i = 0; i < 20; i++) expect(await t.exec({ host: 'lab' }, 'true')).toEqual({ stdout: '', stderr: '', code: 0 });
    const twentyMs = performance.now() - t1;
    console.log(`lab: connect+auth+exec true ${connectMs.toFixed(0)} ms; 20 sequential execs on one connection ${twentyMs.toFixed(0)} ms`);
    expect(states).toEqual(['connecting', 'up']);
    const r = await t.exec({ host: 'lab' }, 'hostname; echo oops >&2; exit 7');
    expect(r.code).toBe(7);
    expect(r.stderr).toBe('oops\n');
    expect(r.stdout.trim().length).toBeGreaterThan(0);
    expect((await t.exec({ host: 'lab' }, 'cat', { stdin: 'from stdin\n' })).stdout).toBe('from stdin\n');
  });

  it('streams journalctl -f as JSON lines; cancel ends the remote journalctl', async () => {
    const t = open(inv);
    const lines: string[] = [];
    let gotJson!: () => void;
    const jsonSeen = new Promise<void>((r) => (gotJson = r));
    // `exec` keeps the shell's pid, printed first, so the test can look for exactly this process afterwards.
    const h = t.stream({ host: 'lab' }, 'echo $$; exec journalctl -u microvm@vm1 -o json -f', {
      onLine: (l) => {
        lines.push(l);
        if (l.startsWith('{')) gotJson();
      },
    });
    await jsonSeen;
    const pid = Number(lines[0]);
    expect(pid).toBeGreaterThan(1);
    expect(JSON.parse(lines[1]!)).toHaveProperty('__CURSOR');
    expect((await t.exec({ host: 'lab' }, `ps -o comm= -p ${pid}`)).stdout.trim()).toBe('journalctl');
    h.cancel();
    expect((await h.done).code).toBeNull();
    await until('journalctl to exit', async () => ((await t.exec({ host: 'lab' }, `ps -o comm= -p ${pid}`)).code !== 0 ? true : undefined), 5000);
  });

  it('cancel also ends a command that never reads or writes (sleep)', async () => {
    const t = open(inv);
    const lines: string[] = [];
    let started!: () => void;
    const s = new Promise<void>((r) => (started = r));
    const h = t.stream({ host: 'lab' }, 'echo $$; exec sleep 1000', { onLine: (l) => (lines.push(l), started()) });
    await s;
    h.cancel();
    const res = await h.done;
    expect(res.code).toBeNull();
    await until('sleep to exit', async () => ((await t.exec({ host: 'lab' }, `ps -o comm= -p ${Number(lines[0])}`)).code !== 0 ? true : undefined), 5000);
  });

  it('reaches vm1 by ProxyJump (forwardOut over the hypervisor connection)', async () => {
    const t = open(invJump);
    expect((await t.exec({ host: 'lab', vm: 'vm1' }, 'hostname')).stdout.trim()).toBe('vm1');
    expect((await t.exec({ host: 'lab', vm: 'vm1' }, 'hostname')).stdout.trim()).toBe('vm1');
  });

  it('reaches vm1 by nested ssh on the hypervisor, with a command that needs quoting', async () => {
    const t = open(inv);
    const r = await t.exec({ host: 'lab', vm: 'vm1' }, `hostname; printf '%s\\n' "it's a \\$HOME" 'a;b'`);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`vm1\nit's a $HOME\na;b\n`);
  });

  it('refuses a changed host key with both fingerprints and the ssh-keygen -R advice', async () => {
    const k = join(home, 'wrong');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', k]);
    const kh = join(home, 'kh-wrong');
    writeFileSync(kh, `${inv.hosts[0]!.ssh.hostname} ${readFileSync(`${k}.pub`, 'utf8')}`);
    const t = open(withKnownHosts(inv, kh, 'accept-new'));
    const err = (await t.exec({ host: 'lab' }, 'true').catch((e: unknown) => e)) as SshError;
    expect(err).toBeInstanceOf(SshError);
    expect(err.kind).toBe('hostkey');
    expect(err.message).toMatch(/^lab: HOST KEY CHANGED for 192\.168\.77\.2: server offers ssh-ed25519 SHA256:\S+, .*kh-wrong:1 has ssh-ed25519 SHA256:\S+; if expected, run ssh-keygen -R/);
    expect(t.state('lab')).toMatchObject({ status: 'down' });
  });

  it('refuses an unknown host key in strict mode; accept-new records it hashed once', async () => {
    const kh = join(home, 'kh-empty');
    writeFileSync(kh, '');
    const strict = open(withKnownHosts(inv, kh));
    await expect(strict.exec({ host: 'lab' }, 'true')).rejects.toMatchObject({ kind: 'hostkey', message: expect.stringMatching(/unknown host key .*--accept-new/) });
    const t = open(withKnownHosts(inv, kh, 'accept-new'));
    expect((await t.exec({ host: 'lab' }, 'true')).code).toBe(0);
    const lines = readFileSync(kh, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\|1\|/);
    // OpenSSH itself finds the recorded key.
    expect(execFileSync('ssh-keygen', ['-F', '192.168.77.2', '-f', kh], { encoding: 'utf8' })).toContain('ssh-ed25519');
  });

  it('a dropped connection goes down, comes back by itself, and a later exec succeeds', async () => {
    const t = open(inv, { backoff: { baseMs: 300, maxMs: 2000 } });
    const seen: ConnState[] = [];
    t.onState((s) => seen.push(s));
    const h = t.stream({ host: 'lab' }, 'exec journalctl -u microvm@vm1 -o json -f', { onLine: () => undefined });
    expect((await t.exec({ host: 'lab' }, 'true')).code).toBe(0);
    // Kill the server side of our own connection: the sshd session process that is our shell's parent.
    const killed = await t.exec({ host: 'lab' }, 'kill -9 $PPID', { timeoutMs: 5000 });
    expect(killed.code).toBeNull();
    expect((await h.done).code).toBeNull();
    await until('reconnect', async () => (t.state('lab').status === 'up' ? true : undefined), 10_000);
    const statuses = seen.map((s) => s.status);
    expect(statuses.slice(statuses.indexOf('up'))).toEqual(['up', 'down', 'connecting', 'up']);
    const down = seen.find((s) => s.status === 'down')!;
    expect(down.error).toBe('lab: connection lost (192.168.77.2:22)');
    expect((await t.exec({ host: 'lab' }, 'echo back')).stdout).toBe('back\n');
  });

  it('12 concurrent execs on one connection all succeed (channel cap 8)', async () => {
    const t = open(inv);
    const t0 = performance.now();
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => t.exec({ host: 'lab' }, `sleep 0.3; echo ${i}`)));
    console.log(`lab: 12 concurrent 0.3 s execs took ${(performance.now() - t0).toFixed(0)} ms`);
    expect(results.map((r) => r.stdout.trim())).toEqual(Array.from({ length: 12 }, (_, i) => String(i)));
    expect(results.every((r) => r.code === 0)).toBe(true);
  });
});
