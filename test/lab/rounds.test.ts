import { join } from 'node:path';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadInventory } from '../../src/config/load.js';
import type { Inventory } from '../../src/config/types.js';
import { fetchHostStatus } from '../../src/services/status.js';
import { createSshTransport } from '../../src/ssh/index.js';
import type { Transport } from '../../src/ssh/types.js';
import { LAB_RUN } from './paths.js';

// The status refresh's kept shell (src/ssh/rounds.ts) on the lab hypervisor's real sshd and bash: one shell serves
// every refresh, a killed shell costs no refresh, and closing the program leaves no process behind.
// Run: npm run lab:run -- npx vitest run --project lab test/lab/rounds.test.ts (after npm run lab:up).

const RUN = LAB_RUN;
const home = mkdtempSync(join(tmpdir(), 'mvm-labrounds-'));
const opened: Transport[] = [];
let inv: Inventory;
let admin: Transport;

const open = () => {
  const t = createSshTransport(inv, { env: { home, localUser: 'root', agentSocket: undefined } });
  opened.push(t);
  return t;
};
/** Kept shells running on the hypervisor (`[m]`: the pattern does not match the shell that runs pgrep). */
const shells = async () => Number((await admin.exec({ host: 'lab' }, "pgrep -fc 'read -r [m]vm_round' || true", { timeoutMs: 10_000 })).stdout.trim());

/** Closes the program's transport and waits for its kept shell to end on the hypervisor. */
async function closeAndGone(t: Transport): Promise<void> {
  await t.close();
  await until('the kept shell to end', async () => (await shells()) === 0);
}

async function until(what: string, ok: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

beforeAll(async () => {
  inv = await loadInventory({ config: join(RUN, 'inventory.yaml') });
  admin = open();
  await until('no kept shell left by another suite', async () => (await shells()) === 0, 15_000);
});

afterAll(async () => {
  for (const t of opened) await t.close();
});

describe('kept status shell on the lab hypervisor', () => {
  it('one shell on the hypervisor serves every refresh; it ends when the program closes its transport', async () => {
    const t = open();
    const host = inv.hosts[0]!;
    for (let i = 0; i < 5; i++) {
      const hs = await fetchHostStatus(t, host);
      expect(hs.reachable).toBe(true);
      expect(hs.system.state).not.toBe('unknown');
      expect(hs.vms.find((v) => v.name === 'vm1')?.active).toBeTruthy();
    }
    expect(await shells()).toBe(1);
    await closeAndGone(t);
  });

  it('a shell killed on the hypervisor costs no refresh: the next one is served, and a new shell takes over', async () => {
    const t = open();
    const host = inv.hosts[0]!;
    expect((await fetchHostStatus(t, host)).reachable).toBe(true);
    await admin.exec({ host: 'lab' }, "pkill -KILL -f 'read -r [m]vm_round'", { timeoutMs: 10_000 });
    for (let i = 0; i < 3; i++) expect((await fetchHostStatus(t, host)).reachable).toBe(true);
    expect(await shells()).toBe(1);
    await closeAndGone(t);
  });

  it('a refresh that outlives its budget is reported, and its shell is ended on the hypervisor', async () => {
    const t = open();
    const host = inv.hosts[0]!;
    expect((await fetchHostStatus(t, host)).reachable).toBe(true);
    const hs = await fetchHostStatus(t, host, { timeoutMs: 1 });
    expect(hs.reachable).toBe(false);
    expect(hs.error).toMatch(/timed out/);
    await until('the timed-out shell to end', async () => (await shells()) === 0);
    expect((await fetchHostStatus(t, host)).reachable).toBe(true);
    expect(await shells()).toBe(1);
    await closeAndGone(t);
  });
});
