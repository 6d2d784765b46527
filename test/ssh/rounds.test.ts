import { describe, expect, it } from 'vitest';
import type { ChannelIo, RunHandle } from '../../src/ssh/connection.js';
import { roundsCommand, selectLines } from '../../src/host/kept-shell.js';
import { ScriptRounds } from '../../src/ssh/rounds.js';

// The kept shell's bookkeeping on a scripted channel: where a run's output ends, when a shell is replaced and when
// the caller is told to exec instead. test/ssh/transport.test.ts runs it over ssh2, test/lab/rounds.test.ts on sshd.

interface FakeShell {
  command: string;
  io: ChannelIo;
  /** The token of each line written to the shell's stdin (one per run). */
  lines: string[];
  /** Each of those lines whole: the token and the script lines it asks for. */
  asked: string[];
  cancelled: boolean;
  end(res: Awaited<RunHandle['done']>): void;
  fail(e: Error): void;
  out(text: string): void;
  /** `text`, then the end marker of the last run written to this shell. */
  answer(text: string): void;
}

function harness() {
  const shells: FakeShell[] = [];
  const killed: Array<number | undefined> = [];
  const rounds = new ScriptRounds('echo a\necho b\n', {
    open(command, io) {
      let end!: FakeShell['end'];
      let fail!: FakeShell['fail'];
      const done = new Promise<Awaited<RunHandle['done']>>((res, rej) => ((end = res), (fail = rej)));
      const out = (t: string) => io.onStdout(Buffer.from(t));
      const sh: FakeShell = { command, io, lines: [], asked: [], cancelled: false, end, fail, out, answer: (t) => out(`${t}@@mvm-end ${sh.lines[sh.lines.length - 1]}\n`) };
      shells.push(sh);
      io.onStderr(Buffer.from(`mvm-tui-pgid ${4000 + shells.length}\n`));
      return {
        cancel: () => ((sh.cancelled = true), end({ code: null, cancelled: true })),
        write: (d) => {
          sh.asked.push(d.replace(/\n$/, ''));
          sh.lines.push(d.split(' ')[0]!);
        },
        done,
      };
    },
    kill: (pgid) => killed.push(pgid),
  });
  return { rounds, shells, killed };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('ScriptRounds', () => {
  it('runs the script in a loop that reads a line per run, runs the lines it names and ends each run with a marker naming it', () => {
    const cmd = roundsCommand('echo a\necho b\n');
    expect(cmd).toBe(
      'while read -r mvm_round mvm_lines; do\n{\nfor mvm_l in $mvm_lines; do\ncase $mvm_l in\n0) echo a\n;;\n1) echo b\n;;\nesac\ndone\n} </dev/null\necho "@@mvm-end $mvm_round"\ndone',
    );
  });

  it('a run names every line of the script, or only the lines asked for', async () => {
    const { rounds, shells } = harness();
    const all = rounds.run(1000);
    expect(shells[0]!.asked[0]).toMatch(/^[0-9a-f]{12}-1 0 1$/);
    shells[0]!.answer('a\nb\n');
    await all;
    const some = rounds.run(1000, [1]);
    expect(shells[0]!.asked[1]).toMatch(/^[0-9a-f]{12}-2 1$/);
    shells[0]!.answer('b\n');
    expect((await some)?.stdout).toBe('b\n');
    expect(selectLines('echo a\necho b\necho c\n', [2, 0])).toBe('echo a\necho c\n');
  });

  it('serves every run from one shell, each run with only its own output, however the output is chunked', async () => {
    const { rounds, shells } = harness();
    const first = rounds.run(1000);
    expect(shells).toHaveLength(1);
    const [token1] = shells[0]!.lines;
    expect(token1).toMatch(/^[0-9a-f]{12}-1$/);
    shells[0]!.out('a\nb\n@@mvm-end ');
    shells[0]!.out(`${token1}\n`);
    expect(await first).toEqual({ stdout: 'a\nb\n', stderr: '', code: 0 });
    const second = rounds.run(1000);
    const token2 = shells[0]!.lines[1]!;
    expect(token2).not.toBe(token1);
    shells[0]!.out(`a2\nb2\n@@mvm-end ${token2}\n`);
    expect(await second).toEqual({ stdout: 'a2\nb2\n', stderr: '', code: 0 });
    expect(shells).toHaveLength(1);
  });

  it('output that only looks like the end of a run does not end it', async () => {
    const { rounds, shells } = harness();
    const p = rounds.run(1000);
    const token = shells[0]!.lines[0]!;
    const lookalikes = `@@mvm-end 000000000000-1\nsome text @@mvm-end ${token}\n`;
    shells[0]!.out(lookalikes);
    let settled = false;
    void p.then(() => (settled = true));
    await tick();
    expect(settled).toBe(false);
    shells[0]!.out(`@@mvm-end ${token}\n`);
    expect((await p)?.stdout).toBe(lookalikes);
  });

  it('a run that times out gives what came so far, ends the shell and its process group; the next run gets a new shell', async () => {
    const { rounds, shells, killed } = harness();
    const p = rounds.run(30);
    shells[0]!.out('a\n');
    expect(await p).toEqual({ stdout: 'a\n', stderr: '', code: null, timedOut: true });
    expect(shells[0]!.cancelled).toBe(true);
    expect(killed).toEqual([4001]);
    const next = rounds.run(1000);
    expect(shells).toHaveLength(2);
    shells[1]!.answer(`fresh\n`);
    expect((await next)?.stdout).toBe('fresh\n');
  });

  it('output a timed-out shell still delivers does not reach the next run on the new shell', async () => {
    const { rounds, shells } = harness();
    const p = rounds.run(30);
    expect((await p)?.timedOut).toBe(true);
    const next = rounds.run(1000);
    shells[0]!.answer(`@@mvm units\nstale\n`);
    shells[0]!.io.onStderr(Buffer.from('old shell\n'));
    shells[1]!.answer(`@@mvm units\nfresh\n`);
    expect(await next).toEqual({ stdout: '@@mvm units\nfresh\n', stderr: '', code: 0 });
  });

  it('a server whose shell ends before its first run completes is never asked again: the caller execs', async () => {
    const { rounds, shells } = harness();
    const p = rounds.run(1000);
    shells[0]!.end({ code: 127 });
    expect(await p).toBeNull();
    expect(await rounds.run(1000)).toBeNull();
    expect(shells).toHaveLength(1);
  });

  it('a dropped connection or a shell that cannot start hands that run to exec, and the next run tries a shell again', async () => {
    const { rounds, shells } = harness();
    const p = rounds.run(1000);
    shells[0]!.end({ code: null, dropped: 'lab: connection lost' });
    expect(await p).toBeNull();
    const q = rounds.run(1000);
    shells[1]!.fail(new Error('connection refused'));
    expect(await q).toBeNull();
    const r = rounds.run(1000);
    expect(shells).toHaveLength(3);
    shells[2]!.answer(`ok\n`);
    expect((await r)?.stdout).toBe('ok\n');
  });

  it('a second run while one is in flight is handed to exec; stderr of a run comes with it', async () => {
    const { rounds, shells } = harness();
    const p = rounds.run(1000);
    expect(await rounds.run(1000)).toBeNull();
    shells[0]!.io.onStderr(Buffer.from('zpool: warning\n'));
    shells[0]!.answer(`x\n`);
    expect(await p).toEqual({ stdout: 'x\n', stderr: 'zpool: warning\n', code: 0 });
  });
});
