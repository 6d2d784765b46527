// The command tables: argv[0] -> implementation, for the hypervisor and for a VM reached by nested ssh.

import type { DemoVm } from '../state.js';
import type { Command } from '../shell.js';
import * as b from './builtins.js';
import * as g from './guest.js';
import { df } from './df.js';
import * as f from './files.js';
import * as h from './host.js';
import { ip } from './ip.js';
import { journalctl } from './journalctl.js';
import { comin, nix, nixosRebuild } from './nix.js';
import { ssh } from './ssh.js';
import { systemctl } from './systemctl.js';
import { zfs } from './zfs.js';
import { zpool } from './zpool.js';

const common: Record<string, Command> = {
  echo: b.echo,
  printf: b.printf,
  true: b.trueCmd,
  ':': b.trueCmd,
  false: b.falseCmd,
  cd: b.cd,
  exit: b.exit,
  sleep: b.sleep,
  timeout: b.timeout,
  wait: b.wait,
  whoami: b.whoami,
  id: b.id,
  date: b.date,
  head: b.head,
  tail: b.tail,
  grep: b.grep,
  wc: b.wc,
  kill: b.kill,
  hostname: h.hostname,
  uname: h.uname,
};

export const hostCommands: Record<string, Command> = {
  ...common,
  systemctl,
  journalctl,
  zfs,
  zpool,
  cat: f.cat,
  df,
  readlink: f.readlink,
  stat: f.stat,
  test: f.test,
  '[': f.test,
  ls: f.ls,
  ip,
  free: h.free,
  uptime: h.uptime,
  ssh,
  nix,
  'nixos-rebuild': nixosRebuild,
  comin,
  command: (argv, ctx) => b.command(argv, ctx, new Set(Object.keys(hostCommands))),
};

export function guestCommands(vm: DemoVm): Record<string, Command> {
  const t: Record<string, Command> = { ...common, uptime: g.guestUptime, cat: g.guestCat, systemctl: g.guestSystemctl };
  if (vm.role === 'k3s') {
    t.kubectl = g.kubectl;
    t.k3s = g.kubectl;
  }
  if (vm.role === 'incus') t.incus = g.incus;
  return t;
}

export function commandTable(vm: DemoVm | undefined): Record<string, Command> {
  return vm ? guestCommands(vm) : hostCommands;
}
