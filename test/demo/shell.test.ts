import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { shJoin } from '../../src/host/quote.js';
import { demoHost } from './helpers.js';

// The demo's shell: the POSIX quoting, separators and redirections the app's command lines use.

describe('demo shell', () => {
  test('separators: ; && || and newlines, with $? after each command', async () => {
    const { sh } = demoHost();
    expect((await sh('false; echo "a $?"; true && echo b || echo c\nfalse || echo "d $?"; false && echo e')).stdout).toBe('a 1\nb\nd 1\n');
    expect((await sh('false && echo x')).code).toBe(1);
  });

  test('quoting: single, double (with $? and escapes), backslash, empty words', async () => {
    const { sh } = demoHost();
    expect((await sh(`printf '%s|' 'a b' "c \\"d\\" \\$x" e\\ f '' "it's"; echo`)).stdout).toBe(`a b|c "d" $x|e f||it's|\n`);
    expect((await sh(`echo '@@mvm x'; false 2>&1; echo "@@rc $?"`)).stdout).toBe('@@mvm x\n@@rc 1\n');
  });

  test('redirections: 2>&1 merges, 2>/dev/null and >/dev/null discard', async () => {
    const { sh } = demoHost();
    expect(await sh('nosuch 2>&1')).toMatchObject({ stdout: 'bash: nosuch: command not found\n', stderr: '', code: 127 });
    expect(await sh('nosuch 2>/dev/null')).toMatchObject({ stdout: '', stderr: '', code: 127 });
    expect(await sh('hostname >/dev/null 2>&1; cat /nope 2>&1 >/dev/null')).toMatchObject({ stdout: 'cat: /nope: No such file or directory\n', stderr: '' });
  });

  test('command substitution inside double quotes, and simple pipes', async () => {
    const { sh } = demoHost();
    expect((await sh('echo "host=$(hostname) day=$(date +%Y%m%d)"')).stdout).toBe('host=hypervisor day=20261126\n');
    expect((await sh("systemctl list-units 'microvm@*' --plain --no-legend | wc -l")).stdout).toBe('5\n');
  });

  test('for loops, with the loop variable and exit inside the body', async () => {
    const { sh } = demoHost();
    expect((await sh('for v in vm1 vm2; do systemctl is-active microvm@$v; done; echo end')).stdout).toBe('active\nactive\nend\n');
    expect(await sh('for i in 1 2 3; do test $i = 2 && exit 7; echo $i; done')).toMatchObject({ stdout: '1\n', code: 7 });
    expect(await sh('for i in 1; do echo x')).toMatchObject({ code: 2 });
  });

  test('$$ names the command line, and kill ends it from another one', async () => {
    const { clock, shell, sh } = demoHost();
    let out = '';
    const p = shell.run('echo $$; sleep 100; echo never', { out: (t) => (out += t), err: () => {} });
    await clock.advance(10);
    const pid = Number(out.trim());
    expect((await sh(`kill -0 ${pid}`)).code).toBe(0);
    expect((await sh(`kill -TERM -${pid}`)).code).toBe(0);
    expect(await p).toBe(143);
    expect(out).toBe(`${pid}\n`);
    expect(await sh(`kill -0 -${pid}`)).toMatchObject({ code: 1, stderr: `bash: kill: (-${pid}) - No such process\n` });
  });

  test('unknown commands and paths fail like bash; syntax errors exit 2', async () => {
    const { sh } = demoHost();
    expect(await sh('frobnicate --now')).toMatchObject({ stderr: 'bash: frobnicate: command not found\n', code: 127 });
    expect(await sh('/opt/x/run')).toMatchObject({ stderr: 'bash: /opt/x/run: No such file or directory\n', code: 127 });
    expect((await sh('/run/current-system/sw/bin/hostname')).stdout).toBe('hypervisor\n');
    expect(await sh("echo 'unterminated")).toMatchObject({ code: 2 });
    expect(await sh('echo a && && echo b')).toMatchObject({ code: 2 });
    expect(await sh('exit 3; echo no')).toMatchObject({ stdout: '', code: 3 });
  });

  test('any argv quoted with shJoin reaches the command unchanged (property)', async () => {
    const { sh } = demoHost();
    await fc.assert(
      fc.asyncProperty(fc.array(fc.string({ unit: fc.constantFrom('a', ' ', "'", '"', '\\', '$', '?', ';', '&', '|', '\n', '\t', '(', '`', '*', 'é', '%', '>') }), { minLength: 1, maxLength: 4 }), async (args) => {
          const r = await sh(`printf '[%s]' ${shJoin(args)}`);
          expect(r.stdout).toBe(args.map((a) => `[${a}]`).join(''));
        }),
      { numRuns: 300 },
    );
  });
});
