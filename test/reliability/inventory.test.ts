import { describe, expect, it } from 'vitest';
import { ConfigError, parseInventoryText } from '../../src/config/load.js';
import { shellArgv } from '../../src/controller/shell.js';

// A malicious inventory value is refused when the file is loaded, with a message naming the key and the line,
// before anything could be built from it.

const host = (extra: string, vm = '') =>
  `hosts:\n  - name: lab\n    ssh:\n      hostname: 127.0.0.1\n      user: root\n${extra}    vms:\n      - name: vm1\n${vm}`;

function refusal(text: string): string {
  try {
    parseInventoryText(text, 'evil.yaml');
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).message;
  }
  throw new Error('accepted a malicious inventory');
}

const CASES: Array<[string, string, RegExp]> = [
  ['VM name with a command', host('', '      - name: "vm2; rm -rf /"\n'), /hosts\[0\]\.vms\[1\]\.name: a VM name.*\(line 8\)/],
  ['unit with a substitution', host('', '        unit: "microvm@$(reboot)"\n'), /vms\[0\]\.unit: a systemd unit name.*\(line 8\)/],
  ['dataset with a space and a second command', host('', '        dataset: "microvms/storage/vm1 && zfs destroy -r microvms"\n'), /vms\[0\]\.dataset: a ZFS dataset/],
  ['dataset read as an option', host('', '        dataset: "-r"\n'), /vms\[0\]\.dataset: a ZFS dataset/],
  ['tap with a backtick', host('', '        tap: "vm`id`"\n'), /vms\[0\]\.tap: a network interface name/],
  ['VM address with a newline', host('', '        address: "10.1.0.2\\nreboot"\n'), /vms\[0\]\.address: a hostname or IP address/],
  ['microvms dir with a substitution', host('    microvmsDir: "/var/lib/$(id)"\n'), /microvmsDir: a path without shell metacharacters/],
  ['pool with a semicolon', host('    pool: "microvms;reboot"\n'), /pool: a ZFS dataset/],
  ['storage unit with a pipe', host('    storageUnit: "ebs|sh"\n'), /storageUnit: a systemd unit name/],
  ['nested ssh option with a space', host('    vmAccess:\n      remoteSshOptions: ["-oProxyCommand=sh -c reboot"]\n'), /remoteSshOptions\[0\]/],
  ['hostname read as an ssh option', host('').replace('hostname: 127.0.0.1', 'hostname: "-Fevil"'), /ssh\.hostname: a hostname or IP address/],
  ['ssh alias read as an ssh option', host('').replace('hostname: 127.0.0.1', 'alias: "-Fevil"'), /ssh\.alias/],
  ['VM address read as an ssh option', host('', '        address: "-Fevil"\n'), /vms\[0\]\.address: a hostname or IP address/],
  ['custom command name with a quote', host("    commands:\n      - { name: \"x'y\", command: uptime }\n"), /commands\[0\]\.name: a lower-case command name/],
  ['flake attribute with a substitution', host('    flakeAttr: "h$(id)"\n'), /flakeAttr/],
];

describe('a malicious inventory is refused at load', () => {
  for (const [what, text, message] of CASES) {
    it(what, () => {
      expect(refusal(text)).toMatch(message);
    });
  }

  it('the same file without the hostile value loads (the cases test the value, not the frame)', () => {
    expect(parseInventoryText(host(''), 'ok.yaml').hosts[0]!.vms[0]!.unit).toBe('microvm@vm1');
  });

  it('an interactive shell never gets a destination that reads as an ssh option', () => {
    const inv = parseInventoryText(host('').replace('      user: root\n', ''), 'ok.yaml');
    const argv = shellArgv(inv.hosts[0]!, undefined, { home: '/nonexistent', localUser: 'me' });
    expect(argv.at(-1)).toBe('127.0.0.1');
  });
});
