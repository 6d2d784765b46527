// zpool list / status / get for the demo's single-device pool, in OpenZFS 2.x's layout.

import type { CmdContext } from '../shell.js';
import { ctimeDate, zfsNice } from '../sizes.js';
import { OptError, getopt, has, last } from './getopt.js';

const ALIASES: Record<string, string> = { alloc: 'allocated', cap: 'capacity', frag: 'fragmentation', dedup: 'dedupratio', ckpoint: 'checkpoint', expandsz: 'expandsize' };
const HEADERS: Record<string, string> = { allocated: 'ALLOC', capacity: 'CAP', fragmentation: 'FRAG', dedupratio: 'DEDUP', checkpoint: 'CKPOINT', expandsize: 'EXPANDSZ' };
const RIGHT = new Set(['size', 'allocated', 'free', 'checkpoint', 'expandsize', 'fragmentation', 'capacity', 'dedupratio', 'health']);

function poolValue(ctx: CmdContext, prop: string, parsable: boolean): string | undefined {
  const z = ctx.hv.zfs;
  const size = z.poolSize;
  const alloc = z.allocated();
  const nice = (n: number) => (parsable ? String(n) : zfsNice(n).replace(/B$/, ''));
  switch (prop) {
    case 'name':
      return z.pool;
    case 'size':
      return nice(size);
    case 'allocated':
      return nice(alloc);
    case 'free':
      return nice(size - alloc);
    case 'checkpoint':
    case 'expandsize':
    case 'altroot':
      return '-';
    case 'fragmentation':
      return parsable ? '3' : '3%';
    case 'capacity': {
      const c = Math.floor((alloc * 100) / size);
      return parsable ? String(c) : `${c}%`;
    }
    case 'dedupratio':
      return parsable ? '1.00' : '1.00x';
    case 'health':
      return 'ONLINE';
    case 'guid':
      return '11786541927416529184';
    case 'version':
      return '-';
    default:
      return undefined;
  }
}

export function zpool(argv: string[], ctx: CmdContext): number {
  const [, sub, ...rest] = argv;
  const z = ctx.hv.zfs;
  try {
    switch (sub) {
      case 'list': {
        const p = getopt(rest, { shortArg: 'oT', shortFlag: 'HpvLPg' });
        const fields = (last(p, '-o') ?? 'name,size,allocated,free,checkpoint,expandsize,fragmentation,capacity,dedupratio,health,altroot').split(',').map((f) => ALIASES[f] ?? f);
        for (const f of fields)
          if (poolValue(ctx, f, true) === undefined) {
            ctx.io.err(`property '${f}' is not a valid pool or vdev property\n`);
            return 2;
          }
        for (const name of p.args)
          if (name !== z.pool) {
            ctx.io.err(`cannot open '${name}': no such pool\n`);
            return 1;
          }
        const rows = [fields.map((f) => poolValue(ctx, f, has(p, '-p'))!)];
        if (has(p, '-H')) {
          ctx.io.out(rows.map((r) => r.join('\t') + '\n').join(''));
          return 0;
        }
        rows.unshift(fields.map((f) => HEADERS[f] ?? f.toUpperCase()));
        const w = fields.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
        ctx.io.out(rows.map((r) => r.map((c, i) => (RIGHT.has(fields[i]!) ? c.padStart(w[i]!) : i === r.length - 1 ? c : c.padEnd(w[i]!))).join('  ') + '\n').join(''));
        return 0;
      }
      case 'status': {
        const p = getopt(rest, { shortArg: 'cT', shortFlag: 'xvgLPpstiDe' });
        for (const name of p.args)
          if (name !== z.pool) {
            ctx.io.err(`cannot open '${name}': no such pool\n`);
            return 1;
          }
        if (has(p, '-x')) {
          ctx.io.out(p.args.length ? `pool '${z.pool}' is healthy\n` : 'all pools are healthy\n');
          return 0;
        }
        // The last scrub: the most recent Sunday, 00:24 UTC, as the monthly/weekly timer would leave it.
        const d = new Date(ctx.hv.clock.now());
        d.setUTCDate(d.getUTCDate() - d.getUTCDay());
        d.setUTCHours(0, 24, 13, 0);
        ctx.io.out(
          [
            `  pool: ${z.pool}`,
            ` state: ONLINE`,
            `  scan: scrub repaired 0B in 00:02:41 with 0 errors on ${ctimeDate(d.getTime())}`,
            `config:`,
            ``,
            `\tNAME        STATE     READ WRITE CKSUM`,
            `\t${z.pool.padEnd(12)}ONLINE       0     0     0`,
            `\t  nvme1n1   ONLINE       0     0     0`,
            ``,
            `errors: No known data errors`,
            ``,
          ].join('\n'),
        );
        return 0;
      }
      case 'get': {
        const p = getopt(rest, { shortArg: 'o', shortFlag: 'Hp' });
        const [props = 'all', ...pools] = p.args;
        const list = props === 'all' ? ['size', 'capacity', 'health', 'guid', 'dedupratio', 'free', 'allocated', 'fragmentation'] : props.split(',').map((f) => ALIASES[f] ?? f);
        for (const name of pools)
          if (name !== z.pool) {
            ctx.io.err(`cannot open '${name}': no such pool\n`);
            return 1;
          }
        const fields = (last(p, '-o') ?? 'name,property,value,source').split(',');
        const rows = list.map((prop) => {
          const rec: Record<string, string> = { name: z.pool, property: prop, value: poolValue(ctx, prop, has(p, '-p')) ?? '-', source: '-' };
          return fields.map((f) => rec[f] ?? '-');
        });
        if (has(p, '-H')) ctx.io.out(rows.map((r) => r.join('\t') + '\n').join(''));
        else {
          rows.unshift(fields.map((f) => f.toUpperCase()));
          const w = fields.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
          ctx.io.out(rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(w[i]!))).join('  ') + '\n').join(''));
        }
        return 0;
      }
      case 'import': {
        const name = rest.filter((a) => !a.startsWith('-')).at(-1);
        if (!name) {
          ctx.io.out('no pools available to import\n');
          return 1;
        }
        ctx.io.err(name === z.pool ? `cannot import '${name}': a pool with that name already exists\nuse the form 'zpool import <pool | id> <newpool>' to give it a new name\n` : `cannot import '${name}': no such pool available\n`);
        return 1;
      }
      case 'version':
        ctx.io.out('zfs-2.2.7-1\nzfs-kmod-2.2.7-1\n');
        return 0;
      default:
        ctx.io.err(sub ? `unrecognized command '${sub}'\n` : 'usage: zpool command args ...\n');
        return 2;
    }
  } catch (e) {
    if (e instanceof OptError) {
      ctx.io.err(`${e.message}\n`);
      return 2;
    }
    throw e;
  }
}
