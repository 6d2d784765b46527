import { EventEmitter } from 'node:events';
import { mkdtemp, readFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { ChildProcess, SpawnOptions } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ActionService } from '../../src/services/actions.js';
import type { LineInfo } from '../../src/services/deploy.js';
import { inventory, sentCommands, setup } from './actions-helpers.js';
import { MemoryAudit } from '../../src/services/audit.js';
import { ActionGuard } from '../../src/services/guard.js';
import { ScriptedTransport } from '../helpers/scripted-transport.js';

const tick = () => new Promise((r) => setImmediate(r));

function withHost(extra: string, ssh = '{hostname: hv.test, user: root, identityFile: ~/.ssh/rw-key}') {
  return inventory(`hosts:\n  - name: hv\n    ssh: ${ssh}\n    vms: [{name: vm1}, {name: vm3}]\n${extra}`);
}

/** A real local run (sh, no network): deploy.command runs through `sh -c`. */
function localService(command: string) {
  const inv = withHost(`    deploy:\n      mode: local\n      command: ${JSON.stringify(command)}\n`);
  const audit = new MemoryAudit();
  const svc = new ActionService({ inventory: inv, transport: new ScriptedTransport(), guard: new ActionGuard(inv, audit), local: { killGraceMs: 500 } });
  return { svc, audit };
}

describe('deploy, remote mode', () => {
  it('streams the command on the hypervisor line by line with elapsed time and keeps the last lines', async () => {
    const { svc, transport, audit, tick: advance } = setup({ inv: withHost('    remoteFlake: /srv/my flake\n    deploy: {mode: remote, command: /usr/local/sbin/lab-deploy}\n') });
    const lines: Array<[string, LineInfo]> = [];
    const run = svc.deploy('hv', { onLine: (l, i) => lines.push([l, i]) });
    await tick();
    expect(sentCommands(transport)).toEqual([`cd '/srv/my flake' && /usr/local/sbin/lab-deploy`]);
    const s = transport.streams[0]!;
    s.handlers.onLine('building the system configuration...');
    advance(1500);
    s.handlers.onStderr!('activating the configuration...\nsetting up /etc');
    s.handlers.onStderr!('...\n');
    s.end({ code: 0 });
    const r = await run;
    expect(lines.map(([l]) => l)).toEqual(['building the system configuration...', 'activating the configuration...', 'setting up /etc...']);
    expect(lines.map(([, i]) => [i.stream, i.elapsedMs])).toEqual([['stdout', 0], ['stderr', 1500], ['stderr', 1500]]);
    expect(r).toMatchObject({ code: 0, cancelled: false, durationMs: 1500, lastLines: ['building the system configuration...', 'activating the configuration...', 'setting up /etc...'] });
    expect(audit.entries[0]).toMatchObject({ action: 'host.deploy', target: 'hv', outcome: 'ok', command: `cd '/srv/my flake' && /usr/local/sbin/lab-deploy` });
  });

  it('is cancelled through its AbortSignal: the channel is closed and the audit says cancelled', async () => {
    const { svc, transport, audit } = setup({ inv: withHost('    deploy: {mode: remote}\n') });
    const ac = new AbortController();
    const run = svc.deploy('hv', { signal: ac.signal });
    await tick();
    expect(sentCommands(transport)).toEqual([`cd /root/simple-microvm-infra && nixos-rebuild switch --flake '.#hypervisor'`]);
    transport.streams[0]!.handlers.onLine('copying path ...');
    ac.abort();
    const r = await run;
    expect(transport.streams[0]!.cancelled).toBe(true);
    expect(r).toMatchObject({ cancelled: true, code: null, lastLines: ['copying path ...'] });
    expect(audit.entries[0]).toMatchObject({ outcome: 'cancelled' });
  });

  it('a cancel is audited at once, before the host confirms the channel\'s close (a slow link, SIGTERM\'s deadline)', async () => {
    const { svc, transport, audit } = setup({ inv: withHost('    deploy: {mode: remote}\n') });
    transport.cancelSettles = false;
    const ac = new AbortController();
    const run = svc.deploy('hv', { signal: ac.signal });
    await tick();
    ac.abort();
    expect(await run).toMatchObject({ cancelled: true, code: null });
    expect(transport.streams[0]!.cancelled).toBe(true);
    expect(audit.entries[0]).toMatchObject({ action: 'host.deploy', outcome: 'cancelled' });
  });

  it('reports a failing deploy with its exit code and last lines, audited as failed', async () => {
    const { svc, transport, audit } = setup({ inv: withHost('    deploy: {mode: remote, command: deploy-it}\n') });
    const run = svc.deploy('hv');
    await tick();
    const s = transport.streams[0]!;
    for (let i = 1; i <= 30; i++) s.handlers.onLine(`line ${i}`);
    s.handlers.onStderr!('error: builder for /nix/store/x.drv failed');
    s.end({ code: 1 });
    const r = await run;
    expect(r.code).toBe(1);
    expect(r.lastLines).toHaveLength(20);
    expect(r.lastLines.at(-1)).toBe('error: builder for /nix/store/x.drv failed');
    expect(r.lastLines[0]).toBe('line 12');
    expect(audit.entries[0]).toMatchObject({ outcome: 'failed' });
    expect(audit.entries[0]!.detail).toMatch(/^failed with exit code 1/);
  });
});

