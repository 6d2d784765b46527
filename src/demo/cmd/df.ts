// df as coreutils prints it (-B1 -P, -h, --output): ZFS datasets report referenced + available.

import type { CmdContext } from '../shell.js';
import { lookup } from './files.js';
import { OptError, getopt, has, last } from './getopt.js';

const GiB = 1024 ** 3;

export function df(argv: string[], ctx: CmdContext): number {
  let p;
  try {
    p = getopt(argv.slice(1), { shortArg: 'Bt', shortFlag: 'PkhHTal', longArg: ['block-size', 'output'], longOptional: [], longFlag: ['portability', 'human-readable', 'local', 'all', 'print-type'] });
  } catch (e) {
    ctx.io.err(`df: ${(e as OptError).message}\n`);
    return 1;
  }
  const hv = ctx.hv;
  const z = hv.zfs;
  const mounts: Array<{ src: string; type: string; size: number; used: number; avail: number; target: string }> = [
    { src: '/dev/nvme0n1p2', type: 'ext4', size: 52_589_998_080, used: 14_021_902_336, avail: 35_862_364_160, target: '/' },
    { src: 'tmpfs', type: 'tmpfs', size: 16_625_270_784, used: 0, avail: 16_625_270_784, target: '/dev/shm' },
    { src: '/dev/nvme0n1p1', type: 'vfat', size: 535_805_952, used: 62_504_960, avail: 473_300_992, target: '/boot' },
  ];
  for (const d of z.sorted())
    if (d.type === 'filesystem') mounts.push({ src: d.name, type: 'zfs', size: d.referenced + z.available(), used: d.referenced, avail: z.available(), target: z.mountpointOf(d) });
  const bs = (last(p, '-B', '--block-size') ?? (has(p, '-k') ? '1K' : '1K')).replace(/^1$/, '1');
  const block = bs === '1' ? 1 : /^1?K$/i.test(bs) ? 1024 : /^1?M$/i.test(bs) ? 1024 ** 2 : /^1?G$/i.test(bs) ? GiB : Number(bs) || 1024;
  const human = has(p, '-h', '--human-readable');
  const posix = has(p, '-P', '--portability');
  const rows: typeof mounts = [];
  const targets = p.args.length ? p.args : null;
  if (targets) {
    for (const path of targets) {
      if (!lookup(ctx, path) && !path.startsWith('/proc')) {
        ctx.io.err(`df: ${path}: No such file or directory\n`);
        return 1;
      }
      const m = [...mounts].sort((a, b) => b.target.length - a.target.length).find((m) => path === m.target || path.startsWith(m.target === '/' ? '/' : m.target + '/'));
      if (m) rows.push(m);
    }
  } else rows.push(...mounts);
  const fmt = (n: number) => (human ? hum(n) : String(Math.ceil(n / block)));
  const sizeHdr = human ? 'Size' : posix ? `${block === 1 ? '1' : block === 1024 ? '1024' : String(block)}-blocks` : `${block === 1 ? '1B' : block === 1024 ? '1K' : bs}-blocks`;
  const pct = (m: (typeof rows)[number]) => (m.size ? `${Math.ceil((m.used * 100) / (m.used + m.avail))}%` : '-');
  const output = last(p, '--output');
  const fields = output ? output.split(',') : ['source', ...(has(p, '-T', '--print-type') ? ['fstype'] : []), 'size', 'used', 'avail', 'pcent', 'target'];
  const spec: Record<string, { h: string; min: number; right: boolean; v: (m: (typeof rows)[number]) => string }> = {
    source: { h: 'Filesystem', min: 14, right: false, v: (m) => m.src },
    fstype: { h: 'Type', min: 4, right: false, v: (m) => m.type },
    size: { h: sizeHdr, min: 5, right: true, v: (m) => fmt(m.size) },
    used: { h: 'Used', min: 5, right: true, v: (m) => fmt(m.used) },
    avail: { h: posix ? 'Available' : 'Avail', min: 5, right: true, v: (m) => fmt(m.avail) },
    pcent: { h: posix ? 'Capacity' : 'Use%', min: 4, right: true, v: pct },
    target: { h: 'Mounted on', min: 0, right: false, v: (m) => m.target },
  };
  for (const f of fields)
    if (!spec[f]) {
      ctx.io.err(`df: '${f}': not a valid field for the --output option\n`);
      return 1;
    }
  const table = [fields.map((f) => spec[f]!.h), ...rows.map((m) => fields.map((f) => spec[f]!.v(m)))];
  const w = fields.map((f, i) => Math.max(spec[f]!.min, ...table.map((r) => r[i]!.length)));
  ctx.io.out(table.map((r) => r.map((c, i) => (spec[fields[i]!]!.right ? c.padStart(w[i]!) : i === r.length - 1 ? c : c.padEnd(w[i]!))).join(' ') + '\n').join(''));
  return 0;
}

function hum(n: number): string {
  const u = ['', 'K', 'M', 'G', 'T'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < u.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? String(n) : v < 10 ? `${(Math.ceil(v * 10) / 10).toFixed(1)}${u[i]}` : `${Math.ceil(v)}${u[i]}`;
}

