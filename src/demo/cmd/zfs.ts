// zfs as OpenZFS 2.x prints it: get (-H -p -r -d -o -t), list (-H -p -r -d -o -t -s -S), snapshot [-r],
// destroy [-rRnv], rollback [-rR], rename, clone, promote, diff, mount, version. Mutations take a moment.

import { sleep } from '../clock.js';
import type { CmdContext } from '../shell.js';
import { type Dataset, ZfsError, type ZfsModel } from '../zfs-model.js';
import { OptError, getopt, has, last } from './getopt.js';
import { ALIASES, NUMERIC, PROPS, normProps, types, value } from './zfs-props.js';

/** Datasets selected by targets, -r/-d and -t, in zfs's order. Throws ZfsError for a missing target. */
function select(z: ZfsModel, targets: string[], recursive: boolean, depth: number | null, ts: string[]): Dataset[] {
  const all = z.sorted();
  if (targets.length === 0) return all.filter((d) => ts.includes(d.type));
  const out: Dataset[] = [];
  const seen = new Set<string>();
  for (const t of targets) {
    const root = z.need(t);
    const within = (d: Dataset) => {
      if (d === root) return true;
      if (!(recursive || depth !== null) || root.type === 'snapshot') return false;
      const fs = d.name.split('@')[0]!;
      if (!(fs === root.name || fs.startsWith(root.name + '/'))) return false;
      if (depth === null) return true;
      const levels = fs === root.name ? 0 : fs.slice(root.name.length + 1).split('/').length;
      return levels + (d.type === 'snapshot' ? 1 : 0) <= depth;
    };
    for (const d of all) {
      if (seen.has(d.name) || !within(d)) continue;
      // A named snapshot is shown even when -t leaves snapshots out.
      if (!ts.includes(d.type) && !(d === root && d.type === 'snapshot')) continue;
      seen.add(d.name);
      out.push(d);
    }
  }
  return out;
}

function columns(rows: string[][], right: boolean[], header: boolean): string {
  if (!header) return rows.map((r) => r.join('\t') + '\n').join('');
  const w = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? (right[i] ? c.padStart(w[i]!) : c) : right[i] ? c.padStart(w[i]!) : c.padEnd(w[i]!))).join('  ') + '\n').join('');
}

const USAGE_GET = `usage:\n\tget [-rHp] [-d max] [-o "all" | field[,...]]\n\t    [-t type[,...]] [-s source[,...]]\n\t    <"all" | property[,...]> [filesystem|volume|snapshot|bookmark] ...\n`;

