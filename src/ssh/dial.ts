import { connect } from 'node:net';
import type { Socket } from 'node:net';

// A TCP connection with Nagle off (otherwise ~45 ms per exec) and a connect timeout of our own,
// so a silent network gives "timed out" instead of the kernel's minutes-long retry.

export function dialTcp(host: string, port: number, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const sock = connect({ host, port });
    sock.setNoDelay(true);
    const timer = setTimeout(() => {
      const e = Object.assign(new Error('connect timed out'), { code: 'ETIMEDOUT' });
      sock.destroy();
      reject(e);
    }, timeoutMs);
    sock.once('connect', () => {
      clearTimeout(timer);
      sock.removeListener('error', onError);
      // ssh2 adds its own listener a tick later; until then an error must not go unhandled.
      sock.on('error', () => undefined);
      resolve(sock);
    });
    const onError = (e: Error) => {
      clearTimeout(timer);
      reject(e);
    };
    sock.once('error', onError);
  });
}
