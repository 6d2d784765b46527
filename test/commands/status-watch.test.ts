import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { makeStatusCommand } from '../../src/commands/status.js';
import { EXIT, type CommandContext } from '../../src/commands/types.js';
import { EVENTS_READY } from '../../src/host/events.js';
import { hostStatusSchema } from '../../src/model/status.js';
import { ScriptedTransport } from '../helpers/scripted-transport.js';
import { labBaseline, labInventory, labTrouble, withSection } from '../services/status-fixture.js';

// `status --watch` on a scripted transport: the first line per host is its full state, then one per change; a
// refresh where only counters moved prints nothing; it ends with exit 0 when interrupted.
// test/lab/watch.test.ts runs the built binary against the lab.

const isGather = (cmd: string) => cmd.includes('@@mvm ');
const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function watch(json: boolean, drive: (t: ScriptedTransport, setOutput: (o: string) => void) => Promise<void>) {
  let output = labBaseline();
  const t = new ScriptedTransport().on(isGather, () => ({ stdout: output }));
  let interrupt!: () => void;
  const inventory = { ...labInventory(), refreshMs: 250 };
  const cmd = makeStatusCommand({
    open: async () => ({ inventory, transport: t, close: async () => undefined }),
    interrupted: () => new Promise<void>((r) => (interrupt = r)),
  });
  let text = '';
  const stdout = new Writable({ write: (c, _e, cb) => ((text += String(c)), cb()) });
  const ctx: CommandContext = { global: { readOnly: false, demo: false, acceptNew: false }, args: [], values: { json, watch: true, 'no-probe': true }, stdout, stderr: stdout };
  const running = cmd.run(ctx);
  await drive(t, (o) => (output = o));
  interrupt();
  return { code: await running, lines: text.split('\n').filter(Boolean) };
}

describe('mvm-tui status --watch', () => {
  it('--json: the full state first, nothing while only counters move, then one line per change; exit 0 when interrupted', async () => {
    const { code, lines } = await watch(true, async (t, set) => {
      await tick(100);
      set(withSection(labBaseline(), 'loadavg', '9.99 9.99 9.99 1/100 42\n'));
      await tick(300);
      t.streams[0]!.handlers.onLine(EVENTS_READY);
      await tick(100);
      set(labTrouble());
      t.streams[0]!.handlers.onLine('unit {"UNIT":"microvm@vm1.service"}');
      await tick(100);
    });
    expect(code).toBe(EXIT.ok);
    expect(lines).toHaveLength(2);
    const [first, second] = lines.map((l) => JSON.parse(l) as { at: string; host: unknown });
    expect(Object.keys(first!)).toEqual(['at', 'host']);
    expect(hostStatusSchema.parse(first!.host)).toMatchObject({ name: 'lab', reachable: true });
    expect((first!.host as { vms: { name: string; active: string }[] }).vms.find((v) => v.name === 'vm1')!.active).toBe('active');
    expect((second!.host as { vms: { name: string; active: string }[] }).vms.find((v) => v.name === 'vm1')!.active).toBe('activating');
    expect(Date.parse(second!.at)).toBeGreaterThanOrEqual(Date.parse(first!.at));
  });

  it('text: the host and every VM first, then a line for each VM that changed', async () => {
    const { lines } = await watch(false, async (_t, set) => {
      await tick(100);
      set(labTrouble());
      await tick(400);
    });
    expect(lines[0]).toMatch(/^\d\d:\d\d:\d\d {2}lab {2}system running {2}pool labmirror ONLINE/);
    expect(lines.slice(1, 6).map((l) => l.split('  ')[1])).toEqual(['lab/vm1', 'lab/vm2', 'lab/vm3', 'lab/vm4', 'lab/vm5']);
    const changed = lines.slice(6);
    expect(changed.some((l) => /^\d\d:\d\d:\d\d {2}lab\/vm1 {2}activating\/auto-restart {2}restarts \d+/.test(l))).toBe(true);
    expect(changed.some((l) => l.includes('lab/vm4'))).toBe(false);
  });
});
