import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadInventory } from '../../src/config/load.js';
import type { Inventory } from '../../src/config/types.js';
import { createSshTransport, type SshTransportOptions } from '../../src/ssh/index.js';
import type { Transport } from '../../src/ssh/types.js';
import { LAB_RUN } from './paths.js';

// Host keys against the lab's real sshds, for the hypervisor and for a VM reached by ProxyJump: unknown,
// changed and @revoked keys are refused under strict checking with a message that says which; accept-new
// records an unknown key once, hashed, and still refuses a changed one. test/lab/ssh.test.ts already
// covers the hypervisor's unknown key (strict and accept-new) and its changed key under accept-new.

const RUN = LAB_RUN;
const home = mkdtempSync(join(tmpdir(), 'mvm-hostkeys-'));
const HV = '192.168.77.2';
const VM1 = '10.1.0.2';
const opened: Transport[] = [];
let base: Inventory;
let hvKey: string; // "ssh-ed25519 AAAA..."
let vmKey: string;
let wrongKey: string;

function open(inv: Inventory, o: SshTransportOptions = {}): Transport {
  const t = createSshTransport(inv, { env: { home, localUser: 'root', agentSocket: undefined }, ...o });
  opened.push(t);
  return t;
}

let n = 0;
function file(lines: string[]): string {
  const f = join(home, `kh-${n++}`);
  writeFileSync(f, lines.map((l) => `${l}\n`).join(''));
  return f;
}

/** The ProxyJump inventory with its own known_hosts for the hypervisor and for the VMs. */
function inventory(hvFile: string, vmFile: string, strict: 'yes' | 'accept-new' = 'yes'): Inventory {
  return {
    ...base,
    hosts: base.hosts.map((h) => ({ ...h, ssh: { ...h.ssh, knownHostsFile: hvFile, strictHostKeyChecking: strict }, vmAccess: { ...h.vmAccess, knownHostsFile: vmFile } })),
  };
}

const fail = (t: Transport, vm?: string) => t.exec({ host: 'lab', ...(vm ? { vm } : {}) }, 'true').then(() => undefined, (e: unknown) => e as Error & { kind: string });

beforeAll(async () => {
  base = await loadInventory({ config: join(RUN, 'inventory-proxyjump.yaml') });
  expect(base.hosts[0]!.vmAccess.mode).toBe('proxyjump');
  const kh = readFileSync(join(RUN, 'known_hosts'), 'utf8').split('\n');
  hvKey = kh.find((l) => l.startsWith(`${HV} `))!.slice(HV.length + 1);
  vmKey = kh.find((l) => l.startsWith(`${VM1} `))!.slice(VM1.length + 1);
  const k = join(home, 'wrong');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', k]);
  wrongKey = readFileSync(`${k}.pub`, 'utf8').split(' ').slice(0, 2).join(' ');
  // vm1 must run for its sshd to answer (another suite may have stopped it).
  const t = open(inventory(file([`${HV} ${hvKey}`]), file([`${VM1} ${vmKey}`])));
  await t.exec({ host: 'lab' }, 'systemctl start microvm@vm1');
  for (let i = 0; i < 80; i++) {
    if ((await t.exec({ host: 'lab', vm: 'vm1' }, 'true', { timeoutMs: 5000 }).catch(() => ({ code: 1 }))).code === 0) break;
    await new Promise((r) => setTimeout(r, 500));
  }
});

afterAll(async () => {
  for (const t of opened) await t.close();
});

