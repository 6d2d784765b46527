import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseInventoryText } from '../../src/config/load.js';
import { shellArgv } from '../../src/controller/shell.js';
import type { LocalEnv } from '../../src/ssh/endpoint.js';

// The shells run OpenSSH, which takes ~ from the password database, not $HOME: the argv carries the config file
// the app read (-F) and what the app resolved (HostName, User, Port, keys, known_hosts), so both read the same.

const home = mkdtempSync(join(tmpdir(), 'mvm-shell-home-'));
const env: LocalEnv = { home, localUser: 'me', agentSocket: undefined };
const inv = (ssh: string, vmAccess = '') =>
  parseInventoryText(`hosts:\n  - name: hv\n    ssh: {${ssh}}\n${vmAccess}    vms: [{name: vm1}]\n`, 'test.yaml').hosts[0]!;
const plain = 'hostname: 127.0.0.1, user: root, port: 2222, identityFile: /keys/hv, knownHostsFile: /keys/kh';
const opt = (argv: string[], key: string) => argv.filter((_a, i) => argv[i - 1] === '-o' && argv[i]!.startsWith(`${key}=`)).map((a) => a.slice(key.length + 1));

describe('interactive shell argv', () => {
  it("reaches the hypervisor with the inventory's key, port and known_hosts, and no config file when there is none", () => {
    const argv = shellArgv(inv(plain), undefined, env);
    expect(argv.slice(0, 4)).toEqual(['ssh', '-t', '-F', 'none']);
    expect(argv.at(-1)).toBe('127.0.0.1');
    expect(opt(argv, 'HostName')).toEqual(['127.0.0.1']);
    expect(opt(argv, 'User')).toEqual(['root']);
    expect(opt(argv, 'Port')).toEqual(['2222']);
    expect(opt(argv, 'IdentityFile')[0]).toBe('/keys/hv');
    expect(opt(argv, 'UserKnownHostsFile')).toEqual([`/keys/kh ${home}/.ssh/known_hosts ${home}/.ssh/known_hosts2`]);
    expect(opt(argv, 'ConnectTimeout')).toEqual(['10']);
  });

  it("with another HOME: passes $HOME's ~/.ssh/config and $HOME paths, and OpenSSH resolves the alias from them", () => {
    const h2 = mkdtempSync(join(tmpdir(), 'mvm-shell-home-'));
    mkdirSync(join(h2, '.ssh'));
    writeFileSync(join(h2, '.ssh/config'), 'Host myhv\n  HostName 10.20.30.40\n  User admin\n  Port 2200\n  IdentityFile ~/.ssh/hv_key\n  UserKnownHostsFile ~/.ssh/kh_hv\n');
    const argv = shellArgv(inv('alias: myhv'), undefined, { ...env, home: h2 });
    expect(argv.slice(2, 4)).toEqual(['-F', join(h2, '.ssh/config')]);
    expect(opt(argv, 'IdentityFile')).toEqual([join(h2, '.ssh/hv_key')]);
    expect(opt(argv, 'UserKnownHostsFile')).toEqual([join(h2, '.ssh/kh_hv')]);
    // what the shell's ssh will use: ssh -G with the same argv (it never connects)
    const g = execFileSync('ssh', ['-G', ...argv.slice(2)], { encoding: 'utf8' });
    expect(g).toMatch(/^hostname 10\.20\.30\.40$/m);
    expect(g).toMatch(/^user admin$/m);
    expect(g).toMatch(/^port 2200$/m);
    expect(g).toContain(`identityfile ${join(h2, '.ssh/hv_key')}`);
    expect(g).toContain(`userknownhostsfile ${join(h2, '.ssh/kh_hv')}`);
  });

  it('nested: runs ssh on the hypervisor with its own key, as the seed does', () => {
    const h = inv(plain);
    const argv = shellArgv(h, h.vms[0], env);
    expect(argv.slice(0, -1)).toEqual(shellArgv(h, undefined, env));
    expect(argv[argv.length - 1]).toBe('ssh -t -i /root/.ssh/id_ed25519 root@10.1.0.2');
  });

  it("proxyjump: tunnels through the hypervisor's resolved ssh, with the keys and known_hosts the app uses for the VM", () => {
    const h = inv(plain, '    vmAccess: {mode: proxyjump, knownHostsFile: /keys/vm_kh}\n');
    const argv = shellArgv(h, h.vms[0], env);
    expect(argv.at(-1)).toBe('root@10.1.0.2');
    expect(opt(argv, 'ProxyCommand')[0]).toMatch(/^ssh -F none -o HostName=127\.0\.0\.1 .* -W %h:%p 127\.0\.0\.1$/);
    expect(opt(argv, 'UserKnownHostsFile')).toEqual(['/keys/vm_kh']);
    expect(opt(argv, 'IdentityFile')[0]).toBe('/keys/hv');
  });
});
