// What a VM answers over nested ssh: identity, uptime and a role-specific command or two.

import type { CmdContext } from '../shell.js';
import { uptimeLine } from './host.js';

export function guestUptime(_argv: string[], ctx: CmdContext): number {
  const vm = ctx.vm!;
  const up = Math.floor((ctx.hv.clock.now() - vm.bootedAt) / 1000);
  ctx.io.out(uptimeLine(ctx.hv.clock.now(), up, [0.08, 0.11, 0.09], 0));
  return 0;
}

export function guestCat(argv: string[], ctx: CmdContext): number {
  const vm = ctx.vm!;
  const files: Record<string, string> = {
    '/etc/hostname': `${vm.name}\n`,
    '/proc/loadavg': '0.08 0.11 0.09 1/187 2231\n',
    '/etc/os-release': 'NAME=NixOS\nID=nixos\nPRETTY_NAME="NixOS 25.11 (Xantusia)"\nVERSION_ID="25.11"\n',
  };
  let code = 0;
  for (const p of argv.slice(1)) {
    if (files[p] !== undefined) ctx.io.out(files[p]);
    else {
      ctx.io.err(`cat: ${p}: No such file or directory\n`);
      code = 1;
    }
  }
  return code;
}

export function guestSystemctl(argv: string[], ctx: CmdContext): number {
  if (argv[1] === 'is-system-running') {
    ctx.io.out('running\n');
    return 0;
  }
  ctx.io.err(`systemctl: the demo guest ${ctx.vm!.name} only answers is-system-running\n`);
  return 1;
}

export function kubectl(argv: string[], ctx: CmdContext): number {
  if (argv.slice(1).join(' ').replace(/^k3s /, '') !== 'get nodes') {
    ctx.io.err('error: the demo cluster answers only `kubectl get nodes`\n');
    return 1;
  }
  ctx.io.out(`NAME   STATUS   ROLES                  AGE   VERSION\n${ctx.vm!.name}    Ready    control-plane,master   39d   v1.31.4+k3s1\n`);
  return 0;
}

export function incus(argv: string[], ctx: CmdContext): number {
  if (argv[1] !== 'list') {
    ctx.io.err('Error: the demo Incus host answers only `incus list`\n');
    return 1;
  }
  ctx.io.out(
    '+--------+---------+---------------------+------+-----------+-----------+\n|  NAME  |  STATE  |        IPV4         | IPV6 |   TYPE    | SNAPSHOTS |\n+--------+---------+---------------------+------+-----------+-----------+\n| web1   | RUNNING | 10.42.17.23 (eth0)  |      | CONTAINER | 2         |\n+--------+---------+---------------------+------+-----------+-----------+\n| db1    | RUNNING | 10.42.17.51 (eth0)  |      | CONTAINER | 5         |\n+--------+---------+---------------------+------+-----------+-----------+\n',
  );
  return 0;
}
