import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { shq } from '../../src/host/quote.js';
import {
  snapshotNameProblem,
  zfsCloneCmd,
  zfsDestroySnapshotCmd,
  zfsDiffCmd,
  zfsListCmd,
  zfsMountCmd,
  zfsRenameCmd,
  zfsSetMountpointCmd,
  zfsSnapshotCmd,
  zfsUnmountCmd,
} from '../../src/host/zfs.js';

// Thousands of random and adversarial names: whatever the grammar accepts must reach a real POSIX shell
// as exactly one unchanged word, and whatever a builder emits must parse to exactly the argv intended.

const DS = 'microvms/storage/vm1';
const hostile = ['x; reboot', '$(reboot)', '`id`', 'a\nb', 'a@@b', '-rf', '--help', "it's", 'a"b', 'a|b', 'a&b', '*', '~root', 'a b', '\t', '>x', 'a\\b', '!', '#c', '{a,b}', '..', '.', ''];
const zfsChars = fc.constantFrom(...'abcXYZ019_-.:'.split(''));
const metaChars = fc.constantFrom(...' ;&|<>()$`\\"\'*?[]#~{}!\n\t@/%='.split(''));
const nameArb = fc.oneof(
  fc.constantFrom(...hostile),
  fc.string({ unit: fc.oneof(zfsChars, metaChars), maxLength: 40 }),
  fc.string({ unit: zfsChars, minLength: 1, maxLength: 300 }),
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'grapheme', maxLength: 12 }),
);

/** Runs `script` in a real sh where zfs/systemctl print their argv NUL-separated instead of running. */
function argvThroughSh(script: string): string[][] {
  const prelude = 'zfs() { printf "%s\\0" zfs "$@"; printf "\\n"; }; ';
  const r = spawnSync('sh', ['-c', prelude + script], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout
    .split('\n')
    .filter((l) => l.length)
    .map((l) => l.split('\0').slice(0, -1));
}

// a shell per generated case: seconds on a loaded machine, so more than the default 5 s
describe('name validation (property-based)', { timeout: 30_000 }, () => {
  it('accepted names round-trip unchanged through sh -c printf %s', () => {
    fc.assert(
      fc.property(fc.array(nameArb, { minLength: 1, maxLength: 60 }), (names) => {
        const ok = names.filter((n) => snapshotNameProblem(n, DS) === undefined);
        if (!ok.length) return;
        const r = spawnSync('sh', ['-c', ok.map((n) => `printf '%s\\0' ${shq(n)}`).join('; ')], { encoding: 'utf8' });
        expect(r.stdout.split('\0').slice(0, -1)).toEqual(ok);
      }),
      { numRuns: 300 },
    );
  });

  it('every accepted name is inside the grammar; every hostile one is refused', () => {
    fc.assert(
      fc.property(nameArb, (n) => {
        const accepted = snapshotNameProblem(n, DS) === undefined;
        const inGrammar = /^[A-Za-z0-9_.:][A-Za-z0-9_.:-]*$/.test(n) && n !== '.' && n !== '..' && DS.length + 1 + n.length <= 255;
        expect(accepted).toBe(inGrammar);
      }),
      { numRuns: 5000 },
    );
    for (const h of hostile) expect(snapshotNameProblem(h, DS), h).toBeDefined();
  });

  it('a builder either refuses or emits a line that sh parses into exactly the intended argv', () => {
    fc.assert(
      fc.property(fc.array(nameArb, { minLength: 1, maxLength: 40 }), (names) => {
        const built: Array<{ line: string; argv: string[] }> = [];
        for (const n of names) {
          const tries: Array<[() => string, string[]]> = [
            [() => zfsSnapshotCmd(DS, n), ['zfs', 'snapshot', `${DS}@${n}`]],
            [() => zfsSnapshotCmd(DS, n, { recursive: true }), ['zfs', 'snapshot', '-r', `${DS}@${n}`]],
            [() => zfsDestroySnapshotCmd(`${DS}@${n}`), ['zfs', 'destroy', `${DS}@${n}`]],
            [() => zfsDiffCmd(`${DS}@${n}`), ['zfs', 'diff', '-H', `${DS}@${n}`]],
            [() => zfsCloneCmd(`${DS}@${n}`, `${DS}-${n}`), ['zfs', 'clone', `${DS}@${n}`, `${DS}-${n}`]],
            [() => zfsRenameCmd(`${DS}/${n}`, `${DS}/${n}2`), ['zfs', 'rename', `${DS}/${n}`, `${DS}/${n}2`]],
            [() => zfsListCmd(`${DS}/${n}`), ['zfs', 'get', '-H', '-p', '-o', 'name,property,value', '-r', 'used,referenced,creation', `${DS}/${n}`]],
          ];
          for (const [build, argv] of tries) {
            let line: string;
            try {
              line = build();
            } catch {
              continue; // refused: nothing to run
            }
            expect(line).not.toMatch(/\n/);
            built.push({ line, argv });
          }
        }
        if (!built.length) return;
        expect(argvThroughSh(built.map((b) => b.line).join('; '))).toEqual(built.map((b) => b.argv));
      }),
      { numRuns: 200 },
    );
  });

  it('no builder output has a shell metacharacter outside quotes', () => {
    fc.assert(
      fc.property(nameArb, (n) => {
        const builders = [
          () => zfsSnapshotCmd(DS, n),
          () => zfsSnapshotCmd(DS, n, { recursive: true }),
          () => zfsDestroySnapshotCmd(`${DS}@${n}`),
          () => zfsDiffCmd(`${DS}@${n}`),
          () => zfsCloneCmd(`${DS}@${n}`, `${DS}-${n}`, `/var/lib/microvms/${n}`),
          () => zfsRenameCmd(`${DS}/${n}`, `${DS}-${n}`),
          () => zfsListCmd(`${DS}/${n}`),
          () => zfsSetMountpointCmd(`${DS}/${n}`, `/var/lib/microvms/${n}`),
          () => zfsMountCmd(`${DS}/${n}`),
          () => zfsUnmountCmd(`${DS}/${n}`),
        ];
        for (const build of builders) {
          let line: string;
          try {
            line = build();
          } catch {
            continue; // refused: nothing to run
          }
          expect(unquotedMeta(line)).toEqual([]);
        }
      }),
      { numRuns: 5000 },
    );
  });
});

/** The metacharacters a POSIX shell would act on outside single/double quotes. */
function unquotedMeta(line: string): string[] {
  const found: string[] = [];
  let q: "'" | '"' | null = null;
  for (const c of line) {
    if (q) {
      if (c === q) q = null;
      continue;
    }
    if (c === "'" || c === '"') q = c;
    else if (/[;&|<>()$`\\*?[\]#~{}!\n\t]/.test(c)) found.push(c);
  }
  return found;
}
