import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { inventorySchema, type InventoryInput } from '../../src/config/schema.js';
import { resolveInventory } from '../../src/config/resolve.js';
import { createSshTransport, type SshTransportOptions } from '../../src/ssh/index.js';
import type { ConnState } from '../../src/model/connection.js';
import { SshError, type Transport } from '../../src/ssh/types.js';
import { startFakeSshd, type FakeSshd } from './helpers/fake-sshd.js';

// The real transport against an in-process ssh2 server on loopback: connection reuse, host keys, auth,
// streams and cancel, drops and reconnects, the channel cap, ProxyJump.

const dir = mkdtempSync(join(tmpdir(), 'mvm-transport-'));
const home = join(dir, 'home');
let clientKey: string;
let encKey: string;
const toClose: Array<{ close(): Promise<void> }> = [];

beforeAll(() => {
  clientKey = join(dir, 'id');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', clientKey]);
  encKey = join(dir, 'id_enc');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', 'sekrit-pass', '-f', encKey]);
});

afterEach(async () => {
  for (const c of toClose.splice(0).reverse()) await c.close();
});

async function server(opts: Partial<Parameters<typeof startFakeSshd>[0]> = {}): Promise<FakeSshd> {
  const s = await startFakeSshd({ authorizedKey: readFileSync(`${opts.authorizedKey ?? clientKey}.pub`, 'utf8'), ...opts, ...(opts.authorizedKey ? { authorizedKey: readFileSync(`${opts.authorizedKey}.pub`, 'utf8') } : {}) });
  toClose.push(s);
  return s;
}

function knownHosts(lines: string[]): string {
  const f = join(dir, `kh-${Math.random().toString(36).slice(2)}`);
  writeFileSync(f, lines.map((l) => `${l}\n`).join(''));
  return f;
}

function transport(srv: FakeSshd, o: { kh?: string; key?: string; ssh?: Record<string, unknown>; vmAccess?: Record<string, unknown> } & SshTransportOptions = {}): Transport {
  const kh = o.kh ?? knownHosts([`[127.0.0.1]:${srv.port} ${srv.hostKeyPublic}`]);
  const input: InventoryInput = {
    hosts: [
      {
        name: 'lab',
        ssh: { hostname: '127.0.0.1', port: srv.port, user: 'root', identityFile: o.key ?? clientKey, knownHostsFile: kh, keepaliveIntervalMs: 0, ...o.ssh },
        vmAccess: o.vmAccess ?? {},
        vms: [{ name: 'vm1', address: '10.1.0.2' }],
      },
    ],
  };
  const inv = resolveInventory(inventorySchema.parse(input), 'test');
  const t = createSshTransport(inv, { env: { home, localUser: 'tester', agentSocket: undefined }, backoff: { baseMs: 40, maxMs: 200 }, ...o });
  toClose.push(t);
  return t;
}

function waitState(t: Transport, status: ConnState['status'], timeoutMs = 3000): Promise<ConnState> {
  return new Promise((resolve, reject) => {
    if (t.state('lab').status === status) return resolve(t.state('lab'));
    const timer = setTimeout(() => reject(new Error(`state never became ${status}: ${JSON.stringify(t.state('lab'))}`)), timeoutMs);
    const off = t.onState((s) => {
      if (s.status === status) {
        clearTimeout(timer);
        off();
        resolve(s);
      }
    });
  });
}

