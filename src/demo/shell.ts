// Runs the command lines the app sends against the simulated hypervisor: parse (shell-parse.ts), expand,
// apply redirections, and look each argv up in the command table (cmd/index.ts). Output is written as it
// is produced, so a streaming command (journalctl -f) flows until the caller aborts.

import type { DemoHypervisor, DemoVm } from './state.js';
import { type ListItem, type SimpleCommand, type Word, ShellSyntaxError, parseScript } from './shell-parse.js';

export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** The client's pty, when the command line runs on one (`ssh -t HOST CMD`) and its output is not redirected:
   *  an interactive program (ssh without a command) reads typed lines from it. */
  terminal?: Terminal;
}

/** Typed lines with a prompt until `exit` or ctrl-d (repl.ts); resolves with the exit code. */
export interface Terminal {
  repl(prompt: string, run: (line: string, out: (t: string) => void, signal: AbortSignal) => Promise<number>, banner: string): Promise<number>;
}

export interface CmdContext {
  io: Io;
  signal: AbortSignal;
  stdin: string;
  env: ShellEnv;
  hv: DemoHypervisor;
  /** Set when the shell runs inside a VM (nested ssh). */
  vm?: DemoVm;
  /** Running command lines by pid (each is its own process group), for `kill`. */
  procs: Map<number, AbortController>;
  /** Runs a nested command line (ssh to a VM). */
  runIn(script: string, vm: DemoVm | undefined, io: Io, signal: AbortSignal): Promise<number>;
}

export type Command = (argv: string[], ctx: CmdContext) => number | Promise<number>;

export interface ShellEnv {
  /** `$$`: the pid of this command line (and its process group, as sshd starts each in a new session). */
  pid: number;
  cwd: string;
  vars: Record<string, string>;
  status: number;
}

export class ExitSignal {
  constructor(readonly code: number) {}
}

/** A finished command's output, for callers that want it whole. */
export interface RunResult {
  stdout: string;
  stderr: string;
  code: number;
}

export class DemoShell {
  readonly procs = new Map<number, AbortController>();
  private nextPid = 23_000;

  constructor(
    readonly hv: DemoHypervisor,
    private readonly table: (vm: DemoVm | undefined) => Record<string, Command>,
  ) {}

  /** Runs a script, streaming its output to io. Resolves with the exit status. */
  async run(script: string, io: Io, signal: AbortSignal = new AbortController().signal, vm?: DemoVm, stdin = ''): Promise<number> {
    let items: ListItem[];
    try {
      items = parseScript(script);
    } catch (e) {
      if (e instanceof ShellSyntaxError) {
        io.err(`bash: ${e.message}\n`);
        return 2;
      }
      throw e;
    }
    // Each command line is a process (group) that `kill` can end, as on a real host.
    const pid = (this.nextPid += 3);
    const proc = new AbortController();
    const forward = () => proc.abort();
    if (signal.aborted) proc.abort();
    else signal.addEventListener('abort', forward, { once: true });
    this.procs.set(pid, proc);
    try {
      const code = await this.runAs(pid, items, io, proc.signal, vm, stdin);
      // Ended by `kill` (not by its caller): the shell dies of SIGTERM, 128 + 15.
      return proc.signal.aborted && !signal.aborted ? 143 : code;
    } finally {
      this.procs.delete(pid);
      signal.removeEventListener('abort', forward);
    }
  }

  private async runAs(pid: number, items: ListItem[], io: Io, signal: AbortSignal, vm: DemoVm | undefined, stdin: string): Promise<number> {
    const env: ShellEnv = { pid, cwd: '/root', vars: { HOME: '/root', USER: 'root', LOGNAME: 'root', SHELL: '/run/current-system/sw/bin/bash', PATH: '/run/wrappers/bin:/root/.nix-profile/bin:/nix/profile/bin:/root/.local/state/nix/profile/bin:/etc/profiles/per-user/root/bin:/nix/var/nix/profiles/default/bin:/run/current-system/sw/bin', HOSTNAME: vm ? vm.name : this.hv.hostname }, status: 0 };
    try {
      return await this.list(items, env, io, signal, vm, stdin);
    } catch (e) {
      if (e instanceof ExitSignal) return e.code;
      throw e;
    }
  }

  /** Convenience for tests and callers that want the whole output. */
  async capture(script: string, vm?: DemoVm, signal?: AbortSignal): Promise<RunResult> {
    let stdout = '';
    let stderr = '';
    const code = await this.run(script, { out: (t) => (stdout += t), err: (t) => (stderr += t) }, signal, vm);
    return { stdout, stderr, code };
  }

  private async loop(loop: NonNullable<SimpleCommand['loop']>, env: ShellEnv, io: Io, signal: AbortSignal, vm: DemoVm | undefined, stdin: string): Promise<number> {
    const values: string[] = [];
    for (const w of loop.words) values.push(...(await this.expand(w, env, io, signal, vm)));
    let status = 0;
    for (const v of values) {
      env.vars[loop.name] = v;
      status = await this.list(loop.body, env, io, signal, vm, stdin);
      if (signal.aborted) return 130;
    }
    return status;
  }

