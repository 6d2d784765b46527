import { SshError } from './types.js';

// Turns whatever net/ssh2 throws into one line a user can act on: "HOST: CAUSE (ADDRESS)".
// Messages never include key material or passphrases: only codes and ssh2's fixed texts are read.

interface ErrLike {
  code?: unknown;
  level?: unknown;
  message?: unknown;
}

export function toSshError(err: unknown, host: string, address: string): SshError {
  if (err instanceof SshError) return err;
  const e = (typeof err === 'object' && err !== null ? err : { message: String(err) }) as ErrLike;
  const code = typeof e.code === 'string' ? e.code : '';
  const level = typeof e.level === 'string' ? e.level : '';
  const msg = typeof e.message === 'string' ? e.message : '';
  const at = address ? ` (${address})` : '';
  const make = (kind: SshError['kind'], cause: string) => new SshError(kind, host, `${host}: ${cause}${at}`);

  switch (code) {
    case 'ECONNREFUSED':
      return make('refused', 'connection refused');
    case 'ETIMEDOUT':
    case 'ESOCKETTIMEDOUT':
      return make('timeout', 'connection timed out');
    case 'EHOSTUNREACH':
      return make('no-route', 'no route to host');
    case 'ENETUNREACH':
      return make('no-route', 'network unreachable');
    case 'EHOSTDOWN':
      return make('no-route', 'host is down');
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return make('dns', 'host name not found');
    case 'ECONNRESET':
      return make('closed', 'connection reset by peer');
    case 'EPIPE':
      return make('closed', 'connection closed');
  }
  if (level === 'client-timeout' || /timed out/i.test(msg)) return make('timeout', 'timed out during the SSH handshake');
  if (level === 'client-authentication' || /authentication methods failed/i.test(msg))
    return make('auth', 'authentication failed (no key or agent identity was accepted)');
  if (/host denied|verification failed/i.test(msg)) return make('hostkey', 'host key verification failed');
  if (/open failed|channel open failure/i.test(msg)) return make('channel', `cannot open a channel: ${oneLine(msg)}`);
  if (/no response from server|not connected|connection lost|socket ended|closed/i.test(msg)) return make('closed', 'connection closed');
  if (level === 'protocol' || level === 'handshake') return make('other', `SSH protocol error: ${oneLine(msg)}`);
  return make('other', oneLine(msg) || 'unknown error');
}

/** True for errors where the channel could not be opened but the connection is fine: worth retrying. */
export function isChannelOpenFailure(err: unknown): boolean {
  const msg = typeof err === 'object' && err !== null && 'message' in err ? String((err as ErrLike).message) : String(err);
  return /open failed|channel open failure/i.test(msg);
}

function oneLine(s: string): string {
  const line = s.split('\n')[0]!.trim();
  return line.length > 160 ? `${line.slice(0, 157)}...` : line;
}
