import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLogsCommand, resolveLogTarget } from '../../src/commands/logs.js';
import { UsageError, type CommandContext } from '../../src/commands/types.js';
import { resolveInventory } from '../../src/config/resolve.js';
import { inventorySchema } from '../../src/config/schema.js';
import { MemoryAudit, type AuditLog } from '../../src/services/audit.js';
import { ActionGuard } from '../../src/services/guard.js';
import type { Runtime } from '../../src/services/runtime.js';
import { commandContext } from '../helpers/command-context.js';
import { ScriptedTransport } from '../helpers/scripted-transport.js';

const REAL = readFileSync(new URL('../fixtures/journalctl/lab-f-json-vm1-heartbeats.txt', import.meta.url), 'utf8').trim().split('\n');

const inventory = resolveInventory(
  inventorySchema.parse({
    hosts: [
      { name: 'lab', ssh: { hostname: '127.0.0.1' }, vms: [{ name: 'vm1' }, { name: 'vm2', unit: 'custom-vm2' }] },
      { name: 'other', ssh: { hostname: '127.0.0.1' }, vms: [{ name: 'vm9' }] },
    ],
  }),
  '(test)',
);

function harness(values: CommandContext['values'], args: string[]) {
  const t = new ScriptedTransport();
  let closed = false;
  const rt: Runtime = {
    inventory,
    transport: t,
    guard: new ActionGuard(inventory, new MemoryAudit()),
    audit: new MemoryAudit() as unknown as AuditLog,
    close: async () => {
      closed = true;
    },
  };
  let interrupt: (() => void) | undefined;
  const cmd = createLogsCommand({ open: async () => rt, onInterrupt: (stop) => ((interrupt = stop), () => (interrupt = undefined)) });
  const { c: ctx, out, err } = commandContext({ args, values });
  return { t, cmd, ctx, out, err, interrupt: () => interrupt?.(), closed: () => closed };
}

const sleep = (ms: number) => vi.advanceTimersByTimeAsync(ms);
const tick = () => sleep(60);

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('resolveLogTarget', () => {
  it('maps a VM name to its unit on its host, anything else to a unit on the first (or given) host', () => {
    expect(resolveLogTarget(inventory, 'vm1')).toEqual({ host: 'lab', unit: 'microvm@vm1', vm: 'vm1' });
    expect(resolveLogTarget(inventory, 'vm2')).toEqual({ host: 'lab', unit: 'custom-vm2', vm: 'vm2' });
    expect(resolveLogTarget(inventory, 'vm9')).toEqual({ host: 'other', unit: 'microvm@vm9', vm: 'vm9' });
    expect(resolveLogTarget(inventory, 'comin')).toEqual({ host: 'lab', unit: 'comin' });
    expect(resolveLogTarget(inventory, 'sshd', 'other')).toEqual({ host: 'other', unit: 'sshd' });
    expect(() => resolveLogTarget(inventory, 'vm1', 'nope')).toThrow(/unknown host "nope"/);
  });
});

