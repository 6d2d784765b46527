import { mkdtemp, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, defaultConfigPath, loadInventory } from '../../src/config/load.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mvm-config-'));
});

async function write(name: string, text: string): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, text);
  return file;
}

async function problems(text: string): Promise<string[]> {
  const file = await write('config.yaml', text);
  const err = await loadInventory({ config: file }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ConfigError);
  const lines = (err as ConfigError).message.split('\n');
  for (const l of lines) expect(l.startsWith(`${file}:`)).toBe(true);
  return lines.map((l) => l.slice(file.length + 1).trim());
}

const HOST = `hosts:
  - name: lab
    ssh:
      hostname: 127.0.0.1
      user: root
`;

describe('loadInventory', () => {
  it('fills the seed conventions for what a good file leaves out', async () => {
    const file = await write('ok.yaml', HOST + '    vms:\n      - name: vm1\n      - name: vm4\n        role: k3s\n      - name: web\n        address: 10.9.0.7\n');
    const inv = await loadInventory({ config: file });
    expect(inv.source).toBe(file);
    expect(inv.readOnly).toBe(false);
    const [h] = inv.hosts;
    expect(h!.remoteFlake).toBe('/root/simple-microvm-infra');
    expect(h!.deploy.mode).toBe('local');
    expect(h!.vmAccess.mode).toBe('nested');
    expect(h!.vms[0]).toEqual({ name: 'vm1', role: '', address: '10.1.0.2', unit: 'microvm@vm1', dataset: 'microvms/storage/vm1', bridge: 'br-vm1', tap: 'vm-vm1' });
    expect(h!.vms[1]!.address).toBe('10.4.0.2');
    expect(h!.vms[1]!.role).toBe('k3s');
    expect(h!.vms[2]!.address).toBe('10.9.0.7');
  });

  it('uses the pool for default datasets and ORs --read-only in', async () => {
    const file = await write('ok.yaml', HOST + '    pool: tank\n    vms: [{name: vm2}]\n');
    const inv = await loadInventory({ config: file, readOnly: true });
    expect(inv.hosts[0]!.vms[0]!.dataset).toBe('tank/storage/vm2');
    expect(inv.readOnly).toBe(true);
    const rw = await loadInventory({ config: file, readOnly: false });
    expect(rw.readOnly).toBe(false);
  });

  it('reads $XDG_CONFIG_HOME/mvm-tui/config.yaml, else ~/.config', async () => {
    await mkdir(join(dir, 'mvm-tui'));
    await writeFile(join(dir, 'mvm-tui', 'config.yaml'), HOST);
    const inv = await loadInventory({ env: { XDG_CONFIG_HOME: dir } });
    expect(inv.source).toBe(join(dir, 'mvm-tui', 'config.yaml'));
    expect(defaultConfigPath({ HOME: '/home/ann' })).toBe('/home/ann/.config/mvm-tui/config.yaml');
    expect(defaultConfigPath({ HOME: '/home/ann', XDG_CONFIG_HOME: '' })).toBe('/home/ann/.config/mvm-tui/config.yaml');
  });

  it('names the exact path of a bad VM name and refuses shell metacharacters', async () => {
    const p = await problems(HOST + '    vms:\n      - name: vm1\n      - name: vm2\n      - name: "x; reboot"\n');
    expect(p).toHaveLength(1);
    expect(p[0]).toMatch(/^hosts\[0\]\.vms\[2\]\.name: a VM name: letters/);
    expect(p[0]).toMatch(/\(line 9\)$/);
  });

  it('refuses a dataset carrying a command substitution', async () => {
    const p = await problems(HOST + '    vms:\n      - name: vm1\n        dataset: "microvms/$(reboot)"\n');
    expect(p).toEqual([expect.stringMatching(/^hosts\[0\]\.vms\[0\]\.dataset: a ZFS dataset/)]);
  });

  it('reports every problem, one line each: unknown keys, wrong types, missing fields, bad enums', async () => {
    const p = await problems(
      'refreshMs: fast\nhosts:\n  - name: a\n    ssh: {user: root}\n  - name: b\n    ssh: {hostname: h, strictHostKeyChecking: no}\n    colour: red\n',
    );
    expect(p).toContainEqual(expect.stringMatching(/^refreshMs: expected number, got string/));
    expect(p).toContainEqual(expect.stringMatching(/^hosts\[0\]\.ssh: set either alias .* or hostname/));
    expect(p).toContainEqual(expect.stringMatching(/^hosts\[1\]\.ssh\.strictHostKeyChecking: /));
    expect(p).toContainEqual(expect.stringMatching(/^hosts\[1\]: unknown key "colour"/));
    expect(p).toHaveLength(4);
  });

  it('says when a required field is missing and when names repeat', async () => {
    expect(await problems('hosts:\n  - ssh: {hostname: h}\n')).toEqual([expect.stringMatching(/^hosts\[0\]\.name: required/)]);
    expect(await problems('readOnly: true\n')).toEqual([expect.stringMatching(/^hosts: required/)]);
    const dup = await problems(HOST + '    vms: [{name: vm1}, {name: vm1}]\n');
    expect(dup).toEqual([expect.stringMatching(/^hosts\[0\]\.vms\[1\]\.name: duplicate VM name "vm1"/)]);
  });

  it('gives line:col for YAML syntax errors', async () => {
    const p = await problems('hosts:\n  - name: a\n   ssh: [\n');
    expect(p[0]).toMatch(/^3:\d+: /);
    const dupKey = await problems('hosts: []\nhosts: []\n');
    expect(dupKey[0]).toMatch(/^2:1: .*[Uu]nique/);
  });

  it('explains an empty file and a missing one', async () => {
    expect((await problems('  \n'))[0]).toMatch(/the file is empty/);
    expect((await problems('# only a comment\n'))[0]).toMatch(/the file is empty/);
    const missing = join(dir, 'absent.yaml');
    const err = (await loadInventory({ config: missing }).catch((e: unknown) => e)) as ConfigError;
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.missing).toBe(true);
    expect(err.message).toContain(missing);
    expect(err.message).toContain('mvm-tui config init');
    expect(err.message).toContain('--demo');
  });

  it('refuses a top level that is not a mapping', async () => {
    expect(await problems('- just\n- a list\n')).toEqual([expect.stringMatching(/^\(top level\): expected object, got array/)]);
  });
});
