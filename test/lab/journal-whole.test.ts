import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { journalctlCommand } from '../../src/host/journal.js';
import type { JournalEntry } from '../../src/parsers/index.js';
import { openRuntime, type Runtime } from '../../src/services/runtime.js';
import { tailLogs } from '../../src/services/logs/tail.js';
import { labRun } from './paths.js';

// Against the lab hypervisor: messages of 6,000 bytes and 64 KiB and one that is not UTF-8 are written to the
// journal (logger --journald, as root, attributed to a unit of their own with OBJECT_SYSTEMD_UNIT, which
// `journalctl -u` matches), then read back the way a log pane reads them. journalctl without --all prints
// "MESSAGE":null for the two long ones. Run under the lab lock: flock /tmp/mvm-lab.lock npm run test:lab -- test/lab/journal-whole.test.ts

const INVENTORY = labRun('inventory.yaml');
const HOST = 'lab';
const UNIT = `mvm-lines-${process.pid}.service`;
const body = (tag: string, n: number) => `${tag} ${'0123456789abcdef'.repeat(Math.ceil(n / 16))}`.slice(0, n);
const M6000 = body('six-thousand', 6000);
const M64K = body('sixty-four-kib', 65_536);
// 0xff and 0xfe are never UTF-8: journalctl prints the message as a byte array
const BINARY = Buffer.concat([Buffer.from('binary-message '), Buffer.from([0xff, 0xfe, 0x01]), Buffer.from(' end')]);

let rt: Runtime;
const sh = (command: string) => rt.transport.exec({ host: HOST }, command, { timeoutMs: 30_000 });

/** Sends one journal entry with MESSAGE=bytes via `logger --journald` (a file of FIELD=value lines). */
async function send(message: Buffer): Promise<void> {
  const file = Buffer.concat([Buffer.from(`OBJECT_SYSTEMD_UNIT=${UNIT}\nSYSLOG_IDENTIFIER=mvm-lines\nMESSAGE=`), message, Buffer.from('\n')]);
  const r = await sh(`f=$(mktemp) && echo ${file.toString('base64')} | base64 -d > "$f" && logger --journald="$f"; rc=$?; rm -f "$f"; exit $rc`);
  expect(r.code, r.stderr).toBe(0);
}

describe.skipIf(!existsSync(INVENTORY))('journal messages arrive whole', () => {
  beforeAll(async () => {
    rt = await openRuntime({ config: INVENTORY, readOnly: false, demo: false, acceptNew: false });
    await send(Buffer.from(M6000));
    await send(Buffer.from(M64K));
    await send(BINARY);
  }, 60_000);

  afterAll(async () => {
    await rt?.close();
  });

  it('journalctl itself drops the long ones without --all (what the pane showed as empty lines)', async () => {
    const plain = await sh(journalctlCommand({ unit: UNIT, lines: 10 }).replace(' --all', ''));
    const messages = plain.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { MESSAGE: unknown }).MESSAGE);
    expect(messages.slice(0, 2)).toEqual([null, null]);
  });

  it('a pane gets the 6,000-byte and 64 KiB messages whole, and the binary one as its bytes', async () => {
    const got: JournalEntry[] = [];
    await new Promise<void>((resolve, reject) => {
      const tail = tailLogs<JournalEntry>(rt.transport, { host: HOST, unit: UNIT, follow: false, lines: 10 }, {
        onEntries: (b) => got.push(...b),
        onState: (s) => {
          if (s.status === 'ended') setTimeout(resolve, 100); // the last batch is flushed on its timer
        },
      });
      setTimeout(() => {
        tail.stop();
        reject(new Error('no end of the journal read in 30 s'));
      }, 30_000);
    });
    expect(got.map((e) => e.message.length)).toEqual([6000, 65_536, BINARY.length]); // 0xff, 0xfe: a U+FFFD each
    expect(got[0]!.message).toBe(M6000);
    expect(got[1]!.message).toBe(M64K);
    expect(got[2]!.message).toBe('binary-message \ufffd\ufffd\u0001 end');
  }, 40_000);
});
