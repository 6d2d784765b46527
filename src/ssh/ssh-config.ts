import { readdirSync, readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { matchPatternList, wildcardMatch } from './known-hosts.js';

// A small reader of OpenSSH client config (ssh_config(5)) for the options mvm-tui uses: Host blocks with
// `*`/`?`/`!` patterns, first value wins (IdentityFile accumulates), Include with globs (relative paths
// from ~/.ssh), User/GlobalKnownHostsFile, `~` and %h/%u/%r/%d/%p/%n/%% tokens. `Match` blocks are not evaluated (skipped, except
// `Match all`); ProxyJump is resolved for one hop only. The `ssh-config` npm package follows no Include.

export interface SshConfigOptions {
  /** Config file to read (default ~/.ssh/config). A missing file is an empty config. */
  file?: string;
  home: string;
  localUser: string;
}

export interface ResolvedSshConfig {
  /** The name asked for (alias). */
  alias: string;
  hostname: string;
  user?: string;
  port?: number;
  identityFiles: string[];
  identitiesOnly?: boolean;
  identityAgent?: string;
  proxyJump?: string;
  userKnownHostsFiles?: string[];
  globalKnownHostsFiles?: string[];
  strictHostKeyChecking?: string;
  connectTimeoutMs?: number;
  /** Things read but not supported, for `config check` and debugging. */
  warnings: string[];
}

const MAX_DEPTH = 16;

interface Raw {
  values: Map<string, string[]>;
  identityFiles: string[];
  warnings: string[];
}

export function resolveSshConfig(alias: string, opts: SshConfigOptions): ResolvedSshConfig {
  const raw: Raw = { values: new Map(), identityFiles: [], warnings: [] };
  const file = opts.file ?? join(opts.home, '.ssh', 'config');
  readInto(raw, file, alias.toLowerCase(), true, opts, 0);

  const first = (k: string) => raw.values.get(k)?.[0];
  const tokens = (s: string, ctx: Record<string, string>) =>
    s.replace(/%([%a-zA-Z])/g, (m, t: string) => (t === '%' ? '%' : (ctx[t] ?? m)));
  const hostname = tokens(first('hostname') ?? alias, { h: alias });
  const portStr = first('port');
  const port = portStr && /^\d{1,5}$/.test(portStr) ? Number(portStr) : undefined;
  const user = first('user');
  const ctx = { h: hostname, u: opts.localUser, r: user ?? opts.localUser, d: opts.home, n: alias, p: String(port ?? 22) };
  const path = (s: string) => expandTilde(tokens(s, ctx), opts.home);
  const yes = (k: string) => {
    const v = first(k)?.toLowerCase();
    return v === undefined ? undefined : v === 'yes' || v === 'true';
  };
  const timeout = first('connecttimeout');
  const agent = first('identityagent');
  return {
    alias,
    hostname,
    user,
    port,
    identityFiles: raw.identityFiles.map(path),
    identitiesOnly: yes('identitiesonly'),
    identityAgent: agent === undefined ? undefined : agent === 'SSH_AUTH_SOCK' ? agent : path(agent),
    proxyJump: first('proxyjump'),
    userKnownHostsFiles: raw.values.get('userknownhostsfile')?.map(path),
    globalKnownHostsFiles: raw.values.get('globalknownhostsfile')?.map(path),
    strictHostKeyChecking: first('stricthostkeychecking')?.toLowerCase(),
    connectTimeoutMs: timeout && /^\d+$/.test(timeout) ? Number(timeout) * 1000 : undefined,
    warnings: raw.warnings,
  };
}

/** Parses `user@host:port` (the ProxyJump syntax); only the first hop of a comma list is used. */
export function parseJump(spec: string): { user?: string; host: string; port?: number; extraHops: boolean } | undefined {
  const [hop, ...more] = spec.split(',');
  const m = /^(?:ssh:\/\/)?(?:([^@]+)@)?(\[[^\]]+\]|[^:]+)(?::(\d{1,5}))?$/.exec(hop!.trim());
  if (!m) return undefined;
  return { user: m[1], host: m[2]!.replace(/^\[|\]$/g, ''), port: m[3] ? Number(m[3]) : undefined, extraHops: more.length > 0 };
}

function readInto(raw: Raw, file: string, name: string, active: boolean, opts: SshConfigOptions, depth: number): void {
  if (depth > MAX_DEPTH) {
    raw.warnings.push(`${file}: Include nested too deeply`);
    return;
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return;
  }
  for (const rawLine of text.split('\n')) {
    const parsed = parseLine(rawLine);
    if (!parsed) continue;
    const [key, args] = parsed;
    if (key === 'host') {
      active = matchPatternList(name, args);
      continue;
    }
    if (key === 'match') {
      active = args.length === 1 && args[0]!.toLowerCase() === 'all';
      if (!active) raw.warnings.push(`${file}: Match blocks are not supported; skipped`);
      continue;
    }
    if (!active) continue;
    if (key === 'include') {
      for (const pattern of args) {
        const p = expandTilde(pattern, opts.home);
        const abs = isAbsolute(p) ? p : join(opts.home, '.ssh', p);
        for (const f of glob(abs)) readInto(raw, f, name, active, opts, depth + 1);
      }
      continue;
    }
    if (key === 'identityfile') {
      if (args[0]) raw.identityFiles.push(args[0]);
      continue;
    }
    if (!raw.values.has(key) && args.length > 0) raw.values.set(key, args);
  }
}

/** `Key value`, `Key=value`, `Key = "quoted value"`; comments and blanks give undefined. */
export function parseLine(line: string): [string, string[]] | undefined {
  const m = /^\s*([A-Za-z][A-Za-z0-9]*)(?:\s*=\s*|\s+)(.*)$/.exec(line);
  if (!m || line.trimStart().startsWith('#')) return undefined;
  const args: string[] = [];
  const re = /"([^"]*)"|(\S+)/g;
  const rest = m[2]!.replace(/\s+#.*$/, '');
  for (let t = re.exec(rest); t; t = re.exec(rest)) args.push(t[1] ?? t[2]!);
  return [m[1]!.toLowerCase(), args];
}

export function expandTilde(p: string, home: string): string {
  if (p === '~') return home;
  return p.startsWith('~/') ? join(home, p.slice(2)) : p;
}

/** Expands `*`/`?` in path components (Include globs), sorted like glob(3). */
export function glob(path: string): string[] {
  if (!/[*?]/.test(path)) return [path];
  const parts = path.split('/');
  let bases = [parts[0] === '' ? '/' : '.'];
  for (const part of parts.slice(parts[0] === '' ? 1 : 0)) {
    if (!part) continue;
    const next: string[] = [];
    for (const base of bases) {
      if (!/[*?]/.test(part)) {
        next.push(join(base, part));
        continue;
      }
      let names: string[] = [];
      try {
        names = readdirSync(base).sort();
      } catch {
        continue;
      }
      for (const n of names) if (!n.startsWith('.') && wildcardMatch(n, part, false)) next.push(join(base, n));
    }
    bases = next;
  }
  return bases;
}
