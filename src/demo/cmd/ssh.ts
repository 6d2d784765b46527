// Nested ssh from the hypervisor into a VM (the seed's way: `ssh -i KEY root@10.X.0.2 CMD`). The VM
// answers only while its unit is running and its sshd is up; otherwise ssh fails as it would.

import { sleep } from '../clock.js';
import type { CmdContext } from '../shell.js';
import { OptError, getopt } from './getopt.js';

const SPEC = { shortArg: 'BbcDEeFIiJLlmOoPpQRSWw', shortFlag: '46AaCfGgKkMNnqsTtVvXxYy', stopAtArg: true };

export async function ssh(argv: string[], ctx: CmdContext): Promise<number> {
  let p;
  try {
    p = getopt(argv.slice(1), SPEC);
  } catch (e) {
    ctx.io.err(`ssh: ${(e as OptError).message}\nusage: ssh [-46AaCfGgKkMNnqsTtVvXxYy] [-B bind_interface] [-b bind_address] ... destination [command [argument ...]]\n`);
    return 255;
  }
  const [dest, ...cmd] = p.args[0] === '--' ? p.args.slice(1) : p.args;
  if (!dest) {
    ctx.io.err('usage: ssh [-46AaCfGgKkMNnqsTtVvXxYy] [-B bind_interface] [-b bind_address] ... destination [command [argument ...]]\n');
    return 255;
  }
  const opts = new Map((p.opts.get('-o') ?? []).map((o) => o.split(/[= ]/, 2) as [string, string]));
  const timeout = Math.min(Number(opts.get('ConnectTimeout') ?? 10), 10) * 1000;
  const host = dest.replace(/^[^@]*@/, '');
  const port = p.opts.get('-p')?.at(-1) ?? '22';
  const command = (cmd[0] === '--' ? cmd.slice(1) : cmd).join(' ');
  const vm = [...ctx.hv.vms.values()].find((v) => v.address === host || v.name === host);
  if (!vm) {
    if (!/^[\d.]+$/.test(host)) {
      ctx.io.err(`ssh: Could not resolve hostname ${host}: Name or service not known\n`);
      return 255;
    }
    await sleep(ctx.hv.clock, timeout, ctx.signal);
    ctx.io.err(`ssh: connect to host ${host} port ${port}: Connection timed out\n`);
    return 255;
  }
  const r = ctx.hv.reachable(vm);
  if (r === 'no-route') {
    await sleep(ctx.hv.clock, Math.min(timeout, 3000), ctx.signal);
    ctx.io.err(`ssh: connect to host ${host} port ${port}: No route to host\n`);
    return 255;
  }
  if (r === 'refused') {
    ctx.io.err(`ssh: connect to host ${host} port ${port}: Connection refused\n`);
    return 255;
  }
  if (command.trim() === '') {
    // a login shell on the VM: on the client's pty (`ssh -t HV 'ssh -t VM'`, mvm-tui's s), else nothing to run
    const term = ctx.io.terminal;
    if (!term) {
      ctx.io.err('Pseudo-terminal will not be allocated because stdin is not a terminal.\n');
      return 0;
    }
    const code = await term.repl(
      `[root@${vm.name}:~]# `,
      (line, out, signal) => ctx.runIn(line, vm, { out, err: out }, AbortSignal.any([signal, ctx.signal])),
      `mvm-tui demo guest ${vm.name}: a simulated shell (hostname, uptime, cat, systemctl is-system-running ...); exit or ctrl-d leaves.\n`,
    );
    ctx.io.err(`Connection to ${host} closed.\r\n`); // as ssh says it on its pty
    return code;
  }
  return ctx.runIn(command, vm, ctx.io, ctx.signal);
}
