// Files on the demo host: the runner links inside each VM's dataset, /proc and /etc, read by cat,
// readlink, stat, test and ls in coreutils' formats.

import type { CmdContext } from '../shell.js';
import { MICROVMS_DIR } from '../state.js';
import { lsDate } from '../sizes.js';
import { OptError, getopt, has, last } from './getopt.js';

type Node = { kind: 'link'; target: string; mtime: number } | { kind: 'dir' } | { kind: 'file'; text: string; store?: boolean };

/** What a path is on the demo host: a runner link, a directory, a readable file, or nothing. */
export function lookup(ctx: CmdContext, path: string): Node | null {
  const hv = ctx.hv;
  const p = path.replace(/\/+$/, '') || '/';
  const files = hostFiles(ctx);
  if (files[p] !== undefined) return { kind: 'file', text: files[p]! };
  // Through a runner link into the store: current/bin/microvm-run and friends.
  const inRunner = new RegExp(`^${MICROVMS_DIR}/([^/]+)/(current|booted)/(.+)$`).exec(p);
  if (inRunner) {
    const target = hv.links(inRunner[1]!)[inRunner[2]!];
    if (!target) return null;
    if (inRunner[3] === 'bin') return { kind: 'dir' };
    if (/^bin\/(microvm-run|microvm-shutdown|tap-up|tap-down|virtiofsd-run)$/.test(inRunner[3]!))
      return { kind: 'file', store: true, text: `#! /nix/store/0w8n8gqz6i6xq4kbyd2gqg0mmdy6v9ly-bash-5.2p37/bin/bash -e\nexec ${target}/bin/cloud-hypervisor --cpus boot=2 ...\n` };
    return null;
  }
  const m = new RegExp(`^${MICROVMS_DIR}/([^/]+)/([^/]+)$`).exec(p);
  if (m) {
    const links = hv.links(m[1]!);
    const target = links[m[2]!];
    if (target) return { kind: 'link', target, mtime: hv.linkTimes(m[1]!)[m[2]!] ?? hv.clock.now() };
    return null;
  }
  const vmDir = new RegExp(`^${MICROVMS_DIR}/([^/]+)$`).exec(p);
  if (vmDir) return hv.zfs.mountedAt(p) ? { kind: 'dir' } : null;
  if (p === '/run/current-system') return { kind: 'link', target: hv.systemGeneration, mtime: hv.bootedAt };
  if (p === '/run/booted-system') return { kind: 'link', target: `/nix/store/${'0'.repeat(0)}${hv.systemGeneration.slice(11)}`, mtime: hv.bootedAt };
  if (['/', '/root', '/tmp', '/etc', '/nix', '/nix/store', '/var', '/var/lib', MICROVMS_DIR, '/run', '/proc', '/root/simple-microvm-infra'].includes(p)) return { kind: 'dir' };
  if (p.startsWith('/nix/store/')) return { kind: 'dir' };
  if (p.startsWith('/dev/')) return { kind: 'file', text: '' };
  return null;
}

