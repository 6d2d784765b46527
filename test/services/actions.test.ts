import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ReadOnlyError } from '../../src/services/guard.js';
import { sentCommands, setup } from './actions-helpers.js';

const ACTIVE = readFileSync('test/fixtures/systemctl/lab-show-vm1-active.txt', 'utf8');
const show = (active: string, sub: string, extra = '') => `ActiveState=${active}\nSubState=${sub}\nResult=success\nConditionResult=yes\nNRestarts=0\n${extra}`;

describe('VM restart/start/stop', () => {
  it('sends exactly `systemctl restart UNIT`, waits for the unit to settle and audits the outcome', async () => {
    const { svc, transport, audit } = setup();
    transport.on('systemctl restart', {}).on('systemctl show', { stdout: ACTIVE });
    const [o] = await svc.unitAction('restart', 'hv', ['vm1']);
    expect(sentCommands(transport)).toEqual(['systemctl restart microvm@vm1', 'systemctl show microvm@vm1 -p ActiveState,SubState,Result,ConditionResult,NRestarts']);
    expect(transport.sent.every((s) => s.target.host === 'hv' && s.target.vm === undefined)).toBe(true);
    expect(o).toMatchObject({ ok: true, vm: 'vm1', message: 'vm1: restarted (active/running)', journal: [] });
    expect(audit.entries).toHaveLength(1);
    expect(audit.entries[0]).toMatchObject({ host: 'hv', target: 'vm1', action: 'vm.restart', command: 'systemctl restart microvm@vm1', outcome: 'ok' });
    expect(audit.entries[0]!.user).toBeTruthy();
    expect(Date.parse(audit.entries[0]!.time)).toBeGreaterThan(0);
  });

  it('quotes a unit name that carries shell-special characters', async () => {
    const { svc, transport } = setup();
    transport.on('systemctl stop', {}).on('systemctl show', { stdout: show('inactive', 'dead') });
    const [o] = await svc.unitAction('stop', 'hv', ['odd']);
    expect(sentCommands(transport)[0]).toBe(`systemctl stop 'microvm@odd\\x2dname'`);
    expect(o!.ok).toBe(true);
    expect(o!.message).toBe('odd: stopped (inactive/dead)');
  });

  it('polls while the unit is activating and reports once it is active', async () => {
    const { svc, transport } = setup();
    const states = [show('activating', 'start-pre'), show('activating', 'start'), show('active', 'running')];
    transport.on('systemctl start', {}).on('systemctl show', () => ({ stdout: states.shift() ?? show('active', 'running') }));
    const [o] = await svc.unitAction('start', 'hv', ['vm2'], { pollMs: 200 });
    expect(sentCommands(transport).filter((c) => c.startsWith('systemctl show'))).toHaveLength(3);
    expect(o).toMatchObject({ ok: true, message: 'vm2: started (active/running)' });
  });

  it('gives up waiting after the bound and reports the failure with the journal error lines', async () => {
    const { svc, transport, audit } = setup();
    transport
      .on('systemctl restart', {})
      .on('systemctl show', { stdout: show('activating', 'auto-restart', '').replace('NRestarts=0', 'NRestarts=4') })
      .on('journalctl', { stdout: 'microvm-run: cannot open /dev/kvm\nvm1: exited with status 1\n' });
    const [o] = await svc.unitAction('restart', 'hv', ['vm1'], { settleTimeoutMs: 3000, pollMs: 500 });
    const shows = sentCommands(transport).filter((c) => c.startsWith('systemctl show')).length;
    expect(shows).toBeGreaterThan(3);
    expect(shows).toBeLessThan(10);
    expect(o!.ok).toBe(false);
    expect(o!.message).toMatch(/^vm1: restart failed: still activating \(auto-restart\).*4 restarts/);
    expect(o!.journal).toEqual(['microvm-run: cannot open /dev/kvm', 'vm1: exited with status 1']);
    // only this attempt's lines: since it started (>= 3 s of waiting ago), on the host's clock
    const jq = sentCommands(transport).find((c) => c.startsWith('journalctl'));
    expect(jq).toMatch(/^journalctl -u microvm@vm1 -p warning --since -(\d+)s -n 5 -o cat --all --no-pager$/);
    const age = Number(/--since -(\d+)s/.exec(jq!)![1]);
    expect(age).toBeGreaterThanOrEqual(3);
    expect(age).toBeLessThanOrEqual(6);
    expect(audit.entries[0]).toMatchObject({ outcome: 'failed', action: 'vm.restart' });
    expect(audit.entries[0]!.detail).toContain('cannot open /dev/kvm');
  });

  it('names a failing systemctl and its stderr', async () => {
    const { svc, transport } = setup();
    transport
      .on('systemctl start', { code: 1, stderr: 'Job for microvm@vm1.service failed because the control process exited with error code.\n' })
      .on('systemctl show', { stdout: 'ActiveState=failed\nSubState=failed\nResult=exit-code\nConditionResult=yes\nNRestarts=0\n' })
      .on('journalctl', { stdout: 'boom\n' });
    const [o] = await svc.unitAction('start', 'hv', ['vm1']);
    expect(o!.ok).toBe(false);
    expect(o!.message).toBe('vm1: start failed: systemctl start exited 1: Job for microvm@vm1.service failed because the control process exited with error code.');
    expect(o!.journal).toEqual(['boom']);
  });

  it('says a start was skipped when the runner is missing (ConditionResult=no)', async () => {
    const { svc, transport } = setup();
    transport.on('systemctl start', {}).on('systemctl show', { stdout: 'ActiveState=inactive\nSubState=dead\nResult=success\nConditionResult=no\nNRestarts=0\n' }).on('journalctl', {});
    const [o] = await svc.unitAction('start', 'hv', ['vm2']);
    expect(o!.ok).toBe(false);
    expect(o!.message).toContain('skipped');
    expect(o!.message).toContain('/var/lib/microvms/vm2/current');
  });

  it('acts on several VMs in one call, one command and one audit entry each', async () => {
    const { svc, transport, audit } = setup();
    transport.on('systemctl restart', {}).on('systemctl show microvm@vm1', { stdout: show('active', 'running') }).on('systemctl show microvm@vm2', { stdout: show('failed', 'failed') }).on('journalctl', {});
    const seen: string[] = [];
    const out = await svc.unitAction('restart', 'hv', ['vm1', 'vm2'], { onOutcome: (o) => seen.push(o.vm) });
    expect(sentCommands(transport).filter((c) => c.startsWith('systemctl restart')).sort()).toEqual(['systemctl restart microvm@vm1', 'systemctl restart microvm@vm2']);
    expect(out.map((o) => [o.vm, o.ok])).toEqual([['vm1', true], ['vm2', false]]);
    expect(seen.sort()).toEqual(['vm1', 'vm2']);
    expect(audit.entries.map((e) => [e.target, e.outcome]).sort()).toEqual([['vm1', 'ok'], ['vm2', 'failed']]);
  });

  it('turns a transport error into a failed outcome (and a failed audit entry)', async () => {
    const { svc, transport, audit } = setup();
    transport.on('systemctl restart', () => {
      throw new Error('hv: connection refused (hv.test:22)');
    });
    const [o] = await svc.unitAction('restart', 'hv', ['vm1']);
    expect(o).toMatchObject({ ok: false, message: 'vm1: restart failed: hv: connection refused (hv.test:22)' });
    expect(audit.entries[0]).toMatchObject({ outcome: 'failed', detail: 'hv: connection refused (hv.test:22)' });
  });

  it('refuses an unknown VM or host before sending anything', async () => {
    const { svc, transport } = setup();
    await expect(svc.unitAction('restart', 'hv', ['vm9'])).rejects.toThrow('no VM "vm9" on hv');
    await expect(svc.unitAction('restart', 'nope', ['vm1'])).rejects.toThrow('no host "nope"');
    expect(() => svc.vm('vm1')).toThrow(/vm1 is on several hosts \(hv, ro\)/);
    expect(transport.sent).toEqual([]);
  });
});

