import { spawn } from 'node:child_process';
import { Duplex } from 'node:stream';

// ProxyCommand as OpenSSH runs it: `$SHELL -c "exec COMMAND"` (tokens already expanded), its stdin and stdout
// are the byte stream the SSH session runs over. Its stderr is kept (last lines) for the error message when the
// command ends before or during the handshake; the process is killed when the stream is destroyed.

export function dialCommand(command: string, label: string): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    const shell = process.env.SHELL || '/bin/sh';
    const child = spawn(shell, ['-c', `exec ${command}`], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => {
      stderr = (stderr + b.toString('utf8')).slice(-2000);
    });
    const why = () => stderr.trim().split('\n').pop() ?? '';
    const stream = new Duplex({
      read() {
        child.stdout.resume();
      },
      write(chunk: Buffer, _enc, cb) {
        if (child.stdin.destroyed) return cb(new Error(`${label}: ProxyCommand ended`));
        child.stdin.write(chunk, cb);
      },
      final(cb) {
        child.stdin.end();
        cb();
      },
      destroy(err, cb) {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
        cb(err);
      },
    });
    stream.on('error', () => undefined); // the session reads the cause from its own listener
    child.stdout.on('data', (b: Buffer) => {
      if (!stream.push(b)) child.stdout.pause();
    });
    child.stdin.on('error', () => undefined);
    child.on('error', (e) => {
      reject(Object.assign(new Error(`${label}: cannot run ProxyCommand: ${e.message}`), { code: 'EPROXYCOMMAND' }));
      stream.destroy();
    });
    // Its end is the stream's end, as an error that says why (the session's message shows it).
    child.on('close', (code, sig) => {
      const msg = `ProxyCommand exited ${sig ? `on ${sig}` : `with ${code}`}${why() ? `: ${why()}` : ''}`;
      stream.destroy(Object.assign(new Error(msg), { code: 'EPROXYCOMMAND' }));
    });
    child.on('spawn', () => resolve(stream));
  });
}
