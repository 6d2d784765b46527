import ssh2 from 'ssh2';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { generateKey, startDemo, type Demo } from '../../src/demo/server.js';
import { createSshTransport } from '../../src/ssh/index.js';
import { memoryFile } from '../../src/ssh/memory-files.js';
import { fetchHostStatus } from '../../src/services/status.js';
import { parseJournalJson, parseSystemctlShow } from '../../src/parsers/index.js';
import type { Transport } from '../../src/ssh/types.js';

// The demo end to end: a real ssh2 client on loopback, and the app's own transport with strict host keys.

let demo: Demo;
let transport: Transport;

beforeAll(async () => {
  demo = await startDemo({ speed: 0.05, heartbeatMs: 500 });
  transport = createSshTransport(demo.inventory);
});

afterAll(async () => {
  await transport?.close();
  await demo?.stop();
});

function rawExec(command: string, opts: { port: number; key: string }): Promise<{ stdout: string; stderr: string; code: number | null }> {
  return new Promise((resolve, reject) => {
    const c = new ssh2.Client();
    c.on('ready', () =>
      c.exec(command, (err, ch) => {
        if (err) return reject(err);
        let stdout = '';
        let stderr = '';
        ch.on('data', (d: Buffer) => (stdout += d));
        ch.stderr.on('data', (d: Buffer) => (stderr += d));
        let code: number | null = null;
        ch.on('exit', (c2: number | null) => (code = c2));
        ch.on('close', () => {
          c.end();
          resolve({ stdout, stderr, code });
        });
      }),
    );
    c.on('error', reject);
    c.connect({ host: '127.0.0.1', port: opts.port, username: 'root', privateKey: opts.key });
  });
}