describe('mvm-tui logs', () => {
  it('prints plain `TIME UNIT[PRIO]: MESSAGE` lines for a VM and exits 0', async () => {
    const h = harness({ lines: '3' }, ['vm1']);
    const run = h.cmd.run(h.ctx);
    await tick();
    expect(h.t.sent[0]?.command).toBe('journalctl -u microvm@vm1 -o json --all --output-fields=MESSAGE,PRIORITY,_SYSTEMD_UNIT,SYSLOG_IDENTIFIER,UNIT -n 3 --no-pager');
    for (const l of REAL.slice(0, 3)) h.t.streams[0]!.handlers.onLine(l);
    h.t.streams[0]!.end({ code: 0 });
    expect(await run).toBe(0);
    expect(h.out()).toBe(
      [
        '2026-11-26T11:59:38.907Z microvm@vm1[info]: [vm1] heartbeat 11 uptime=20s',
        '2026-11-26T11:59:40.909Z microvm@vm1[info]: [vm1] heartbeat 12 uptime=22s',
        '2026-11-26T11:59:42.911Z microvm@vm1[info]: [vm1] heartbeat 13 uptime=24s',
        '',
      ].join('\n'),
    );
    expect(h.closed()).toBe(true);
  });

  it('prints JSON lines and applies --grep (with ! to invert)', async () => {
    const h = harness({ json: true, grep: '!heartbeat' }, ['vm1']);
    const run = h.cmd.run(h.ctx);
    await tick();
    expect(h.t.sent[0]?.command).toContain('-n 100');
    for (const l of REAL) h.t.streams[0]!.handlers.onLine(l);
    h.t.streams[0]!.end({ code: 0 });
    expect(await run).toBe(0);
    const rows = h.out().trim().split('\n').map((l) => JSON.parse(l));
    expect(rows).toHaveLength(12);
    expect(rows.every((r) => !r.message.includes('heartbeat'))).toBe(true);
    expect(rows[7]).toEqual({
      cursor: JSON.parse(REAL[11]!).__CURSOR,
      time: '2026-11-26T11:59:43.906Z',
      unit: 'microvm@vm1.service', // systemd's own message: _SYSTEMD_UNIT is init.scope, UNIT names vm1
      priority: 4,
      message: "microvm@vm1.service: Failed with result 'signal'.",
    });
  });

  it('with -f follows, resumes after a drop without repeating a line, and stops on Ctrl-C', async () => {
    const h = harness({ follow: true, since: '15m' }, ['vm1']);
    const run = h.cmd.run(h.ctx);
    await tick();
    expect(h.t.sent[0]?.command).toBe('journalctl -u microvm@vm1 -o json --all --output-fields=MESSAGE,PRIORITY,_SYSTEMD_UNIT,SYSLOG_IDENTIFIER,UNIT -f --since -15m --no-pager');
    h.t.streams[0]!.handlers.onLine(REAL[0]!);
    h.t.streams[0]!.end({ code: null });
    await sleep(2100);
    expect(h.err()).toContain('mvm-tui: lab: microvm@vm1: reconnecting in 2s: connection dropped');
    expect(h.t.streams[1]?.command).toContain(`--after-cursor '${JSON.parse(REAL[0]!).__CURSOR}'`);
    h.t.streams[1]!.handlers.onLine(REAL[0]!);
    h.t.streams[1]!.handlers.onLine(REAL[1]!);
    await tick();
    // and it says so, once
    expect(h.err()).toMatch(/mvm-tui: lab: microvm@vm1: resumed after 2s, after the last line shown\n$/);
    expect(h.err().match(/resumed/g)).toHaveLength(1);
    h.interrupt();
    expect(await run).toBe(0);
    expect(h.out().trim().split('\n').map((l) => l.replace(/.*: /, ''))).toEqual(['[vm1] heartbeat 11 uptime=20s', '[vm1] heartbeat 12 uptime=22s']);
    expect(h.t.streams[1]!.cancelled).toBe(true);
  });

  it('refuses bad usage with a UsageError (exit 2 by the dispatcher)', async () => {
    for (const [values, args, re] of [
      [{}, [], /name a VM or a unit/],
      [{}, ['a', 'b'], /one VM or unit/],
      [{ lines: 'ten' }, ['vm1'], /-n wants a whole number/],
      [{ since: 'last tuesday;' }, ['vm1'], /--since/],
      [{}, ['bad unit'], /not a valid unit name/],
      [{ host: 'nope' }, ['vm1'], /unknown host/],
    ] as const) {
      const h = harness(values as CommandContext['values'], [...args]);
      const err = await h.cmd.run(h.ctx).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UsageError);
      expect((err as Error).message).toMatch(re);
    }
  });

  it('without -f gives up with exit 1 when the stream keeps failing', async () => {
    const h = harness({}, ['vm1']);
    const run = h.cmd.run(h.ctx);
    for (let i = 0; i < 3; i++) {
      await sleep(20);
      h.t.streams[i]!.end({ code: null, stderr: '' });
      await sleep(i < 2 ? 2000 * 2 ** i + 50 : 20);
    }
    expect(await run).toBe(1);
    expect(h.err()).toMatch(/lab: microvm@vm1: connection dropped\n$/);
  });
});

describe('mvm-tui logs -f into a closed pipe', () => {
  it('stops following when stdout errors (EPIPE) and exits 0', async () => {
    const h = harness({ follow: true }, ['vm1']);
    const run = h.cmd.run(h.ctx);
    await tick();
    h.ctx.stdout.emit('error', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
    expect(await run).toBe(0);
    expect(h.t.streams[0]!.cancelled).toBe(true);
  });
});