describe('deploy, local mode', () => {
  it("builds the seed's nixos-rebuild line from the inventory, with NIX_SSHOPTS carrying the key", async () => {
    const calls: Array<{ cmd: string; args: string[]; opts: SpawnOptions }> = [];
    const fakeSpawn = (cmd: string, args: string[], opts: SpawnOptions) => {
      calls.push({ cmd, args, opts });
      const child = Object.assign(new EventEmitter(), { stdout: new PassThrough(), stderr: new PassThrough(), pid: undefined, kill: () => true });
      setImmediate(() => {
        child.stderr.end('building the system configuration...\n');
        child.emit('close', 0, null);
      });
      return child as unknown as ChildProcess;
    };
    const inv = withHost('    flake: ~/infra\n    flakeAttr: hypervisor\n', '{hostname: hv.test, user: root, port: 2222, identityFile: ~/.ssh/rw-key}');
    const audit = new MemoryAudit();
    const svc = new ActionService({ inventory: inv, transport: new ScriptedTransport(), guard: new ActionGuard(inv, audit), local: { spawn: fakeSpawn }, env: { HOME: '/home/op' } });
    const r = await svc.deploy(undefined);
    expect(r.code).toBe(0);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.cmd).toBe('nixos-rebuild');
    expect(calls[0]!.args).toEqual(['switch', '--flake', '.#hypervisor', '--target-host', 'root@hv.test']);
    expect(calls[0]!.opts.cwd).toBe('/home/op/infra');
    expect(calls[0]!.opts.env?.NIX_SSHOPTS).toBe('-i /home/op/.ssh/rw-key -p 2222');
    expect(calls[0]!.opts.detached).toBe(true);
    expect(audit.entries[0]!.command).toBe(`cd /home/op/infra && NIX_SSHOPTS='-i /home/op/.ssh/rw-key -p 2222' nixos-rebuild switch --flake '.#hypervisor' --target-host root@hv.test`);
  });

  it('runs a configured command through sh, streaming both outputs, with its exit code', async () => {
    const { svc, audit } = localService('echo one; echo two >&2; echo three; exit 3');
    const lines: string[] = [];
    const r = await svc.deploy('hv', { onLine: (l, i) => lines.push(`${i.stream}:${l}`) });
    expect(r.code).toBe(3);
    expect(lines.filter((l) => l.startsWith('stdout:'))).toEqual(['stdout:one', 'stdout:three']);
    expect(lines).toContain('stderr:two');
    expect(audit.entries[0]).toMatchObject({ outcome: 'failed', command: 'echo one; echo two >&2; echo three; exit 3' });
  });

  it('a cancel signals the whole process group (children included) and the result says cancelled', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mvm-deploy-'));
    const pidFile = join(dir, 'child.pid');
    const { svc, audit } = localService(`sleep 30 & echo $! > ${pidFile}; echo started; wait`);
    const ac = new AbortController();
    const started = Date.now();
    const r = await svc.deploy('hv', { signal: ac.signal, onLine: (l) => l === 'started' && ac.abort() });
    expect(r.cancelled).toBe(true);
    expect(r.code).toBe(null);
    expect(Date.now() - started).toBeLessThan(5000);
    const childPid = Number((await readFile(pidFile, 'utf8')).trim());
    await new Promise((res) => setTimeout(res, 100));
    expect(alive(childPid)).toBe(false); // the grandchild `sleep` is gone too
    expect(audit.entries[0]).toMatchObject({ outcome: 'cancelled' });
  });

  it('says when the command does not exist', async () => {
    const inv = withHost('    deploy: {mode: local}\n');
    const svc = new ActionService({
      inventory: inv,
      transport: new ScriptedTransport(),
      guard: new ActionGuard(inv, new MemoryAudit()),
      local: { spawn: (_c, _a, o) => (spawnMissing(o)) },
    });
    const r = await svc.deploy('hv');
    expect(r.code).toBe(127);
    expect(r.lastLines).toEqual(['nixos-rebuild: command not found']);
  });
});

/** Running (a zombie left to a non-reaping PID 1 counts as dead). */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** A spawn that fails like a missing binary does (an 'error' event with ENOENT). */
function spawnMissing(_o: SpawnOptions): ChildProcess {
  const child = Object.assign(new EventEmitter(), { stdout: new PassThrough(), stderr: new PassThrough(), pid: undefined, kill: () => true });
  setImmediate(() => child.emit('error', Object.assign(new Error('spawn nixos-rebuild ENOENT'), { code: 'ENOENT' })));
  return child as unknown as ChildProcess;
}

