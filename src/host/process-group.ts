// Ending a remote command for real. Closing an SSH channel does not end its process: sshd keeps the
// session until the process exits, OpenSSH ignores `signal` requests for sessions without a pty (seen on
// the lab: a cancelled `sleep 1000` lived on), and only a process that writes gets SIGPIPE. sshd starts
// every command in a new session (setsid), so the remote shell's pid is also its process group: the
// command first reports `$$` on stderr, and a cancel kills that whole group through another channel.

/** The first stderr line of a command wrapped by withPgidReport: `MARK PGID`. */
export const PGID_MARK = 'mvm-tui-pgid';

/** The command, prefixed to report its process group on the first stderr line. */
export function withPgidReport(command: string): string {
  return `printf '${PGID_MARK} %s\\n' "$$" >&2; ${command}`;
}

/** The command that ends a process group: TERM, then KILL if it is still there a second later. */
export function killGroupCommand(pgid: number): string {
  if (!Number.isInteger(pgid) || pgid <= 1) throw new RangeError(`not a process group: ${pgid}`);
  const g = `-${pgid}`;
  // `kill -SIG -PGID`, not `kill -- -PGID`: dash's kill rejects `--`.
  return `kill -TERM ${g} 2>/dev/null || exit 0; for i in 1 2 3 4 5; do kill -0 ${g} 2>/dev/null || exit 0; sleep 0.2; done; kill -KILL ${g} 2>/dev/null; exit 0`;
}