function hostFiles(ctx: CmdContext): Record<string, string> {
  const hv = ctx.hv;
  const [a, b, c] = hv.loadavg();
  const running = [...hv.vms.values()].filter((v) => v.unit.active === 'active').length;
  const total = hv.memTotalKb();
  const used = hv.memUsedKb();
  const free = Math.max(0, total - used - 2_104_332);
  const kb = (label: string, n: number) => `${(label + ':').padEnd(16)}${String(Math.round(n)).padStart(8)} kB\n`;
  const meminfo =
    kb('MemTotal', total) + kb('MemFree', free) + kb('MemAvailable', total - used) + kb('Buffers', 5_112) + kb('Cached', 1_912_544) + kb('SwapCached', 0) +
    kb('Active', used * 0.7) + kb('Inactive', used * 0.2) + kb('Active(anon)', used * 0.62) + kb('Inactive(anon)', used * 0.1) + kb('Active(file)', used * 0.08) +
    kb('Inactive(file)', used * 0.1) + kb('Unevictable', 0) + kb('Mlocked', 0) + kb('SwapTotal', 0) + kb('SwapFree', 0) + kb('Dirty', 220) + kb('Writeback', 0) +
    kb('AnonPages', used * 0.72) + kb('Mapped', 98_304) + kb('Shmem', 12_440) + kb('KReclaimable', 186_664) + kb('Slab', 402_112) + kb('SReclaimable', 186_664) +
    kb('SUnreclaim', 215_448) + kb('KernelStack', 9_824) + kb('PageTables', 24_112) + kb('CommitLimit', total / 2) + kb('Committed_AS', used * 1.1) +
    kb('VmallocTotal', 133_141_626_880) + kb('VmallocUsed', 42_112) + kb('VmallocChunk', 0) + kb('AnonHugePages', 0) +
    `HugePages_Total:       0\nHugePages_Free:        0\nHugePages_Rsvd:        0\nHugePages_Surp:        0\n` + kb('Hugepagesize', 2048) + kb('Hugetlb', 0);
  return {
    '/proc/loadavg': `${a.toFixed(2)} ${b.toFixed(2)} ${c.toFixed(2)} ${running + 1}/${412 + running * 9} ${14211 + Math.floor((hv.clock.now() / 1000) % 5000)}\n`,
    '/proc/meminfo': meminfo,
    '/proc/uptime': `${(hv.uptimeSec() + 0.42).toFixed(2)} ${(hv.uptimeSec() * 15.7).toFixed(2)}\n`,
    '/etc/hostname': `${hv.hostname}\n`,
    '/etc/machine-id': 'c0ffee0ddba11d00d5ca1ab1edeca1fe\n',
    '/etc/os-release': `ANSI_COLOR="0;38;2;126;186;228"\nBUG_REPORT_URL="https://github.com/NixOS/nixpkgs/issues"\nBUILD_ID="25.11.20261120.9e4d3a1"\nDOCUMENTATION_URL="https://nixos.org/learn.html"\nHOME_URL="https://nixos.org/"\nID=nixos\nLOGO="nix-snowflake"\nNAME=NixOS\nPRETTY_NAME="NixOS 25.11 (Xantusia)"\nVERSION="25.11 (Xantusia)"\nVERSION_CODENAME=xantusia\nVERSION_ID="25.11"\n`,
  };
}

export function cat(argv: string[], ctx: CmdContext): number {
  const paths = argv.slice(1).filter((a) => a !== '-' && !a.startsWith('-'));
  if (paths.length === 0) {
    ctx.io.out(ctx.stdin);
    return 0;
  }
  let code = 0;
  for (const p of paths) {
    const n = lookup(ctx, p);
    if (n?.kind === 'file') ctx.io.out(n.text);
    else if (n?.kind === 'dir') {
      ctx.io.err(`cat: ${p}: Is a directory\n`);
      code = 1;
    } else if (n?.kind === 'link') {
      ctx.io.err(`cat: ${p}: Is a directory\n`);
      code = 1;
    } else {
      ctx.io.err(`cat: ${p}: No such file or directory\n`);
      code = 1;
    }
  }
  return code;
}

export function readlink(argv: string[], ctx: CmdContext): number {
  let p;
  try {
    p = getopt(argv.slice(1), { shortFlag: 'femnqsvz', longFlag: ['canonicalize', 'canonicalize-existing', 'canonicalize-missing', 'no-newline', 'quiet', 'silent', 'verbose', 'zero'] });
  } catch (e) {
    ctx.io.err(`readlink: ${(e as OptError).message}\n`);
    return 1;
  }
  if (p.args.length === 0) {
    ctx.io.err(`readlink: missing operand\nTry 'readlink --help' for more information.\n`);
    return 1;
  }
  const f = has(p, '-f', '--canonicalize');
  const e = has(p, '-e', '--canonicalize-existing');
  const m = has(p, '-m', '--canonicalize-missing');
  const verbose = has(p, '-v', '--verbose');
  const end = has(p, '-z', '--zero') ? '\0' : '\n';
  let code = 0;
  for (const path of p.args) {
    const node = lookup(ctx, path);
    if (node?.kind === 'link') ctx.io.out(node.target + end);
    else if ((f || e || m) && node) ctx.io.out(path.replace(/\/+$/, '') + end);
    else if ((f && lookup(ctx, path.replace(/\/[^/]+\/?$/, '') || '/')) || m) ctx.io.out(path + end);
    else {
      if (verbose || e) ctx.io.err(`readlink: ${path}: ${node ? 'Invalid argument' : 'No such file or directory'}\n`);
      code = 1;
    }
  }
  return code;
}

export function stat(argv: string[], ctx: CmdContext): number {
  const p = getopt(argv.slice(1), { shortArg: 'c', shortFlag: 'Lt', longArg: ['format', 'printf'] });
  const fmt = last(p, '-c', '--format', '--printf');
  let code = 0;
  for (const path of p.args) {
    const n = lookup(ctx, path);
    if (!n) {
      ctx.io.err(`stat: cannot statx '${path}': No such file or directory\n`);
      code = 1;
      continue;
    }
    const type = n.kind === 'link' ? 'symbolic link' : n.kind === 'dir' ? 'directory' : 'regular file';
    const mtime = n.kind === 'link' ? n.mtime : ctx.hv.bootedAt;
    const out = (fmt ?? '  File: %N\n  Type: %F').replace(/%([NnFYs%])/g, (_, c: string) =>
      c === 'N' ? (n.kind === 'link' ? `'${path}' -> '${n.target}'` : `'${path}'`) : c === 'n' ? path : c === 'F' ? type : c === 'Y' ? String(Math.floor(mtime / 1000)) : c === 's' ? (n.kind === 'link' ? String(n.target.length) : '4096') : '%',
    );
    ctx.io.out(out + (has(p, '--printf') ? '' : '\n'));
  }
  return code;
}

