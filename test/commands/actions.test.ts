import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { makeActionCommands, onInterruptSignals, type ActionCommandDeps } from '../../src/commands/actions.js';
import { UsageError, type CommandContext, type Subcommand } from '../../src/commands/types.js';
import { MemoryAudit } from '../../src/services/audit.js';
import { ActionGuard } from '../../src/services/guard.js';
import { ScriptedTransport } from '../helpers/scripted-transport.js';
import { inventory, sentCommands } from '../services/actions-helpers.js';

const tick = () => new Promise((r) => setImmediate(r));

function harness(opts: { readOnly?: boolean; interactive?: boolean; answer?: string; yaml?: string } = {}) {
  const inv = inventory(opts.yaml);
  const transport = new ScriptedTransport();
  const audit = new MemoryAudit();
  const asked: string[] = [];
  let interrupt: (() => void) | undefined;
  let closed = 0;
  const deps: ActionCommandDeps = {
    open: async (g) => ({ inventory: inv, transport, guard: new ActionGuard(inv, audit, g.readOnly), close: async () => void closed++ }),
    interactive: () => opts.interactive ?? false,
    ask: async (q) => {
      asked.push(q);
      return opts.answer ?? '';
    },
    onInterrupt: (h) => {
      interrupt = h;
      return () => (interrupt = undefined);
    },
  };
  const cmds = makeActionCommands(deps);
  const cmd = (name: string) => cmds.find((c) => c.name === name) as Subcommand;
  let out = '';
  let err = '';
  const run = (name: string, args: string[], values: CommandContext['values'] = {}) => {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    stdout.on('data', (d: Buffer) => (out += d.toString()));
    stderr.on('data', (d: Buffer) => (err += d.toString()));
    return cmd(name).run({ global: { readOnly: opts.readOnly ?? false, demo: false, acceptNew: false }, args, values, stdout, stderr });
  };
  return { transport, audit, asked, run, out: () => out, err: () => err, interrupt: () => interrupt?.(), closed: () => closed };
}

const SHOW_ACTIVE = 'ActiveState=active\nSubState=running\nResult=success\nConditionResult=yes\nNRestarts=0\n';

describe('mvm-tui restart|start|stop', () => {
  it('restarts with --yes, prints the settled outcome and exits 0', async () => {
    const h = harness();
    h.transport.on('systemctl restart', {}).on('systemctl show', { stdout: SHOW_ACTIVE });
    expect(await h.run('restart', ['vm1', 'vm2'], { host: 'hv', yes: true })).toBe(0);
    expect(sentCommands(h.transport).filter((c) => c.startsWith('systemctl restart')).sort()).toEqual(['systemctl restart microvm@vm1', 'systemctl restart microvm@vm2']);
    expect(h.out()).toContain('vm1: restarted (active/running)\n');
    expect(h.out()).toContain('vm2: restarted (active/running)\n');
    expect(h.closed()).toBe(1);
  });

  it('exits 1 on failure, with the journal lines on stderr', async () => {
    const h = harness();
    h.transport.on('systemctl stop', { code: 1, stderr: 'Failed to stop microvm@vm1.service: Access denied\n' }).on('systemctl show', { stdout: SHOW_ACTIVE }).on('journalctl', { stdout: 'microvm-shutdown: timeout\n' });
    expect(await h.run('stop', ['vm1'], { host: 'hv', yes: true })).toBe(1);
    expect(h.err()).toContain('vm1: stop failed: systemctl stop exited 1: Failed to stop microvm@vm1.service: Access denied\n  microvm-shutdown: timeout\n');
  });

  it('--read-only refuses with exit 3 and a message, sends nothing, asks nothing', async () => {
    const h = harness({ readOnly: true, interactive: true });
    expect(await h.run('restart', ['vm1'], { host: 'hv' })).toBe(3);
    expect(h.err()).toBe('mvm-tui: vm.restart refused: hv is read-only\n');
    expect(h.transport.sent).toEqual([]);
    expect(h.asked).toEqual([]);
    expect(h.audit.entries.map((e) => e.outcome)).toEqual(['refused']);
  });

  it('a host marked read-only in the inventory refuses the same way', async () => {
    const h = harness();
    expect(await h.run('start', ['vm1'], { host: 'ro', yes: true })).toBe(3);
    expect(h.transport.sent).toEqual([]);
  });

  it('needs --yes when stdin is not a terminal', async () => {
    const h = harness({ interactive: false });
    await expect(h.run('restart', ['vm1'], { host: 'hv' })).rejects.toThrow(new UsageError('stdin is not a terminal: add --yes to confirm'));
    expect(h.transport.sent).toEqual([]);
  });

  it('asks y/N at a terminal naming the VMs and the host; anything but y does nothing', async () => {
    const no = harness({ interactive: true, answer: '' });
    expect(await no.run('stop', ['vm1', 'vm2'], { host: 'hv' })).toBe(1);
    expect(no.asked).toEqual(['Stop vm1, vm2 on hv? [y/N] ']);
    expect(no.transport.sent).toEqual([]);
    expect(no.err()).toContain('not confirmed');
    const yes = harness({ interactive: true, answer: 'y\n' });
    yes.transport.on('systemctl stop', {}).on('systemctl show', { stdout: 'ActiveState=inactive\nSubState=dead\n' });
    expect(await yes.run('stop', ['vm1'], { host: 'hv' })).toBe(0);
  });

  it('turns an unknown or ambiguous VM into a usage error', async () => {
    const h = harness();
    await expect(h.run('restart', ['vm7'], { yes: true })).rejects.toThrow('no VM "vm7" in the inventory');
    await expect(h.run('restart', ['vm1'], { yes: true })).rejects.toThrow('vm1 is on several hosts (hv, ro): name one with --host');
    await expect(h.run('restart', [], { yes: true })).rejects.toThrow('name at least one VM');
  });
});