describe('ssh transport (loopback ssh2 server)', () => {
  it('runs commands over one reused connection and reports stdout, stderr and exit code', async () => {
    const srv = await server();
    const t = transport(srv);
    expect(t.state('lab').status).toBe('idle');
    const ok = await t.exec({ host: 'lab' }, 'echo hello world');
    expect(ok).toEqual({ stdout: 'hello world\n', stderr: '', code: 0 });
    const bad = await t.exec({ host: 'lab' }, 'fail 3');
    expect(bad).toMatchObject({ stdout: '', stderr: 'it failed\n', code: 3 });
    await Promise.all([1, 2, 3].map((i) => t.exec({ host: 'lab' }, `echo ${i}`)));
    expect(srv.connections).toBe(1);
    expect(t.state('lab').status).toBe('up');
  });

  it('refuses an unknown host key with its fingerprint and connects nothing', async () => {
    const srv = await server();
    const t = transport(srv, { kh: knownHosts([]) });
    const err = await t.exec({ host: 'lab' }, 'echo x').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SshError);
    expect((err as SshError).kind).toBe('hostkey');
    expect((err as SshError).message).toMatch(new RegExp(`^lab: unknown host key for \\[127\\.0\\.0\\.1\\]:${srv.port} \\(ssh-ed25519 SHA256:`));
    expect(srv.commands).toEqual([]);
    const st = t.state('lab');
    expect(st.status).toBe('down');
    expect(st.error).toContain('unknown host key');
  });

  it('accept-new records the key hashed, then connects; a changed key is refused', async () => {
    const srv = await server();
    const kh = knownHosts([]);
    const t = transport(srv, { kh, acceptNew: true });
    expect((await t.exec({ host: 'lab' }, 'echo first')).stdout).toBe('first\n');
    const text = readFileSync(kh, 'utf8');
    expect(text).toMatch(/^\|1\|.+ ssh-ed25519 /);
    expect(text).not.toContain('127.0.0.1');

    const other = await server();
    const wrong = knownHosts([`[127.0.0.1]:${srv.port} ${other.hostKeyPublic}`]);
    const t2 = transport(srv, { kh: wrong, acceptNew: true });
    const err = (await t2.exec({ host: 'lab' }, 'echo x').catch((e: unknown) => e)) as SshError;
    expect(err.kind).toBe('hostkey');
    expect(err.message).toContain('HOST KEY CHANGED');
    expect(err.message).toContain('ssh-keygen -R');
    expect(readFileSync(wrong, 'utf8').trim().split('\n')).toHaveLength(1);
  });

  it('an auth failure names the host, the user and what was tried', async () => {
    const srv = await server();
    const stranger = join(dir, 'stranger');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', stranger]);
    const t = transport(srv, { key: stranger });
    const err = (await t.exec({ host: 'lab' }, 'echo x').catch((e: unknown) => e)) as SshError;
    expect(err.kind).toBe('auth');
    expect(err.message).toBe(`lab: authentication failed for root (tried ${stranger}) (127.0.0.1:${srv.port})`);
  });

  it('asks for an encrypted key passphrase once, even across a reconnect', async () => {
    const srv = await server({ authorizedKey: encKey });
    const asked: string[] = [];
    const t = transport(srv, { key: encKey, askPassphrase: async (p) => (asked.push(p), 'sekrit-pass') });
    expect((await t.exec({ host: 'lab' }, 'echo a')).code).toBe(0);
    srv.dropAll();
    await waitState(t, 'down');
    await waitState(t, 'up');
    expect((await t.exec({ host: 'lab' }, 'echo b')).stdout).toBe('b\n');
    expect(asked).toEqual([encKey]);
  });

  it('a wrong passphrase gives a clear message without the passphrase, and is not asked again', async () => {
    const srv = await server({ authorizedKey: encKey });
    let asked = 0;
    const t = transport(srv, { key: encKey, askPassphrase: async () => (asked++, 'not-the-Passphrase') });
    const err = (await t.exec({ host: 'lab' }, 'echo a').catch((e: unknown) => e)) as SshError;
    expect(err.kind).toBe('auth');
    expect(err.message).toContain(`wrong passphrase for ${encKey}`);
    expect(err.message).not.toContain('not-the-Passphrase');
    await new Promise((r) => setTimeout(r, 300));
    await t.exec({ host: 'lab' }, 'echo a').catch(() => undefined);
    expect(asked).toBe(1);
  });

  it('streams lines across chunk boundaries and CRLF', async () => {
    const srv = await server();
    const t = transport(srv);
    const lines: string[] = [];
    const h = t.stream({ host: 'lab' }, 'chunks', { onLine: (l) => lines.push(l) });
    expect(await h.done).toMatchObject({ code: 0 });
    expect(lines).toEqual(['one', 'two', 'three']);
  });

  it('cancel closes the channel while the command runs and settles done with code null', async () => {
    const srv = await server();
    const t = transport(srv);
    const lines: string[] = [];
    let first!: () => void;
    const started = new Promise<void>((r) => (first = r));
    const h = t.stream({ host: 'lab' }, 'forever', { onLine: (l) => (lines.push(l), first()) });
    await started;
    h.cancel();
    const res = await h.done;
    expect(res.code).toBeNull();
    for (let i = 0; i < 50 && srv.closedWhileRunning === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(srv.closedWhileRunning).toBe(1);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every((l) => l === 'tick')).toBe(true);
    // The slot came back: more commands than the cap still run.
    await Promise.all(Array.from({ length: 10 }, () => t.exec({ host: 'lab' }, 'echo ok')));
  });

  it('times out a hanging command', async () => {
    const srv = await server();
    const t = transport(srv);
    const res = await t.exec({ host: 'lab' }, 'forever', { timeoutMs: 60 });
    // The pgid report the transport asked for is not part of what the caller sees.
    expect(res).toMatchObject({ code: null, timedOut: true, stderr: '' });
  });

  it('an aborted exec rejects with the abort reason', async () => {
    const srv = await server();
    const t = transport(srv);
    const ac = new AbortController();
    const p = t.exec({ host: 'lab' }, 'forever', { signal: ac.signal });
    setTimeout(() => ac.abort(new Error('user left')), 50);
    await expect(p).rejects.toThrow('user left');
  });

  it('after a drop: streams end with code null, state goes down then up, commands fail fast while down', async () => {
    const srv = await server();
    const t = transport(srv, { backoff: { baseMs: 300, maxMs: 300 } });
    const seen: string[] = [];
    t.onState((s) => seen.push(s.status));
    let first!: () => void;
    const started = new Promise<void>((r) => (first = r));
    const h = t.stream({ host: 'lab' }, 'forever', { onLine: () => first() });
    await started;
    srv.dropAll();
    const res = await h.done;
    expect(res.code).toBeNull();
    const down = await waitState(t, 'down');
    expect(down.error).toBe(`lab: connection lost (127.0.0.1:${srv.port})`);
    expect(down.retryAt).toBeGreaterThan(Date.now());
    const t0 = Date.now();
    const err = (await t.exec({ host: 'lab' }, 'echo x').catch((e: unknown) => e)) as SshError;
    expect(err).toBeInstanceOf(SshError);
    expect(Date.now() - t0).toBeLessThan(100);
    await waitState(t, 'up');
    expect((await t.exec({ host: 'lab' }, 'echo back')).stdout).toBe('back\n');
    expect(srv.connections).toBe(2);
    expect(seen).toEqual(['connecting', 'up', 'down', 'connecting', 'up']);
  });

  it('while the server is gone, reconnects back off and the error says connection refused', async () => {
    const srv = await server();
    const port = srv.port;
    const t = transport(srv, { backoff: { baseMs: 50, maxMs: 400 } });
    await t.exec({ host: 'lab' }, 'echo x');
    const attempts: number[] = [];
    t.onState((s) => s.status === 'connecting' && attempts.push(Date.now()));
    await srv.close();
    const down = await waitState(t, 'down');
    expect(down.error).toMatch(/^lab: connection (lost|refused) \(127\.0\.0\.1:\d+\)$/);
    await new Promise((r) => setTimeout(r, 900));
    const refused = await new Promise<ConnState>((resolve) => {
      const off = t.onState((s) => s.status === 'down' && (off(), resolve(s)));
    });
    expect(refused.error).toBe(`lab: connection refused (127.0.0.1:${port})`);
    const gaps = attempts.slice(1).map((a, i) => a - attempts[i]!);
    expect(gaps.length).toBeGreaterThanOrEqual(2);
    expect(gaps[gaps.length - 1]!).toBeGreaterThan(gaps[0]!);
    // A server comes back on the same port with another host key: the transport's own retry reaches it
    // and refuses it as a changed key.
    const again = await startFakeSshd({ authorizedKey: readFileSync(`${clientKey}.pub`, 'utf8'), port });
    toClose.push(again);
    const changed = await new Promise<ConnState>((resolve) => {
      const off = t.onState((s) => s.error?.includes('HOST KEY CHANGED') && (off(), resolve(s)));
    });
    expect(changed.status).toBe('down');
    expect(again.commands).toEqual([]);
  });

  it('caps concurrent channels at 8 so a server with MaxSessions 10 never refuses one', async () => {
    const srv = await server({ maxSessions: 10 });
    const t = transport(srv);
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => t.exec({ host: 'lab' }, `slow ${30 + i}`)));
    expect(results.every((r) => r.code === 0 && r.stdout === 'done\n')).toBe(true);
    expect(srv.sessionsPeak).toBe(8);
  });

  it('retries a refused channel open (server allows fewer sessions than the cap)', async () => {
    const srv = await server({ maxSessions: 2 });
    const t = transport(srv, { maxChannels: 4 });
    const results = await Promise.all(Array.from({ length: 4 }, () => t.exec({ host: 'lab' }, 'slow 60')));
    expect(results.map((r) => r.code)).toEqual([0, 0, 0, 0]);
  });

  it('reaches a VM by ProxyJump over the hypervisor connection, checking the VM host key', async () => {
    const vm = await server({ name: 'vm1' });
    const srv = await server({ forwardTo: () => vm.port });
    const kh = knownHosts([`[127.0.0.1]:${srv.port} ${srv.hostKeyPublic}`, `10.1.0.2 ${vm.hostKeyPublic}`]);
    const t = transport(srv, { kh, vmAccess: { mode: 'proxyjump' } });
    expect((await t.exec({ host: 'lab', vm: 'vm1' }, 'hostname')).stdout).toBe('vm1\n');
    expect((await t.exec({ host: 'lab', vm: 'vm1' }, 'hostname')).stdout).toBe('vm1\n');
    expect(srv.connections).toBe(1);
    expect(vm.connections).toBe(1);

    const t2 = transport(srv, { kh: knownHosts([`[127.0.0.1]:${srv.port} ${srv.hostKeyPublic}`, `10.1.0.2 ${srv.hostKeyPublic}`]), vmAccess: { mode: 'proxyjump' } });
    const err = (await t2.exec({ host: 'lab', vm: 'vm1' }, 'hostname').catch((e: unknown) => e)) as SshError;
    expect(err.kind).toBe('hostkey');
    expect(err.message).toMatch(/^lab\/vm1: HOST KEY CHANGED for 10\.1\.0\.2/);
    // A stopped VM: the hypervisor refuses the forward; the message names the VM, its address and the way.
    let vmUp = true;
    const srv3 = await server({ forwardTo: () => (vmUp ? vm.port : undefined) });
    vmUp = false;
    const t3 = transport(srv3, { kh: knownHosts([`[127.0.0.1]:${srv3.port} ${srv3.hostKeyPublic}`, `10.1.0.2 ${vm.hostKeyPublic}`]), vmAccess: { mode: 'proxyjump' } });
    const down = (await t3.exec({ host: 'lab', vm: 'vm1' }, 'hostname').catch((e: unknown) => e)) as SshError;
    expect(down.kind).toBe('no-route');
    expect(down.message).toMatch(/^lab\/vm1: cannot reach 10\.1\.0\.2:22 through lab: /);
    expect(t3.state('lab').status).toBe('up');
  });

  it('runs VM commands through nested ssh on the hypervisor, quoted', async () => {
    const srv = await server();
    const t = transport(srv, { vmAccess: { mode: 'nested', remoteSshOptions: ['-o', 'UserKnownHostsFile=/root/vm_known_hosts'] } });
    await t.exec({ host: 'lab', vm: 'vm1' }, "echo 'it''s'; rm -rf /");
    expect(srv.commands.at(-1)).toMatch(/^ssh -i \/root\/\.ssh\/id_ed25519 -o BatchMode=yes -o ConnectTimeout=5 -o UserKnownHostsFile=\/root\/vm_known_hosts root@10\.1\.0\.2 -- '/);
  });

  it('unknown hosts and VMs are config errors; close() leaves every host idle', async () => {
    const srv = await server();
    const t = transport(srv);
    await expect(t.exec({ host: 'nope' }, 'echo')).rejects.toMatchObject({ kind: 'config' });
    await expect(t.exec({ host: 'lab', vm: 'vm9' }, 'echo')).rejects.toMatchObject({ kind: 'config', message: 'lab: no VM named "vm9" in the inventory' });
    await t.exec({ host: 'lab' }, 'echo x');
    await t.close();
    expect(t.state('lab').status).toBe('idle');
    await expect(t.exec({ host: 'lab' }, 'echo x')).rejects.toMatchObject({ kind: 'closed' });
  });
});

