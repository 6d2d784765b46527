import { describe, expect, it } from 'vitest';
import { deferredTransport } from '../../src/ssh/deferred.js';
import type { ConnState } from '../../src/model/connection.js';
import type { Transport } from '../../src/ssh/types.js';
import { ScriptedTransport } from '../helpers/scripted-transport.js';

// The UI's transport until its first refresh: nothing dialled (and ssh2 not even loaded) before the first
// frame, then exactly the real transport.

function deferred(real: Transport = new ScriptedTransport().on('uptime', { stdout: 'up 3 days\n' })) {
  const opened: Transport[] = [];
  const t = deferredTransport(async () => {
    opened.push(real);
    return real;
  });
  return { t, opened, real };
}

describe('deferredTransport', () => {
  it('opens nothing until a command is sent, and shows every host idle meanwhile', () => {
    const { t, opened } = deferred();
    expect(t.state('lab')).toMatchObject({ host: 'lab', status: 'idle' });
    expect(opened).toEqual([]);
  });

  it('opens the real transport once for concurrent commands and answers through it', async () => {
    const { t, opened } = deferred();
    const [a, b] = await Promise.all([t.exec({ host: 'lab' }, 'uptime'), t.exec({ host: 'lab' }, 'uptime')]);
    expect([a.stdout, b.stdout]).toEqual(['up 3 days\n', 'up 3 days\n']);
    expect(opened).toHaveLength(1);
    expect(t.state('lab').status).toBe('up');
  });

  it('connection states reach a listener that subscribed before the transport opened, until it unsubscribes', async () => {
    const real = new ScriptedTransport();
    const { t } = deferred(real);
    const seen: ConnState['status'][] = [];
    const off = t.onState((s) => seen.push(s.status));
    await t.exec({ host: 'lab' }, 'true');
    real.setState({ host: 'lab', status: 'connecting' });
    real.setState({ host: 'lab', status: 'up' });
    off();
    real.setState({ host: 'lab', status: 'down' });
    expect(seen).toEqual(['connecting', 'up']);
  });

  it('a log stream cancelled before the transport opened never starts its remote command', async () => {
    const real = new ScriptedTransport();
    const { t } = deferred(real);
    const h = t.stream({ host: 'lab' }, 'journalctl -f', { onLine: () => {} });
    h.cancel();
    expect((await h.done).code).toBeNull();
    expect(real.sent).toEqual([]);
  });

  it('a stream started before the transport opened delivers its lines once it has', async () => {
    const real = new ScriptedTransport();
    const { t } = deferred(real);
    const lines: string[] = [];
    const h = t.stream({ host: 'lab' }, 'journalctl -f', { onLine: (l) => lines.push(l) });
    await new Promise((r) => setImmediate(r));
    real.streams[0]!.handlers.onLine('hello');
    real.streams[0]!.end();
    expect((await h.done).code).toBe(0);
    expect(lines).toEqual(['hello']);
  });

  it('closing before any command never opens the transport; closing after closes the real one', async () => {
    const idle = deferred();
    await idle.t.close();
    expect(idle.opened).toEqual([]);
    await expect(idle.t.exec({ host: 'lab' }, 'uptime')).rejects.toThrow(/closed/);

    let closed = 0;
    const real = Object.assign(new ScriptedTransport(), { close: async () => void closed++ });
    const used = deferred(real);
    await used.t.exec({ host: 'lab' }, 'true');
    await used.t.close();
    expect(closed).toBe(1);
  });

  it('when the transport cannot be opened, commands fail with why (no unhandled rejection from streams)', async () => {
    const t = deferredTransport(() => Promise.reject(new Error('Cannot find package ssh2')));
    await expect(t.exec({ host: 'lab' }, 'uptime')).rejects.toThrow(/ssh2/);
    await expect(t.stream({ host: 'lab' }, 'journalctl -f', { onLine: () => {} }).done).rejects.toThrow(/ssh2/);
  });
});