describe('mvm-tui deploy', () => {
  const REMOTE = `hosts:\n  - name: hv\n    ssh: {hostname: hv.test}\n    deploy: {mode: remote, command: lab-deploy}\n    vms: [{name: vm1}]\n`;

  it('prints the output as it comes and exits with the outcome', async () => {
    const h = harness({ yaml: REMOTE });
    const run = h.run('deploy', [], { yes: true });
    await tick();
    expect(sentCommands(h.transport)).toEqual(['cd /root/simple-microvm-infra && lab-deploy']);
    h.transport.streams[0]!.handlers.onLine('building...');
    expect(h.out()).toBe('building...\n');
    h.transport.streams[0]!.handlers.onStderr!('error: boom\n');
    h.transport.streams[0]!.end({ code: 1 });
    expect(await run).toBe(1);
    expect(h.err()).toMatch(/error: boom\nmvm-tui: deploy of hv failed with exit code 1 after/);
  });

  it('Ctrl-C cancels the running deploy', async () => {
    const h = harness({ yaml: REMOTE });
    const run = h.run('deploy', [], { yes: true });
    await tick();
    h.interrupt();
    expect(await run).toBe(1);
    expect(h.transport.streams[0]!.cancelled).toBe(true);
    expect(h.err()).toContain('deploy of hv cancelled');
    expect(h.audit.entries[0]!.outcome).toBe('cancelled');
  });

  it('outside tests, Ctrl-C, SIGTERM and SIGHUP all cancel (and so are audited), until the run has ended', () => {
    const before = ['SIGINT', 'SIGTERM', 'SIGHUP'].map((s) => process.listenerCount(s));
    let calls = 0;
    const off = onInterruptSignals(() => calls++);
    for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.emit(s, s);
    off();
    expect(calls).toBe(3);
    expect(['SIGINT', 'SIGTERM', 'SIGHUP'].map((s) => process.listenerCount(s))).toEqual(before);
  });

  it('--read-only refuses with exit 3', async () => {
    const h = harness({ yaml: REMOTE, readOnly: true });
    expect(await h.run('deploy', [], {})).toBe(3);
    expect(h.transport.sent).toEqual([]);
  });
});

describe('mvm-tui update', () => {
  it('streams the rebuild and says a restart is needed when current != booted', async () => {
    const h = harness();
    h.transport.on('readlink', { stdout: '/nix/store/new-vm1\n/nix/store/old-vm1\n' });
    const run = h.run('update', ['vm1'], { host: 'hv', yes: true });
    await tick();
    h.transport.streams[0]!.handlers.onLine('these 3 derivations will be built:');
    h.transport.streams[0]!.end({ code: 0 });
    expect(await run).toBe(0);
    expect(h.out()).toBe('these 3 derivations will be built:\nvm1: restart needed (current != booted): mvm-tui restart vm1\n');
  });

  it('takes exactly one VM', async () => {
    const h = harness();
    await expect(h.run('update', ['vm1', 'vm2'], { host: 'hv', yes: true })).rejects.toThrow('name one VM');
  });
});
