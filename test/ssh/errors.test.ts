import { connect, createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { isChannelOpenFailure, toSshError } from '../../src/ssh/errors.js';
import { SshError } from '../../src/ssh/types.js';

// Real errors from the socket layer where they can be produced on loopback; the rest as ssh2 raises them.
function realError(port: number): Promise<NodeJS.ErrnoException> {
  return new Promise((resolve) => connect({ host: '127.0.0.1', port }).once('error', resolve));
}

async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}

describe('toSshError', () => {
  it('maps a real ECONNREFUSED to one line naming the host and address', async () => {
    const port = await closedPort();
    const e = toSshError(await realError(port), 'lab', `127.0.0.1:${port}`);
    expect(e).toBeInstanceOf(SshError);
    expect(e.kind).toBe('refused');
    expect(e.message).toBe(`lab: connection refused (127.0.0.1:${port})`);
  });

  it.each([
    [{ code: 'EHOSTUNREACH', message: 'connect EHOSTUNREACH 10.9.0.2:22' }, 'no-route', 'lab: no route to host (10.9.0.2:22)'],
    [{ code: 'ENETUNREACH', message: 'connect ENETUNREACH' }, 'no-route', 'lab: network unreachable (10.9.0.2:22)'],
    [{ code: 'ENOTFOUND', message: 'getaddrinfo ENOTFOUND nohost' }, 'dns', 'lab: host name not found (10.9.0.2:22)'],
    [{ code: 'ETIMEDOUT', message: 'connect ETIMEDOUT' }, 'timeout', 'lab: connection timed out (10.9.0.2:22)'],
    [{ code: 'ECONNRESET', message: 'read ECONNRESET' }, 'closed', 'lab: connection reset by peer (10.9.0.2:22)'],
    [{ level: 'client-timeout', message: 'Timed out while waiting for handshake' }, 'timeout', 'lab: timed out during the SSH handshake (10.9.0.2:22)'],
    [{ level: 'client-authentication', message: 'All configured authentication methods failed' }, 'auth', undefined],
    [{ level: 'handshake', message: 'Host denied (verification failed)' }, 'hostkey', undefined],
  ])('maps %o to kind %s', (err, kind, message) => {
    const e = toSshError(err, 'lab', '10.9.0.2:22');
    expect(e.kind).toBe(kind);
    expect(e.host).toBe('lab');
    if (message) expect(e.message).toBe(message);
    expect(e.message.startsWith('lab: ')).toBe(true);
  });

  it('keeps only the first line of an unknown error', () => {
    expect(toSshError(new Error('weird\nsecond line'), 'h', '').message).toBe('h: weird');
  });

  it('passes an SshError through unchanged', () => {
    const orig = new SshError('hostkey', 'lab', 'lab: HOST KEY CHANGED');
    expect(toSshError(orig, 'x', 'y')).toBe(orig);
  });

  it('recognises channel open failures worth retrying', () => {
    expect(isChannelOpenFailure(new Error('(SSH) Channel open failure: open failed'))).toBe(true);
    expect(isChannelOpenFailure(new Error('open failed'))).toBe(true);
    expect(isChannelOpenFailure(new Error('All configured authentication methods failed'))).toBe(false);
  });
});
