import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import ssh2 from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GlobalOptions } from '../../src/commands/types.js';
import { resolveInventory } from '../../src/config/resolve.js';
import { inventorySchema } from '../../src/config/schema.js';
import { ActionService } from '../../src/services/actions.js';
import { openRuntime, type Runtime } from '../../src/services/runtime.js';
import { createSshTransport } from '../../src/ssh/index.js';
import { startFakeSshd, type FakeSshd } from '../ssh/helpers/fake-sshd.js';

// Key passphrases and key material never reach the audit log, an error message, an inspected error (what
// a crash handler prints) or anything written to stdout/stderr: with an encrypted key and a known
// passphrase, through a right passphrase, a wrong one, and an auth failure, with guarded actions audited.

const dir = mkdtempSync(join(tmpdir(), 'mvm-secrets-'));
const PASS = `Horse-${randomBytes(9).toString('hex')}`;
const WRONG = `Wrong-${randomBytes(9).toString('hex')}`;
const keyFile = join(dir, 'id_enc');
const otherKey = join(dir, 'id_other');
let secrets: string[];
let srv: FakeSshd;
let output = '';
const restore: Array<() => void> = [];

beforeAll(async () => {
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', PASS, '-f', keyFile]);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', otherKey]);
  // What must never show: the passphrases, the encrypted file's body, the decrypted private key.
  const body = readFileSync(keyFile, 'utf8').split('\n').filter((l) => l && !l.startsWith('-----'));
  const dec = ssh2.utils.parseKey(readFileSync(keyFile), PASS);
  if (dec instanceof Error) throw dec;
  const priv = (Array.isArray(dec) ? dec[0]! : dec).getPrivatePEM().split('\n').filter((l: string) => l && !l.startsWith('-----'));
  secrets = [PASS, WRONG, ...body, ...priv].filter((s) => s.length >= 16);
  srv = await startFakeSshd({ authorizedKey: readFileSync(`${keyFile}.pub`, 'utf8') });
  // Everything the process prints during the test.
  for (const stream of [process.stdout, process.stderr]) {
    const orig = stream.write.bind(stream);
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      output += String(chunk);
      return (orig as (...a: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof stream.write;
    restore.push(() => (stream.write = orig));
  }
});

afterAll(async () => {
  for (const r of restore) r();
  await srv.close();
});

async function runtime(identityFile: string, passphrase: string | undefined): Promise<{ rt: Runtime; asked: string[] }> {
  const kh = join(dir, 'known_hosts');
  writeFileSync(kh, `[127.0.0.1]:${srv.port} ${srv.hostKeyPublic}\n`);
  const inventory = resolveInventory(
    inventorySchema.parse({
      auditLog: join(dir, 'audit.jsonl'),
      hosts: [{ name: 'lab', ssh: { hostname: '127.0.0.1', port: srv.port, user: 'root', identityFile, knownHostsFile: kh, keepaliveIntervalMs: 0 }, vms: [{ name: 'vm1' }] }],
    }),
    'secrets-test',
  );
  const asked: string[] = [];
  const global: GlobalOptions = { readOnly: false, demo: false, acceptNew: false };
  const rt = await openRuntime(global, {
    inventory,
    transportFactory: (inv) =>
      createSshTransport(inv, {
        env: { home: dir, localUser: 'tester', agentSocket: undefined },
        backoff: { baseMs: 40, maxMs: 200 },
        askPassphrase: passphrase === undefined ? undefined : async (p) => (asked.push(p), passphrase),
      }),
  });
  return { rt, asked };
}

function leaks(text: string): string[] {
  return secrets.filter((s) => text.includes(s));
}

/** A restart through the action service: audited by the guard whatever happens. */
async function restart(rt: Runtime): Promise<unknown[]> {
  const svc = new ActionService({ inventory: rt.inventory, transport: rt.transport, guard: rt.guard });
  const errors: unknown[] = [];
  const outcome = await svc.unitAction('restart', 'lab', ['vm1'], { settleTimeoutMs: 50, pollMs: 10 }).catch((e: unknown) => (errors.push(e), undefined));
  if (outcome) errors.push(...outcome);
  errors.push(await rt.transport.exec({ host: 'lab' }, 'echo hello').catch((e: unknown) => e));
  return errors;
}

describe('secrets stay out of logs, audit, errors and crash output', () => {
  it('right passphrase: commands run; the audit log and every result carry no secret', async () => {
    const { rt, asked } = await runtime(keyFile, PASS);
    const results = await restart(rt);
    expect(asked).toEqual([keyFile]);
    expect(results.at(-1)).toMatchObject({ stdout: 'hello\n', code: 0 });
    await rt.close();
    expect(leaks(inspect(results, { depth: 8, showHidden: true }))).toEqual([]);
  });

  it('wrong passphrase: the error says so without the passphrase, in its message and when inspected', async () => {
    const { rt } = await runtime(keyFile, WRONG);
    const results = await restart(rt);
    const err = results.at(-1) as Error;
    expect(err.message).toContain(`wrong passphrase for ${keyFile}`);
    await rt.close();
    const everything = [err.message, err.stack ?? '', inspect(results, { depth: 8, showHidden: true }), JSON.stringify(results)].join('\n');
    expect(leaks(everything)).toEqual([]);
  });

  it('auth failure and no prompt at all: messages name the key file, never its content', async () => {
    const { rt } = await runtime(otherKey, undefined);
    const results = await restart(rt);
    expect((results.at(-1) as Error).message).toMatch(/authentication failed for root/);
    await rt.close();
    const { rt: noPrompt } = await runtime(keyFile, undefined);
    const r2 = await restart(noPrompt);
    expect((r2.at(-1) as Error).message).toContain(`${keyFile} is encrypted and no passphrase prompt is available`);
    await noPrompt.close();
    expect(leaks(inspect([results, r2], { depth: 8, showHidden: true }))).toEqual([]);
  });

  it('the audit log recorded every attempt, and holds no secret', () => {
    const audit = readFileSync(join(dir, 'audit.jsonl'), 'utf8');
    const entries = audit.trim().split('\n').map((l) => JSON.parse(l) as { action: string; outcome: string; detail?: string });
    // One restart per scenario (right, wrong, auth failure, no prompt).
    expect(entries.filter((e) => e.action.includes('restart'))).toHaveLength(4);
    expect(entries.some((e) => e.detail?.includes('wrong passphrase'))).toBe(true);
    expect(leaks(audit)).toEqual([]);
  });

  it('nothing printed during the whole run holds a secret', () => {
    expect(leaks(output)).toEqual([]);
  });
});
