import { fstatSync } from 'node:fs';
import { isatty } from 'node:tty';

// How the full-screen UI ends when its terminal is gone (a closed tmux window, a dropped SSH link).

/**
 * Ends the process as a hung-up program ends: killed by SIGHUP (status 129 to its shell). Not exit(): node resets
 * the terminal's modes at exit (ResetStdio), and on a terminal that is gone that reset fails (EIO) and node aborts
 * (status 134 and a core file; often the abort's own stack dump crashes too, the kernel's "node[PID]: segfault at
 * a0 ... in libgcc_s.so.1" line).
 */
export function dieOfHangUp(): never {
  process.removeAllListeners('SIGHUP'); // SIGHUP's default action again
  process.kill(process.pid, 'SIGHUP');
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1000); // the signal may land on another thread
  process.kill(process.pid, 'SIGKILL');
  throw new Error('not reached');
}

/** A terminal on fd, or one that was and is gone: a hung-up terminal fails isatty but is still the tty device
 *  (major 4 or 5: consoles, /dev/tty; 136-143: pty slaves). */
function terminalFd(fd: number): boolean {
  if (isatty(fd)) return true;
  try {
    const major = Number(fstatSync(fd).rdev) >> 8;
    return major === 4 || major === 5 || (major >= 136 && major <= 143);
  } catch {
    return false;
  }
}

/** From now on, however the process ends (a return, exit(), an uncaught error), if a terminal it had on stdin,
 *  stdout or stderr is gone by then (even before this ran), it ends by SIGHUP instead. */
export function endByHangUpWhenTerminalGone(): void {
  const ttys = [0, 1, 2].filter(terminalFd);
  if (ttys.length) process.once('exit', () => ttys.some((fd) => !isatty(fd)) && dieOfHangUp());
}
