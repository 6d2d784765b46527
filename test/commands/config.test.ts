import { mkdtemp, readFile, writeFile, mkdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import { configInit, makeConfigCheck, type HostSetupResult } from '../../src/commands/config.js';
import { setupChecks, setupSections } from '../../src/checks/setup-checks.js';
import { resolveInventory } from '../../src/config/resolve.js';
import { inventorySchema } from '../../src/config/schema.js';
import { renderGatherScript, splitSections } from '../../src/host/gather.js';
import type { CommandContext, GlobalOptions } from '../../src/commands/types.js';
import { commandContext } from '../helpers/command-context.js';

// Unit tests dial no host: the checks on the host are stubbed (test/lab/operator.test.ts runs them for real).
let hostResults: HostSetupResult[] = [];
const configCheck = makeConfigCheck({ checkHosts: async () => hostResults });

function ctx(global: Partial<GlobalOptions>, values: CommandContext['values'] = {}, args: string[] = []) {
  return commandContext({ global, values, args });
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mvm-cmd-'));
  vi.stubEnv('XDG_CONFIG_HOME', dir);
});
afterEach(() => vi.unstubAllEnvs());

describe('mvm-tui config init', () => {
  it('writes the starter file to the XDG path, and config check accepts it', async () => {
    const init = ctx({});
    expect(await configInit.run(init.c)).toBe(0);
    const file = join(dir, 'mvm-tui', 'config.yaml');
    expect(init.out()).toContain(file);
    expect(await readFile(file, 'utf8')).toMatch(/^# mvm-tui inventory/);
    const check = ctx({});
    expect(await configCheck.run(check.c)).toBe(0);
    expect(parse(check.out()).hosts[0].vms[0].unit).toBe('microvm@vm1');
    // docs/troubleshooting.md says config check shows which keys are tried: it does, for this file too
    expect(check.err()).toMatch(/: keys tried: .*id_ed25519/);
  });

  it('refuses to overwrite an existing file (exit 2) and leaves it untouched', async () => {
    const file = join(dir, 'mine.yaml');
    await writeFile(file, 'precious: true\n');
    const r = ctx({ config: file });
    expect(await configInit.run(r.c)).toBe(2);
    expect(r.err()).toContain('already exists');
    expect(await readFile(file, 'utf8')).toBe('precious: true\n');
  });

  it('creates missing parent directories for --config', async () => {
    const file = join(dir, 'a', 'b', 'config.yaml');
    expect(await configInit.run(ctx({ config: file }).c)).toBe(0);
    expect((await stat(file)).isFile()).toBe(true);
  });
});

describe('mvm-tui config check', () => {
  it('prints the resolved inventory as JSON with --json and reflects --read-only', async () => {
    const file = join(dir, 'c.yaml');
    await writeFile(file, 'hosts:\n  - name: lab\n    ssh: {hostname: 127.0.0.1}\n    vms: [{name: vm3}]\n');
    const r = ctx({ config: file, readOnly: true }, { json: true });
    expect(await configCheck.run(r.c)).toBe(0);
    const inv = JSON.parse(r.out());
    expect(inv.readOnly).toBe(true);
    expect(inv.hosts[0].vms[0]).toMatchObject({ address: '10.3.0.2', dataset: 'microvms/storage/vm3', bridge: 'br-vm3' });
    expect(r.err()).toContain('ok (1 host, 1 VM)');
  });

  it('says, per host, where it connects and what resolved the ssh config; a bad ssh config fails the check', async () => {
    const ssh = join(dir, 'ssh_config');
    await writeFile(ssh, 'Host hv\n  HostName 10.9.9.9\n  User admin\n  ProxyJump bastion:2222\n');
    const file = join(dir, 'c.yaml');
    await writeFile(file, `hosts:\n  - name: lab\n    ssh: {alias: hv, configFile: ${ssh}}\n`);
    const r = ctx({ config: file });
    expect(await configCheck.run(r.c)).toBe(0);
    expect(r.err()).toMatch(new RegExp(`^lab: ssh admin@10\\.9\\.9\\.9:22 via jump \\S+@bastion:2222, resolved by OpenSSH \\(ssh -G -F ${ssh}\\)$`, 'm'));
    vi.stubEnv('MVM_TUI_SSH_RESOLVER', 'builtin');
    const b = ctx({ config: file });
    expect(await configCheck.run(b.c)).toBe(0);
    expect(b.err()).toContain(`resolved by the built-in reader (${ssh}; no OpenSSH client found)`);
    // OpenSSH refuses the whole file for one bad line, and so does the built-in reader
    await writeFile(ssh, 'Host hv\n  HostName 10.9.9.9\nHost other\n  Port 99999\n');
    const bad = ctx({ config: file });
    expect(await configCheck.run(bad.c)).toBe(2);
    expect(bad.err()).toMatch(/^lab: .*Bad port '99999'/m);
  });

  it('exits 2 with the problem on stderr and nothing on stdout', async () => {
    await mkdir(join(dir, 'mvm-tui'));
    await writeFile(join(dir, 'mvm-tui', 'config.yaml'), 'hosts:\n  - name: "bad name"\n    ssh: {hostname: h}\n');
    const r = ctx({});
    expect(await configCheck.run(r.c)).toBe(2);
    expect(r.out()).toBe('');
    expect(r.err()).toMatch(/config\.yaml: hosts\[0\]\.name: a VM name/);
  });

  it('exits 2 for a missing file and says how to create one', async () => {
    const r = ctx({});
    expect(await configCheck.run(r.c)).toBe(2);
    expect(r.err()).toContain('mvm-tui config init');
  });
});

describe('config check on the host', () => {
  it('says what the inventory points at is missing on the host, and exits 1', async () => {
    const init = ctx({});
    expect(await configInit.run(init.c)).toBe(0);
    hostResults = [
      {
        host: 'hypervisor',
        checks: [
          { id: 'setup.remoteFlake', title: 'remoteFlake exists on the host', ok: false, evidence: '/root/simple-microvm-infra: missing (…)' },
          { id: 'setup.pool', title: 'Pool microvms exists', ok: true, evidence: 'microvms: imported' },
        ],
      },
    ];
    const check = ctx({});
    expect(await configCheck.run(check.c)).toBe(1);
    expect(check.err()).toContain('hypervisor: [FAIL] /root/simple-microvm-infra: missing');
    expect(check.err()).toContain('hypervisor: [ok  ] microvms: imported');
    expect(check.err()).toMatch(/1 thing the inventory points at is missing/);
    // --offline checks the file alone
    const off = ctx({}, { offline: true });
    expect(await configCheck.run(off.c)).toBe(0);
    hostResults = [{ host: 'hypervisor', error: 'connect ECONNREFUSED' }];
    const down = ctx({});
    expect(await configCheck.run(down.c)).toBe(1);
    expect(down.err()).toContain('hypervisor: could not check on the host: connect ECONNREFUSED');
    hostResults = [];
  });

  it('judges the sections run on the host: a missing flake dir, update program, pool and storage unit', () => {
    const inv = resolveInventory(
      inventorySchema.parse({ hosts: [{ name: 'hv', ssh: { hostname: 'hv' }, remoteFlake: '/srv/flake', updateCommand: 'FOO=1 /usr/local/sbin/update-runner {vm}', deploy: { mode: 'remote' } }] }),
      'test',
    );
    const h = inv.hosts[0]!;
    const script = renderGatherScript(setupSections(h));
    expect(script).toContain("test -d /srv/flake");
    expect(script).toContain('command -v /usr/local/sbin/update-runner');
    expect(script).toContain('command -v nixos-rebuild');
    expect(script).toContain('zpool list -H -o name microvms');
    expect(script).toContain('systemctl show -p LoadState --value ebs-volume-microvm-storage');
    // as bash and systemd 252 answered on the lab for things that are not there
    const out = [
      '@@mvm setup.flake', '@@rc 1',
      '@@mvm setup.update', '@@rc 1',
      '@@mvm setup.deploy', '/run/current-system/sw/bin/nixos-rebuild', '@@rc 0',
      '@@mvm setup.pool', "cannot open 'microvms': no such pool", '@@rc 1',
      '@@mvm setup.storage', 'not-found', '@@rc 0',
    ].join('\n') + '\n';
    const checks = setupChecks(h, splitSections(out));
    expect(checks.map((c) => [c.id, c.ok])).toEqual([
      ['setup.remoteFlake', false],
      ['setup.updateCommand', false],
      ['setup.deployCommand', true],
      ['setup.pool', false],
      ['setup.storageUnit', false],
    ]);
    expect(checks[1]!.evidence).toBe('/usr/local/sbin/update-runner: not found on the host (updateCommand: FOO=1 /usr/local/sbin/update-runner {vm})');
    expect(checks[3]!.evidence).toMatch(/cannot open 'microvms': no such pool/);
    expect(checks[4]!.evidence).toMatch(/ebs-volume-microvm-storage: not-found/);
    // nothing ran (the exec failed): unknown, never passing
    expect(setupChecks(h, new Map()).every((c) => c.ok === null)).toBe(true);
  });
});