describe('demo server', () => {
  test('writes nothing to disk: its keys and known_hosts live in memory, no temp directory is made', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'mvm-tui-test-tmp-'));
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = tmp;
    try {
      const d = await startDemo({ speed: 0.05 });
      const h = d.inventory.hosts[0]!;
      expect(readdirSync(tmp)).toEqual([]);
      for (const f of [h.ssh.identityFile!, h.ssh.knownHostsFile!]) expect(existsSync(f)).toBe(false);
      expect(memoryFile(h.ssh.identityFile!)).toMatch(/PRIVATE KEY/);
      await d.stop();
      expect(memoryFile(h.ssh.identityFile!)).toBeUndefined();
    } finally {
      process.env.TMPDIR = saved;
      if (saved === undefined) delete process.env.TMPDIR;
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  test('the inventory points at loopback with strict host keys and the demo known_hosts', async () => {
    const h = demo.inventory.hosts[0]!;
    expect(demo.inventory.source).toBe('(demo)');
    expect(h.ssh.hostname).toBe('127.0.0.1');
    expect(h.ssh.port).toBe(demo.port);
    expect(h.ssh.strictHostKeyChecking).toBe('yes');
    expect(memoryFile(demo.knownHostsPath)).toMatch(new RegExp(`^\\[127\\.0\\.0\\.1\\]:${demo.port} ssh-ed25519 `));
    expect(h.vms.map((v) => `${v.name}:${v.role}`)).toEqual(['vm1:desktop', 'vm2:desktop', 'vm3:desktop', 'vm4:k3s', 'vm5:incus']);
  });

  test('a plain ssh2 client runs a command and gets exit codes', async () => {
    const key = memoryFile(demo.inventory.hosts[0]!.ssh.identityFile!)!;
    const r = await rawExec('hostname; systemctl is-active microvm@vm1; nosuchcmd', { port: demo.port, key });
    expect(r.stdout).toBe('hypervisor\nactive\n');
    expect(r.stderr).toBe('bash: nosuchcmd: command not found\n');
    expect(r.code).toBe(127);
  });

  test('exec through the app transport parses with the app parsers', async () => {
    const r = await transport.exec({ host: 'demo' }, 'systemctl show microvm@vm2 microvm@vm3 --timestamp=unix -p Id,ActiveState,NRestarts');
    expect(r.code).toBe(0);
    const units = parseSystemctlShow(r.stdout);
    expect(units.map((u) => u.Id)).toEqual(['microvm@vm2.service', 'microvm@vm3.service']);
    expect(units[1]!.NRestarts).toBe('3');
  });

  test('journalctl -f streams and stops when cancelled; the cursor resumes without gaps', async () => {
    const lines: string[] = [];
    const h = transport.stream({ host: 'demo' }, 'journalctl -u microvm@vm1 -o json -f -n 2 --no-pager', { onLine: (l) => lines.push(l) });
    const deadline = Date.now() + 15_000;
    while (lines.length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    // Heartbeats arrive live every 0.5 s here (real clock): at least one new line after the two backlog lines.
    expect(lines.length).toBeGreaterThanOrEqual(3);
    expect(demo.hypervisor.journal.followers).toBe(1);
    h.cancel();
    const res = await h.done;
    expect(res.code).not.toBe(0);
    // Closing the channel ends the remote journalctl: the demo's follower is gone.
    for (let i = 0; i < 50 && demo.hypervisor.journal.followers > 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(demo.hypervisor.journal.followers).toBe(0);
    const entries = lines.map((l) => parseJournalJson(l));
    expect(entries.every((e) => e?.unit === 'microvm@vm1.service')).toBe(true);
    const last = entries.at(-1)!;
    const after = await transport.exec({ host: 'demo' }, `journalctl -u microvm@vm1 -o json --after-cursor '${last.cursor}' --no-pager`);
    for (const l of after.stdout.split('\n').filter(Boolean)) expect(BigInt(parseJournalJson(l)!.realtimeUs) > BigInt(last.realtimeUs)).toBe(true);
  }, 20_000);

  test('fetchHostStatus reads the seed-like fleet: vm2 needs a restart, vm3 has restarted', async () => {
    const hs = await fetchHostStatus(transport, demo.inventory.hosts[0]!, { probeVms: true });
    expect(hs.reachable).toBe(true);
    expect(hs.system.state).toBe('running');
    expect(hs.pools).toEqual([expect.objectContaining({ name: 'microvms', health: 'ONLINE' })]);
    const vm = (n: string) => hs.vms.find((v) => v.name === n)!;
    expect(hs.vms.map((v) => v.active)).toEqual(['active', 'active', 'active', 'active', 'active']);
    expect(vm('vm2').outdated).toBe(true);
    expect(vm('vm1').outdated).toBe(false);
    expect(vm('vm3').restarts).toBe(3);
    expect(vm('vm1').runner).toBe('present');
    expect(vm('vm1').bridge).toBe('up');
    expect(vm('vm1').reachable).toBe(true);
    expect(vm('vm1').snapshots).toBe(8);
    expect(vm('vm1').newestSnapshot).toBe('before-upgrade');
    expect(vm('vm4').memoryBytes).toBeGreaterThan(2 ** 30);
  }, 20_000);

  test('a restart through the transport takes a moment and is seen by the status', async () => {
    const t0 = Date.now();
    const r = await transport.exec({ host: 'demo' }, 'systemctl restart microvm@vm2');
    expect(r.code).toBe(0);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(80); // 2.4 s scaled by speed 0.05
    const hs = await fetchHostStatus(transport, demo.inventory.hosts[0]!);
    const vm2 = hs.vms.find((v) => v.name === 'vm2')!;
    expect(vm2.active).toBe('active');
    expect(vm2.outdated).toBe(false);
  }, 20_000);

  test('nested ssh reaches a VM by its address', async () => {
    const r = await transport.exec({ host: 'demo', vm: 'vm4' }, 'hostname; kubectl get nodes');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^vm4\nNAME +STATUS/);
  });
});

describe('demo keys', () => {
  test('every generated key pair parses (ssh2 alone writes a malformed one about once in 300)', () => {
    for (let i = 0; i < 1500; i++) {
      const k = generateKey('t');
      expect(ssh2.utils.parseKey(k.private) instanceof Error).toBe(false);
    }
  });
});

describe('demo inventory', () => {
  test("its custom commands' keys fit the app's keymap (a clash would stop the demo from starting)", async () => {
    const { demoInventory } = await import('../../src/demo/inventory.js');
    const { buildKeymap } = await import('../../src/keymap/build.js');
    const inv = demoInventory(2222, { identityFile: '/k', knownHostsFile: '/kh', configFile: '/c', auditLog: '/a' });
    expect(() => buildKeymap({ keys: inv.keys, custom: inv.hosts.flatMap((h) => h.commands) })).not.toThrow();
  });
});
