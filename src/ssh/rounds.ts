import { randomBytes } from 'node:crypto';
import { StringDecoder } from 'node:string_decoder';
import type { ChannelIo, RunHandle } from './connection.js';
import { roundsCommand, ROUND_END, scriptLines } from '../host/kept-shell.js';
import { PgidSniffer } from './kill.js';
import type { ExecResult } from './types.js';

// A script run again and again (the status refresh: every second, per hypervisor) on one long-lived remote shell
// instead of one exec each time. Per run that saves this process a channel open, exec request and close (~0.4 ms of
// CPU, most of what a refresh costs before parsing), and the hypervisor a session and a shell (with its ~/.bashrc). The shell
// reads one line per run: a token (random per shell, so no output can end a run early) and which of the script's
// lines to run (all of them, or some: the event-driven refresh runs only the sections an event concerns). It runs
// those lines with stdin from /dev/null and ends the run's output with a marker that repeats the token (the loop:
// host/kept-shell.ts).
// `run` gives null when it cannot serve a run, and the caller execs the script instead: the shell could not be
// started, another run is in flight, or the shell ended during the run. A server whose shell ends on its own before
// its first run completes (not a POSIX shell; the demo's interpreter) is not asked again.

export interface RoundsDeps {
  /** Starts the shell on a channel whose stdin stays open; throws or rejects `done` when it cannot. */
  open(command: string, io: ChannelIo): RunHandle;
  /** Ends the shell's process group on the server (best effort). */
  kill(pgid: number | undefined): void;
}

interface Shell {
  handle: RunHandle;
  sniff: PgidSniffer;
  nonce: string;
  /** Runs completed on this shell. */
  completed: number;
}

interface Round {
  mark: string;
  settle(r: ExecResult | null): void;
}

export class ScriptRounds {
  private shell?: Shell;
  private round?: Round;
  private unsupported = false;
  private out = '';
  private err = '';
  /** Where the next search for the end marker starts. */
  private scanned = 0;
  private seq = 0;
  /** Every line's index: what a run without `lines` runs. */
  private readonly all: string;

  constructor(
    readonly script: string,
    private readonly deps: RoundsDeps,
  ) {
    this.all = scriptLines(script).map((_, i) => i).join(' ');
  }

  /** One run of the script (or of its `lines` only): its output, or null when the caller should exec it instead. */
  run(timeoutMs?: number, lines?: readonly number[]): Promise<ExecResult | null> {
    if (this.unsupported || this.round || !this.script.trim()) return Promise.resolve(null);
    const sh = this.shell ?? this.start();
    if (!sh) return Promise.resolve(null);
    this.out = '';
    this.err = '';
    this.scanned = 0;
    const token = `${sh.nonce}-${++this.seq}`;
    return new Promise<ExecResult | null>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const round: Round = {
        mark: `${ROUND_END}${token}\n`,
        settle: (r) => {
          if (this.round !== round) return;
          this.round = undefined;
          clearTimeout(timer);
          resolve(r);
        },
      };
      this.round = round;
      if (timeoutMs) {
        timer = setTimeout(() => {
          round.settle({ stdout: this.out, stderr: this.err, code: null, timedOut: true });
          this.stop(sh);
        }, timeoutMs);
      }
      sh.handle.write(`${token} ${lines ? lines.filter((i) => Number.isInteger(i) && i >= 0).join(' ') : this.all}\n`);
    });
  }

  /** Ends the shell (the transport is closing, or the script changed). */
  close(): void {
    this.round?.settle(null);
    if (this.shell) this.stop(this.shell);
  }

  private start(): Shell | undefined {
    const dec = new StringDecoder('utf8');
    const errDec = new StringDecoder('utf8');
    // Output counts only while this is the current shell: one ended after a timeout may still deliver some.
    let sh: Shell | undefined;
    const current = () => sh !== undefined && this.shell === sh;
    const sniff = new PgidSniffer((text) => void (current() && (this.err += text)));
    let handle: RunHandle;
    try {
      handle = this.deps.open(roundsCommand(this.script), {
        onStdout: (b) => current() && this.stdout(dec.write(b)),
        onStderr: (b) => sniff.push(errDec.write(b)),
        keepStdinOpen: true,
      });
    } catch {
      return undefined;
    }
    const shell: Shell = (sh = { handle, sniff, nonce: randomBytes(6).toString('hex'), completed: 0 });
    this.shell = shell;
    handle.done.then(
      (res) => {
        // Ended on its own before any run completed, with the connection up: this server cannot run the loop.
        if (!res.cancelled && !res.dropped && shell.completed === 0) this.unsupported = true;
        this.ended(shell);
      },
      () => this.ended(shell),
    );
    return shell;
  }

  private stdout(text: string): void {
    const round = this.round;
    if (!round) return; // nothing asked: a run that already timed out
    this.out += text;
    const mark = round.mark;
    for (let at = this.out.indexOf(mark, this.scanned); at !== -1; at = this.out.indexOf(mark, at + 1)) {
      if (at > 0 && this.out.charCodeAt(at - 1) !== 10) continue; // not at a line start
      const stdout = this.out.slice(0, at);
      this.out = this.out.slice(at + mark.length);
      this.scanned = 0;
      if (this.shell) this.shell.completed++;
      round.settle({ stdout, stderr: this.err, code: 0 });
      return;
    }
    this.scanned = Math.max(0, this.out.length - mark.length);
  }

  private ended(sh: Shell): void {
    if (this.shell !== sh) return;
    this.shell = undefined;
    this.round?.settle(null);
  }

  private stop(sh: Shell): void {
    if (this.shell === sh) this.shell = undefined;
    sh.handle.cancel();
    this.deps.kill(sh.sniff.pgid);
  }
}