export async function zfs(argv: string[], ctx: CmdContext): Promise<number> {
  const [, sub, ...rest] = argv;
  const z = ctx.hv.zfs;
  const io = ctx.io;
  const moment = (ms: number) => sleep(ctx.hv.clock, Math.round(ms * ctx.hv.speed));
  try {
    switch (sub) {
      case 'get': {
        const p = getopt(rest, { shortArg: 'dots', shortFlag: 'rHp' });
        const [propArg, ...targets] = p.args;
        if (!propArg) {
          io.err(`missing property argument\n${USAGE_GET}`);
          return 2;
        }
        const props = normProps(propArg);
        if (typeof props === 'string') {
          io.err(`bad property list: invalid property '${props}'\n${USAGE_GET}`);
          return 2;
        }
        const ts = types(last(p, '-t'), ['filesystem', 'volume', 'snapshot', 'bookmark']);
        if (typeof ts === 'string') {
          io.err(`invalid type '${ts}'\n${USAGE_GET}`);
          return 2;
        }
        const fields = (last(p, '-o') ?? 'name,property,value,source').split(',').flatMap((f) => (f === 'all' ? ['name', 'property', 'value', 'received', 'source'] : [f]));
        const bad = fields.find((f) => !['name', 'property', 'value', 'received', 'source'].includes(f));
        if (bad) {
          io.err(`invalid field '${bad}'\n${USAGE_GET}`);
          return 2;
        }
        const depth = last(p, '-d');
        const ds = select(z, targets, has(p, '-r'), depth === undefined ? null : Number(depth), ts);
        const rows: string[][] = [];
        for (const d of ds)
          for (const prop of props) {
            const v = value(z, d, prop, has(p, '-p'));
            const rec: Record<string, string> = { name: d.name, property: prop, value: v.value, received: '-', source: v.source };
            rows.push(fields.map((f) => rec[f]!));
          }
        const H = has(p, '-H');
        if (!H && rows.length) rows.unshift(fields.map((f) => f.toUpperCase()));
        io.out(columns(rows, fields.map(() => false), !H));
        return 0;
      }
      case 'list':
      case 'ls': {
        const p = getopt(rest, { shortArg: 'dotsS', shortFlag: 'rHp' });
        const fields = (last(p, '-o') ?? 'name,used,available,referenced,mountpoint').split(',').map((f) => ALIASES[f] ?? f);
        const badField = fields.find((f) => !PROPS.includes(f));
        if (badField) {
          io.err(`invalid field '${badField}'\n`);
          return 2;
        }
        const ts = types(last(p, '-t'), ['filesystem', 'volume']);
        if (typeof ts === 'string') {
          io.err(`invalid type '${ts}'\n`);
          return 2;
        }
        const depth = last(p, '-d');
        let ds = select(z, p.args, has(p, '-r'), depth === undefined ? null : Number(depth), ts);
        const sortBy = last(p, '-s') ?? last(p, '-S');
        if (sortBy) {
          const key = ALIASES[sortBy] ?? sortBy;
          const dir = p.opts.has('-S') ? -1 : 1;
          const raw = (d: Dataset) => value(z, d, key, true).value;
          ds = [...ds].sort((a, b) => {
            const x = raw(a);
            const y = raw(b);
            const nx = Number(x);
            const ny = Number(y);
            return dir * (Number.isFinite(nx) && Number.isFinite(ny) ? nx - ny : x < y ? -1 : x > y ? 1 : 0);
          });
        }
        if (ds.length === 0) {
          if (p.args.length === 0) io.err('no datasets available\n');
          return 0;
        }
        const rows = ds.map((d) => fields.map((f) => value(z, d, f, has(p, '-p')).value));
        const H = has(p, '-H');
        if (!H) rows.unshift(fields.map((f) => (f === 'available' ? 'AVAIL' : f === 'referenced' ? 'REFER' : f.toUpperCase())));
        io.out(columns(rows, fields.map((f) => NUMERIC.has(f) || f === 'creation' ? NUMERIC.has(f) : false), !H));
        return 0;
      }
      case 'snapshot':
      case 'snap': {
        const p = getopt(rest, { shortArg: 'o', shortFlag: 'r' });
        if (p.args.length === 0) {
          io.err(`missing snapshot argument\nusage:\n\tsnapshot [-r] [-o property=value] ... <filesystem|volume>@<snap> ...\n`);
          return 2;
        }
        await moment(300);
        z.snapshot(p.args, has(p, '-r'));
        return 0;
      }
      case 'destroy': {
        const p = getopt(rest, { shortFlag: 'rRfnpvd' });
        if (p.args.length !== 1) {
          io.err(p.args.length ? 'too many arguments\n' : 'missing dataset argument\n');
          return 2;
        }
        const dry = has(p, '-n');
        const names = z.destroy(p.args[0]!, { recursive: has(p, '-r'), recursiveClones: has(p, '-R'), dryRun: true });
        if (has(p, '-v') || has(p, '-p'))
          for (const n of names) io.out(has(p, '-p') ? `destroy\t${n}\n` : `${dry ? 'would destroy' : 'will destroy'} ${n}\n`);
        if (dry) return 0;
        await moment(400);
        z.destroy(p.args[0]!, { recursive: has(p, '-r'), recursiveClones: has(p, '-R') });
        return 0;
      }
      case 'rollback': {
        const p = getopt(rest, { shortFlag: 'rRf' });
        if (p.args.length !== 1) {
          io.err(p.args.length ? 'too many arguments\n' : 'missing dataset argument\n');
          return 2;
        }
        z.rollback(p.args[0]!, { recursive: has(p, '-r'), recursiveClones: has(p, '-R') });
        await moment(800);
        return 0;
      }
      case 'rename': {
        const p = getopt(rest, { shortFlag: 'fpur' });
        if (p.args.length !== 2) {
          io.err(`${p.args.length < 2 ? 'missing target dataset argument' : 'too many arguments'}\n`);
          return 2;
        }
        await moment(400);
        z.rename(p.args[0]!, p.args[1]!);
        return 0;
      }
      case 'clone': {
        const p = getopt(rest, { shortArg: 'o', shortFlag: 'pu' });
        if (p.args.length !== 2) {
          io.err(`${p.args.length < 2 ? 'missing target dataset argument' : 'too many arguments'}\n`);
          return 2;
        }
        const props = new Map((p.opts.get('-o') ?? []).map((o) => o.split('=', 2) as [string, string]));
        for (const k of props.keys())
          if (k !== 'mountpoint') {
            io.err(`the demo's zfs clone only sets mountpoint (got '${k}')\n`);
            return 2;
          }
        await moment(300);
        z.clone(p.args[0]!, p.args[1]!, props.get('mountpoint'));
        return 0;
      }
      case 'promote': {
        if (rest.length !== 1) {
          io.err('missing clone filesystem argument\n');
          return 2;
        }
        await moment(500);
        z.promote(rest[0]!);
        return 0;
      }
      case 'diff':
        return diff(ctx, rest);
      case 'mount': {
        const p = getopt(rest, { shortArg: 'o', shortFlag: 'Oalvf' });
        if (p.args.length === 0 && !has(p, '-a')) {
          const w = Math.max(0, ...z.sorted().map((d) => d.name.length));
          for (const d of z.sorted()) if (d.type === 'filesystem' && d.mounted) io.out(`${d.name.padEnd(w)}  ${z.mountpointOf(d)}\n`);
          return 0;
        }
        await moment(150);
        if (has(p, '-a')) {
          for (const d of z.sorted()) if (d.type === 'filesystem' && !d.mounted) z.mount(d.name);
          return 0;
        }
        z.mount(p.args[0]!);
        return 0;
      }
      case 'umount':
      case 'unmount': {
        const p = getopt(rest, { shortFlag: 'fau' });
        if (p.args.length !== 1) {
          io.err(p.args.length ? 'too many arguments\n' : 'missing filesystem argument\n');
          return 2;
        }
        const arg = p.args[0]!;
        const d = arg.startsWith('/') ? z.mountedAt(arg) : z.need(arg);
        if (!d) {
          io.err(`cannot unmount '${arg}': not a mountpoint\n`);
          return 1;
        }
        await moment(150);
        z.unmount(d.name);
        return 0;
      }
      case 'set': {
        const [assign, ...targets] = rest;
        const m = assign ? /^([a-z:._]+)=(.*)$/.exec(assign) : null;
        if (!m || targets.length === 0) {
          io.err(`${!m ? 'missing property=value argument(s)' : 'missing dataset name(s)'}\nusage:\n\tset <property=value> ... <filesystem|volume|snapshot> ...\n`);
          return 2;
        }
        if (m[1] !== 'mountpoint') {
          io.err(`the demo's zfs set only changes mountpoint (got '${m[1]}')\n`);
          return 1;
        }
        for (const t of targets) z.setMountpoint(t, m[2]!);
        return 0;
      }
      case 'version':
        io.out('zfs-2.2.7-1\nzfs-kmod-2.2.7-1\n');
        return 0;
      case undefined:
        io.err('usage: zfs command args ...\nwhere \'command\' is one of the following:\n\n\tversion\n\tcreate\tdestroy\tsnapshot\trollback\tclone\tpromote\trename\tlist\tget\tdiff\n');
        return 2;
      default:
        io.err(`unrecognized command '${sub}'\nusage: zfs command args ...\n`);
        return 2;
    }
  } catch (e) {
    if (e instanceof ZfsError) {
      io.err(e.message + '\n');
      return 1;
    }
    if (e instanceof OptError) {
      io.err(`${e.message.replace(/^invalid option -- '(.)'$/, "invalid option '$1'")}\n`);
      return 2;
    }
    throw e;
  }
}