export function test(argv: string[], ctx: CmdContext): number {
  const args = argv[0] === '[' ? argv.slice(1, argv.at(-1) === ']' ? -1 : undefined) : argv.slice(1);
  if (argv[0] === '[' && argv.at(-1) !== ']') {
    ctx.io.err(`bash: [: missing \`]'\n`);
    return 2;
  }
  const [op, path] = args;
  if (args.length === 2 && op && path !== undefined && /^-[eLhdfsx]$/.test(op)) {
    const n = lookup(ctx, path);
    const ok = op === '-e' ? !!n : op === '-L' || op === '-h' ? n?.kind === 'link' : op === '-d' ? n?.kind === 'dir' || n?.kind === 'link' : op === '-f' || op === '-s' ? n?.kind === 'file' : !!n;
    return ok ? 0 : 1;
  }
  if (args.length === 3 && (args[1] === '=' || args[1] === '!=')) return (args[0] === args[2]) === (args[1] === '=') ? 0 : 1;
  if (args.length === 1) return args[0] ? 0 : 1;
  return args.length === 0 ? 1 : 2;
}

export function ls(argv: string[], ctx: CmdContext): number {
  const p = getopt(argv.slice(1), { shortFlag: 'laAdh1LtrF', longFlag: ['color', 'full-time'] });
  const paths = p.args.length ? p.args : [ctx.env.cwd];
  const long = has(p, '-l');
  let code = 0;
  const blocks: string[] = [];
  const linkLine = (name: string, target: string, mtime: number) => `lrwxrwxrwx 1 root root ${target.length} ${lsDate(mtime)} ${name} -> ${target}`;
  for (const path of paths) {
    const n = lookup(ctx, path);
    if (!n) {
      ctx.io.err(`ls: cannot access '${path}': No such file or directory\n`);
      code = 2;
      continue;
    }
    if (n.kind !== 'dir' || has(p, '-d')) {
      const line =
        n.kind === 'link'
          ? has(p, '-L')
            ? `dr-xr-xr-x 4 root root 4 Jan  1  1970 ${path}`
            : linkLine(path, n.target, n.mtime)
          : n.kind === 'file'
            ? `${n.store ? '-r-xr-xr-x' : '-rw-r--r--'} 1 root root ${n.text.length} ${n.store ? 'Jan  1  1970' : lsDate(ctx.hv.bootedAt)} ${path}`
            : `drwxr-xr-x 3 root root 4096 ${lsDate(ctx.hv.bootedAt)} ${path}`;
      blocks.push((long ? line : path) + '\n');
      continue;
    }
    const vm = new RegExp(`^${MICROVMS_DIR}/([^/]+)/?$`).exec(path)?.[1];
    const entries: string[] = [];
    if (vm) {
      const links = ctx.hv.links(vm);
      const times = ctx.hv.linkTimes(vm);
      const names = Object.keys(links).sort();
      if (long) {
        if (has(p, '-a')) entries.push(`drwxr-xr-x 2 root root 5 ${lsDate(ctx.hv.clock.now())} .`, `drwxr-xr-x 7 root root 7 ${lsDate(ctx.hv.bootedAt)} ..`);
        for (const nm of names) entries.push(linkLine(nm, links[nm]!, times[nm] ?? ctx.hv.clock.now()));
        entries.unshift(`total ${names.length * 4}`);
      } else entries.push(...names);
    } else if (path.replace(/\/+$/, '') === MICROVMS_DIR) {
      const names = [...ctx.hv.vms.keys()].filter((v) => ctx.hv.zfs.mountedAt(`${MICROVMS_DIR}/${v}`));
      if (long) entries.push(`total ${names.length * 2}`, ...names.map((v) => `drwxr-xr-x 2 root root 4 ${lsDate(ctx.hv.bootedAt)} ${v}`));
      else entries.push(...names);
    }
    blocks.push((paths.length > 1 ? `${path}:\n` : '') + entries.map((e) => e + '\n').join(''));
  }
  ctx.io.out(blocks.join('\n'));
  return code;
}

