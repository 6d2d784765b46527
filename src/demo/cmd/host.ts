// uptime, free, hostname and uname in procps' and coreutils' layouts.

import type { CmdContext } from '../shell.js';

export function uptimeLine(nowMs: number, upSec: number, load: [number, number, number], users: number): string {
  const d = new Date(nowMs);
  const p2 = (n: number) => String(n).padStart(2, '0');
  const days = Math.floor(upSec / 86400);
  const h = Math.floor((upSec % 86400) / 3600);
  const m = Math.floor((upSec % 3600) / 60);
  const up = `${days ? `${days} day${days > 1 ? 's' : ''}, ` : ''}${h ? `${String(h).padStart(2)}:${p2(m)}` : `${m} min`}`;
  return ` ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} up ${up},  ${users} user${users === 1 ? '' : 's'},  load average: ${load.map((x) => x.toFixed(2)).join(', ')}\n`;
}

export function uptime(_argv: string[], ctx: CmdContext): number {
  ctx.io.out(uptimeLine(ctx.hv.clock.now(), ctx.hv.uptimeSec(), ctx.hv.loadavg(), 1));
  return 0;
}

export function free(argv: string[], ctx: CmdContext): number {
  const bytes = argv.includes('-b') ? 1 : 1024;
  const totalKb = ctx.hv.memTotalKb();
  const usedKb = ctx.hv.memUsedKb();
  const cache = 1_917_656;
  const v = (kb: number) => String(Math.round((kb * 1024) / bytes)).padStart(12);
  ctx.io.out(
    `${''.padEnd(8)}${['total', 'used', 'free', 'shared', 'buff/cache', 'available'].map((h) => h.padStart(12)).join('')}\n` +
      `${'Mem:'.padEnd(8)}${v(totalKb)}${v(usedKb)}${v(totalKb - usedKb - cache)}${v(12_440)}${v(cache)}${v(totalKb - usedKb)}\n` +
      `${'Swap:'.padEnd(8)}${v(0)}${v(0)}${v(0)}\n`,
  );
  return 0;
}

export function hostname(_argv: string[], ctx: CmdContext): number {
  ctx.io.out(`${ctx.vm?.name ?? ctx.hv.hostname}\n`);
  return 0;
}

export function uname(argv: string[], ctx: CmdContext): number {
  const name = ctx.vm?.name ?? ctx.hv.hostname;
  const all = argv.includes('-a');
  ctx.io.out(all ? `Linux ${name} 6.12.8 #1-NixOS SMP Thu Jan  2 09:34:21 UTC 2025 aarch64 GNU/Linux\n` : argv.includes('-r') ? '6.12.8\n' : argv.includes('-m') ? 'aarch64\n' : 'Linux\n');
  return 0;
}