describe('runner update', () => {
  it("runs the seed's nix build in the hypervisor's flake checkout", async () => {
    const { svc, transport, audit } = setup();
    const run = svc.updateRunner('hv', 'vm2');
    await tick();
    expect(sentCommands(transport)).toEqual([`cd /root/simple-microvm-infra && nix build '.#nixosConfigurations.vm2.config.microvm.declaredRunner' -o /var/lib/microvms/vm2/current`]);
    transport.streams[0]!.end({ code: 0 });
    expect((await run).code).toBe(0);
    expect(audit.entries[0]).toMatchObject({ action: 'vm.update', target: 'vm2', outcome: 'ok' });
  });

  it('uses updateCommand with {vm} replaced by the quoted name', async () => {
    const { svc, transport } = setup({ inv: withHost('    remoteFlake: /srv/flake\n    updateCommand: /usr/local/sbin/lab-update {vm} --fail-if {unit}\n') });
    const run = svc.updateRunner(undefined, 'vm3');
    await tick();
    expect(sentCommands(transport)).toEqual(['cd /srv/flake && /usr/local/sbin/lab-update vm3 --fail-if microvm@vm3']);
    transport.streams[0]!.end({ code: 2 });
    expect((await run).code).toBe(2);
  });

  it('reads current and booted to tell "restart needed"', async () => {
    const { svc, transport } = setup();
    transport.on('readlink', { stdout: '/nix/store/bbb-runner-vm1\n/nix/store/aaa-runner-vm1\n' });
    expect(await svc.runnerLinks('hv', 'vm1')).toEqual({ current: '/nix/store/bbb-runner-vm1', booted: '/nix/store/aaa-runner-vm1', outdated: true });
    expect(sentCommands(transport)).toEqual([`printf '%s\\n' "$(readlink /var/lib/microvms/vm1/current)" "$(readlink /var/lib/microvms/vm1/booted)"`]);
    transport.on('readlink', { stdout: '/nix/store/bbb-runner-vm1\n\n' });
    expect(await svc.runnerLinks('hv', 'vm1')).toEqual({ current: '/nix/store/bbb-runner-vm1', booted: null, outdated: false });
  });
});

describe('custom commands', () => {
  it('replaces {dataset} with the quoted value and audits a dangerous one', async () => {
    const { svc, transport, audit } = setup();
    const run = svc.custom('hv', 'snap', 'vm2');
    await tick();
    expect(transport.sent).toEqual([{ target: { host: 'hv', vm: undefined }, command: 'zfs snapshot microvms/storage/vm2@manual', kind: 'stream' }]);
    transport.streams[0]!.end({ code: 0 });
    await run;
    expect(audit.entries[0]).toMatchObject({ action: 'custom.snap', target: 'vm2', outcome: 'ok', command: 'zfs snapshot microvms/storage/vm2@manual' });
  });

  it('needs a VM when the command uses one', async () => {
    const { svc, transport } = setup();
    await expect(svc.custom('hv', 'snap')).rejects.toThrow('snap acts on a VM');
    await expect(svc.custom('hv', 'nope')).rejects.toThrow('no command "nope" on hv');
    expect(transport.sent).toEqual([]);
  });
});

describe('Comin', () => {
  const STATUS = readFileSync('test/fixtures/comin/status-json-from-proto.json', 'utf8');

  it('reads the deployed commit, its status and the last fetch', async () => {
    const { svc, transport } = setup();
    transport.on('comin status --json', { stdout: STATUS });
    const s = await svc.cominStatus('hv');
    expect(s).toMatchObject({
      deployedCommit: '9f2c1e7b4a0d3c5e8f6a1b2c3d4e5f60718293a4',
      deploymentStatus: 'done',
      fetchedAt: Date.parse('2026-11-26T12:19:30Z'),
      needToReboot: false,
    });
  });

  it('says nothing where the host has no comin, and reports a comin that fails', async () => {
    const { svc, transport } = setup();
    transport.on('comin status', { code: 127 });
    expect(await svc.cominStatus('hv')).toBeNull();
    transport.on('comin status', { code: 1, stderr: 'dial unix /var/lib/comin/grpc.sock: connect: no such file or directory\n' });
    expect(await svc.cominStatus('hv')).toEqual({ error: 'dial unix /var/lib/comin/grpc.sock: connect: no such file or directory' });
  });

  it('comin fetch goes through the guard', async () => {
    const { svc, transport, audit } = setup();
    const run = svc.cominFetch('hv');
    await tick();
    expect(sentCommands(transport)).toEqual(['comin fetch']);
    transport.streams[0]!.end({ code: 0 });
    await run;
    expect(audit.entries[0]).toMatchObject({ action: 'comin.fetch', outcome: 'ok' });
  });
});