  private async list(items: ListItem[], env: ShellEnv, io: Io, signal: AbortSignal, vm: DemoVm | undefined, stdin: string): Promise<number> {
    for (const item of items) {
      if (signal.aborted) return 130;
      if (item.op === '&&' && env.status !== 0) continue;
      if (item.op === '||' && env.status === 0) continue;
      env.status = await this.pipeline(item.pipeline.commands, env, io, signal, vm, stdin);
    }
    return env.status;
  }

  private async pipeline(cmds: SimpleCommand[], env: ShellEnv, io: Io, signal: AbortSignal, vm: DemoVm | undefined, stdin: string): Promise<number> {
    // Left parts of a pipe run to completion and feed the next one's stdin (enough for the filters used here).
    let input = stdin;
    let code = 0;
    for (let i = 0; i < cmds.length; i++) {
      const last = i === cmds.length - 1;
      let buf = '';
      const stage: Io = last ? io : { out: (t) => (buf += t), err: io.err };
      code = await this.simple(cmds[i]!, env, stage, signal, vm, input);
      input = buf;
    }
    return code;
  }

  /** Expands a word: variables, $? and $(...) (run here; unquoted results are split on blanks). */
  private async expand(w: Word, env: ShellEnv, io: Io, signal: AbortSignal, vm: DemoVm | undefined): Promise<string[]> {
    let s = '';
    let split = false;
    for (const p of w.parts) {
      if ('text' in p) s += p.text;
      else if ('variable' in p) s += p.variable === '?' ? String(env.status) : p.variable === '$' ? String(env.pid) : (env.vars[p.variable] ?? '');
      else {
        let out = '';
        env.status = await this.run(p.command, { out: (t) => (out += t), err: io.err }, signal, vm);
        s += out.replace(/\n+$/, '');
        if (!p.quoted) split = true;
      }
    }
    return split ? s.split(/[ \t\n]+/).filter(Boolean) : [s];
  }

  private async simple(cmd: SimpleCommand, env: ShellEnv, io: Io, signal: AbortSignal, vm: DemoVm | undefined, stdin: string): Promise<number> {
    if (cmd.loop) return this.loop(cmd.loop, env, io, signal, vm, stdin);
    const argv: string[] = [];
    for (const w of cmd.words) argv.push(...(await this.expand(w, env, io, signal, vm)));
    const assigns: Array<readonly [string, string]> = [];
    for (const a of cmd.assigns) assigns.push([a.name, (await this.expand(a.value, env, io, signal, vm)).join(' ')]);
    let out = io.out;
    let err = io.err;
    for (const r of cmd.redirects) {
      const target = (await this.expand(r.target, env, io, signal, vm)).join(' ');
      const sink = target === '/dev/null' ? () => {} : null;
      if (r.op === '>&') {
        const to = target === '1' ? out : target === '2' ? err : null;
        if (!to) {
          io.err(`bash: ${target}: ambiguous redirect\n`);
          return 1;
        }
        if (r.fd === 2) err = to;
        else if (r.fd === 1) out = to;
        continue;
      }
      if (r.op === '<') {
        if (target !== '/dev/null') {
          io.err(`bash: ${target}: No such file or directory\n`);
          return 1;
        }
        stdin = '';
        continue;
      }
      const dest = sink ?? (target === '/dev/stderr' ? io.err : target === '/dev/stdout' ? io.out : null);
      if (!dest) {
        io.err(`bash: ${target}: Read-only file system\n`);
        return 1;
      }
      if (r.fd === 2) err = dest;
      else if (r.fd === 1) out = dest;
    }
    if (argv.length === 0) {
      for (const [k, v] of assigns) env.vars[k] = v;
      return 0;
    }
    const name = argv[0]!;
    const base = name.includes('/') ? name.slice(name.lastIndexOf('/') + 1) : name;
    const table = this.table(vm);
    const fn = table[base];
    if (!fn || (name.includes('/') && !KNOWN_DIRS.some((d) => name === `${d}/${base}`))) {
      err(name.includes('/') ? `bash: ${name}: No such file or directory\n` : `bash: ${name}: command not found\n`);
      return 127;
    }
    const ctx: CmdContext = {
      io: { out, err, terminal: out === io.out ? io.terminal : undefined },
      signal,
      stdin,
      env,
      hv: this.hv,
      vm,
      procs: this.procs,
      runIn: (script, target, io2, sig) => this.run(script, io2, sig, target),
    };
    try {
      return await fn(argv, ctx);
    } catch (e) {
      if (e instanceof ExitSignal) throw e;
      if (signal.aborted) return 130;
      throw e;
    }
  }
}

const KNOWN_DIRS = ['/run/current-system/sw/bin', '/run/current-system/sw/sbin', '/usr/bin', '/bin', '/usr/sbin', '/sbin', '/run/wrappers/bin', '/usr/local/sbin', '/usr/local/bin'];