/** `zfs diff SNAP [SNAP|FS]`: what changed in the VM's directory since the snapshot. */
function diff(ctx: CmdContext, args: string[]): number {
  const z = ctx.hv.zfs;
  const p = getopt(args, { shortFlag: 'FHth' });
  const [from, to] = p.args;
  if (!from || !from.includes('@')) {
    ctx.io.err(`Badly formed snapshot name ${from ?? ''}\n`);
    return 1;
  }
  const snap = z.need(from);
  const fsName = from.split('@')[0]!;
  const target = to ? z.need(to.startsWith('@') ? fsName + to : to) : z.need(fsName);
  const mp = z.mountpointOf(z.need(fsName));
  const F = has(p, '-F');
  const line = (kind: string, path: string, type = 'F') => ctx.io.out(`${kind}\t${F ? type + '\t' : ''}${path}\n`);
  const written = target.type === 'filesystem' ? target.written : target.referenced - snap.referenced;
  if (written !== 0 || target.referenced !== snap.referenced) {
    line('M', `${mp}/`, '/');
    line('M', `${mp}/persist.img`);
  }
  const names = new Set([...Object.keys(snap.links), ...Object.keys(target.links)]);
  for (const n of [...names].sort()) {
    const a = snap.links[n];
    const b = target.links[n];
    if (a === b) continue;
    if (a === undefined) line('+', `${mp}/${n}`, '@');
    else if (b === undefined) line('-', `${mp}/${n}`, '@');
    else {
      line('-', `${mp}/${n}`, '@');
      line('+', `${mp}/${n}`, '@');
    }
  }
  return 0;
}