describe('ssh transport: ~/.ssh/config alias with ProxyJump for the hypervisor', () => {
  it('connects to the hypervisor through the jump host named in the config, checking both host keys', async () => {
    const hv = await server({ name: 'hv' });
    const jump = await server({ name: 'jump', forwardTo: () => hv.port });
    const kh = knownHosts([`[127.0.0.1]:${jump.port} ${jump.hostKeyPublic}`, `[hv.internal]:${hv.port} ${hv.hostKeyPublic}`]);
    const cfgHome = mkdtempSync(join(dir, 'home-'));
    const cfg = join(cfgHome, 'ssh_config');
    writeFileSync(
      cfg,
      `Host hv\n  HostName hv.internal\n  Port ${hv.port}\n  User root\n  IdentityFile ${clientKey}\n  ProxyJump bastion\n  UserKnownHostsFile ${kh}\n` +
        `Host bastion\n  HostName 127.0.0.1\n  Port ${jump.port}\n  User root\n  IdentityFile ${clientKey}\n  UserKnownHostsFile ${kh}\n`,
    );
    const inv = resolveInventory(inventorySchema.parse({ hosts: [{ name: 'lab', ssh: { alias: 'hv', configFile: cfg, keepaliveIntervalMs: 0 } }] }), 'test');
    const t = createSshTransport(inv, { env: { home: cfgHome, localUser: 'tester', agentSocket: undefined } });
    toClose.push(t);
    expect((await t.exec({ host: 'lab' }, 'hostname')).stdout).toBe('hv\n');
    expect(jump.connections).toBe(1);
    expect(hv.connections).toBe(1);
    expect(jump.commands).toEqual([]);
  });

  it('chains ProxyJump a,b: a first, then b through a, then the host through b, each host key checked', async () => {
    const hv = await server({ name: 'hv' });
    const b = await server({ name: 'b', forwardTo: () => hv.port });
    const a = await server({ name: 'a', forwardTo: () => b.port });
    const kh = knownHosts([`[127.0.0.1]:${a.port} ${a.hostKeyPublic}`, `[b.internal]:${b.port} ${b.hostKeyPublic}`, `[hv.internal]:${hv.port} ${hv.hostKeyPublic}`]);
    const cfgHome = mkdtempSync(join(dir, 'home-'));
    const cfg = join(cfgHome, 'ssh_config');
    const common = `  User root\n  IdentityFile ${clientKey}\n  UserKnownHostsFile ${kh}\n`;
    writeFileSync(
      cfg,
      `Host hv\n  HostName hv.internal\n  Port ${hv.port}\n  ProxyJump a,b\n${common}` +
        `Host a\n  HostName 127.0.0.1\n  Port ${a.port}\n${common}` +
        `Host b\n  HostName b.internal\n  Port ${b.port}\n  ProxyCommand false\n${common}`,
    );
    const inv = resolveInventory(inventorySchema.parse({ hosts: [{ name: 'lab', ssh: { alias: 'hv', configFile: cfg, keepaliveIntervalMs: 0 } }] }), 'test');
    for (const resolver of ['openssh', 'builtin'] as const) {
      const t = createSshTransport(inv, { env: { home: cfgHome, localUser: 'tester', agentSocket: undefined, resolver } });
      toClose.push(t);
      // b's own ProxyCommand is not used: its hop is `ssh -J a b`, as OpenSSH runs it
      expect((await t.exec({ host: 'lab' }, 'hostname')).stdout).toBe('hv\n');
      await t.close();
    }
    expect([a.connections, b.connections, hv.connections]).toEqual([2, 2, 2]);
  });

  it('runs ProxyCommand through the shell with its tokens expanded, and speaks SSH over its stdin/stdout', async () => {
    const hv = await server({ name: 'hv' });
    const kh = knownHosts([`[hv.internal]:${hv.port} ${hv.hostKeyPublic}`]);
    const cfgHome = mkdtempSync(join(dir, 'home-'));
    const cfg = join(cfgHome, 'ssh_config');
    const seen = join(cfgHome, 'seen');
    const pipe = `require('fs').writeFileSync(process.argv[2],process.argv.slice(3).join(' '));const s=require('net').connect(+process.argv[1],'127.0.0.1');process.stdin.pipe(s);s.pipe(process.stdout)`;
    writeFileSync(
      cfg,
      `Host hv\n  HostName hv.internal\n  Port ${hv.port}\n  User root\n  IdentityFile ${clientKey}\n  UserKnownHostsFile ${kh}\n` +
        `  ProxyCommand ${process.execPath} -e "${pipe}" %p ${seen} %h %p %r %n %%\n`,
    );
    const inv = resolveInventory(inventorySchema.parse({ hosts: [{ name: 'lab', ssh: { alias: 'hv', configFile: cfg, keepaliveIntervalMs: 0 } }] }), 'test');
    for (const resolver of ['openssh', 'builtin'] as const) {
      const t = createSshTransport(inv, { env: { home: cfgHome, localUser: 'tester', agentSocket: undefined, resolver } });
      toClose.push(t);
      expect((await t.exec({ host: 'lab' }, 'hostname')).stdout).toBe('hv\n');
        expect(readFileSync(seen, 'utf8')).toBe(`hv.internal ${hv.port} root hv %`);
      await t.close();
    }
  });

  it('a ProxyCommand that fails says so, with its last line of stderr', async () => {
    const cfgHome = mkdtempSync(join(dir, 'home-'));
    const cfg = join(cfgHome, 'ssh_config');
    writeFileSync(cfg, "Host hv\n  ProxyCommand sh -c 'echo no route via bastion >&2; exit 3'\n");
    const inv = resolveInventory(inventorySchema.parse({ hosts: [{ name: 'lab', ssh: { alias: 'hv', configFile: cfg } }] }), 'test');
    const t = createSshTransport(inv, { env: { home: cfgHome, localUser: 'tester', agentSocket: undefined } });
    toClose.push(t);
    await expect(t.exec({ host: 'lab' }, 'true')).rejects.toMatchObject({ message: expect.stringMatching(/ProxyCommand exited with 3: no route via bastion/) });
  });
});