describe('host keys on the lab (hypervisor and ProxyJump VM)', () => {
  it('the right keys connect to both (the baseline the refusals are compared with)', async () => {
    const t = open(inventory(file([`${HV} ${hvKey}`]), file([`${VM1} ${vmKey}`])));
    expect((await t.exec({ host: 'lab', vm: 'vm1' }, 'hostname')).stdout).toBe('vm1\n');
  });

  it('hypervisor: a changed key is refused under strict checking', async () => {
    const e = await fail(open(inventory(file([`${HV} ${wrongKey}`]), file([`${VM1} ${vmKey}`]))));
    expect(e).toMatchObject({ kind: 'hostkey', message: expect.stringMatching(/^lab: HOST KEY CHANGED for 192\.168\.77\.2/) });
  });

  it('hypervisor: a @revoked key is refused even next to a matching line', async () => {
    const e = await fail(open(inventory(file([`@revoked ${HV} ${hvKey}`, `${HV} ${hvKey}`]), file([`${VM1} ${vmKey}`]))));
    expect(e).toMatchObject({ kind: 'hostkey', message: expect.stringMatching(/revoked/i) });
  });

  it('hypervisor: a revoked key is refused under accept-new too', async () => {
    const e = await fail(open(inventory(file([`@revoked * ${hvKey}`]), file([`${VM1} ${vmKey}`]), 'accept-new')));
    expect(e).toMatchObject({ kind: 'hostkey', message: expect.stringMatching(/revoked/i) });
  });

  it('VM by ProxyJump: unknown, changed and revoked keys are refused under strict checking; the hypervisor stays up', async () => {
    const hv = file([`${HV} ${hvKey}`]);
    const cases: Array<[string, string[], RegExp]> = [
      ['unknown', [], /unknown host key/i],
      ['changed', [`${VM1} ${wrongKey}`], /HOST KEY CHANGED for 10\.1\.0\.2/],
      ['revoked', [`@revoked ${VM1} ${vmKey}`, `${VM1} ${vmKey}`], /revoked/i],
    ];
    for (const [what, lines, message] of cases) {
      const t = open(inventory(hv, file(lines)));
      const e = await fail(t, 'vm1');
      expect(e, what).toMatchObject({ kind: 'hostkey', message: expect.stringMatching(message) });
      expect(e!.message, what).toMatch(/^lab\/vm1: /);
      // Only the VM is refused: the hypervisor connection it went through is fine.
      expect((await t.exec({ host: 'lab' }, 'echo hv')).stdout, what).toBe('hv\n');
    }
  });

  it('VM by ProxyJump with accept-new: an unknown key is recorded once, hashed; a changed one is still refused', async () => {
    const vmFile = file([]);
    const t = open(inventory(file([`${HV} ${hvKey}`]), vmFile), { acceptNew: true });
    expect((await t.exec({ host: 'lab', vm: 'vm1' }, 'hostname')).stdout).toBe('vm1\n');
    await t.close();
    // A second transport (a new run of the program) finds it and records nothing more.
    const t2 = open(inventory(file([`${HV} ${hvKey}`]), vmFile), { acceptNew: true });
    expect((await t2.exec({ host: 'lab', vm: 'vm1' }, 'true')).code).toBe(0);
    const lines = readFileSync(vmFile, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\|1\|[A-Za-z0-9+/=]+\|[A-Za-z0-9+/=]+ ssh-ed25519 /);
    expect(lines[0]).not.toContain(VM1);
    expect(execFileSync('ssh-keygen', ['-F', VM1, '-f', vmFile], { encoding: 'utf8' })).toContain(vmKey.split(' ')[1]);
    // Now the recorded key is replaced by a wrong one: accept-new must not overwrite it.
    writeFileSync(vmFile, `${VM1} ${wrongKey}\n`);
    const e = await fail(open(inventory(file([`${HV} ${hvKey}`]), vmFile), { acceptNew: true }), 'vm1');
    expect(e).toMatchObject({ kind: 'hostkey', message: expect.stringMatching(/HOST KEY CHANGED/) });
    expect(readFileSync(vmFile, 'utf8')).toBe(`${VM1} ${wrongKey}\n`);
  });

  it('hypervisor with accept-new: a changed key is refused and the file is left as it was', async () => {
    const hvFile = file([`${HV} ${wrongKey}`]);
    const e = await fail(open(inventory(hvFile, file([`${VM1} ${vmKey}`]), 'accept-new')));
    expect(e).toMatchObject({ kind: 'hostkey' });
    expect(readFileSync(hvFile, 'utf8')).toBe(`${HV} ${wrongKey}\n`);
  });
});