describe('read-only at the service layer', () => {
  const actions: Array<[string, (s: ReturnType<typeof setup>['svc'], host: string) => Promise<unknown>]> = [
    ['restart', (s, h) => s.unitAction('restart', h, ['vm1'])],
    ['start', (s, h) => s.unitAction('start', h, ['vm1'])],
    ['stop', (s, h) => s.unitAction('stop', h, ['vm1'])],
    ['deploy', (s, h) => s.deploy(h)],
    ['update', (s, h) => s.updateRunner(h, 'vm1')],
    ['comin fetch', (s, h) => s.cominFetch(h)],
  ];

  for (const [name, act] of actions) {
    it(`refuses ${name} on a read-only host, sends nothing and audits the refusal`, async () => {
      const { svc, transport, audit } = setup();
      await expect(act(svc, 'ro')).rejects.toBeInstanceOf(ReadOnlyError);
      expect(transport.sent).toEqual([]);
      expect(audit.entries).toHaveLength(1);
      expect(audit.entries[0]).toMatchObject({ host: 'ro', outcome: 'refused', detail: 'read-only' });
    });

    it(`refuses ${name} everywhere under --read-only`, async () => {
      const { svc, transport, audit } = setup({ readOnly: true });
      await expect(act(svc, 'hv')).rejects.toThrow(/refused: hv is read-only/);
      expect(transport.sent).toEqual([]);
      expect(audit.entries.map((e) => e.outcome)).toEqual(['refused']);
    });
  }

  it('refuses a dangerous custom command but runs a harmless one unaudited', async () => {
    const { svc, transport, audit } = setup({ readOnly: true });
    await expect(svc.custom('hv', 'snap', 'vm1')).rejects.toBeInstanceOf(ReadOnlyError);
    expect(audit.entries.map((e) => [e.action, e.outcome])).toEqual([['custom.snap', 'refused']]);
    const run = svc.custom('hv', 'uptime', 'vm1');
    transport.streams[0]!.end({ code: 0 });
    expect((await run).code).toBe(0);
    expect(audit.entries).toHaveLength(1);
    expect(transport.sent).toEqual([{ target: { host: 'hv', vm: 'vm1' }, command: 'uptime', kind: 'stream' }]);
  });

  it('refuses all VMs of a multi-VM action, each refusal audited', async () => {
    const { svc, transport, audit } = setup({ readOnly: true });
    await expect(svc.unitAction('stop', 'hv', ['vm1', 'vm2'])).rejects.toBeInstanceOf(ReadOnlyError);
    expect(transport.sent).toEqual([]);
    expect(audit.entries.map((e) => [e.target, e.outcome]).sort()).toEqual([['vm1', 'refused'], ['vm2', 'refused']]);
  });
});