describe('kept shell for a reused command (loopback ssh2 server)', () => {
  const isLoop = (c: string) => c.startsWith('while read -r mvm_round');

  it('runs a reused command again and again on one remote shell, each run with its own output', async () => {
    const srv = await server();
    const t = transport(srv);
    const outs = [];
    for (let i = 0; i < 3; i++) outs.push(await t.exec({ host: 'lab' }, 'count', { reuse: true, timeoutMs: 2000 }));
    expect(outs).toEqual([1, 2, 3].map((n) => ({ stdout: `run ${n}\n`, stderr: '', code: 0 })));
    expect(srv.commands.filter(isLoop)).toHaveLength(1);
    expect(srv.loopRuns).toBe(3);
    // The kept shell is one of the connection's channels; a plain command still gets its own.
    expect((await t.exec({ host: 'lab' }, 'echo plain')).stdout).toBe('plain\n');
  });

  it('a run that times out reports it and ends the shell; the next run starts another', async () => {
    const srv = await server();
    const t = transport(srv);
    expect(await t.exec({ host: 'lab' }, 'slow 400', { reuse: true, timeoutMs: 100 })).toMatchObject({ code: null, timedOut: true });
    expect((await t.exec({ host: 'lab' }, 'slow 400', { reuse: true, timeoutMs: 2000 })).stdout).toBe('done\n');
    expect(srv.commands.filter(isLoop)).toHaveLength(2);
  });

  it('a server that cannot run the loop gets one plain exec per run, and is not asked again', async () => {
    const srv = await server({ noLoops: true });
    const t = transport(srv);
    for (let i = 0; i < 3; i++) expect(await t.exec({ host: 'lab' }, 'echo hi', { reuse: true })).toEqual({ stdout: 'hi\n', stderr: '', code: 0 });
    expect(srv.commands.filter(isLoop)).toHaveLength(1);
    expect(srv.commands.filter((c) => c === 'echo hi')).toHaveLength(3);
  });

  it('after a dropped connection the run fails as a plain command would, and a new shell serves once it is back', async () => {
    const srv = await server();
    const t = transport(srv);
    expect((await t.exec({ host: 'lab' }, 'echo one', { reuse: true })).stdout).toBe('one\n');
    srv.dropAll();
    await waitState(t, 'down');
    await expect(t.exec({ host: 'lab' }, 'echo one', { reuse: true })).rejects.toBeInstanceOf(SshError);
    await waitState(t, 'up');
    expect((await t.exec({ host: 'lab' }, 'echo one', { reuse: true })).stdout).toBe('one\n');
    expect(srv.commands.filter(isLoop)).toHaveLength(2);
  });
});
