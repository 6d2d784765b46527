import fc from 'fast-check';
import { describe, it } from 'vitest';
import * as P from '../../src/parsers/index.js';
import { fixtures } from './fixture.js';

// Every parser must survive garbage and truncated real output: the UI shows what could be read.
const parsers: Array<[string, (s: string) => unknown]> = [
  ['zpool status', (s) => P.parseZpoolStatus(s, [])],
  ['zpool list', (s) => P.parseZpoolList(s, [])],
  ['systemctl show', (s) => P.parseSystemctlShow(s, [])],
  ['is-system-running', (s) => P.parseIsSystemRunning(s, [])],
  ['failed units', (s) => P.parseFailedUnits(s, [])],
  ['timestamp', (s) => P.parseSystemdTimestamp(s)],
  ['journal', (s) => P.parseJournalJson(s)],
  ['ip links', (s) => P.parseIpLinks(s, [])],
  ['df', (s) => P.parseDf(s, [])],
  ['zfs get', (s) => P.parseZfsGet(s, [])],
  ['loadavg', (s) => P.parseLoadavg(s, [])],
  ['meminfo', (s) => P.parseMeminfo(s, [])],
  ['readlink', (s) => P.parseReadlink(s, 0)],
  ['stat links', (s) => P.parseStatLinks(s)],
  ['human size', (s) => P.parseHumanSize(s)],
];

const real = ['zpool', 'systemctl', 'ip', 'df', 'zfs', 'proc', 'journalctl', 'gather'].flatMap((d) => fixtures(d).map(([, t]) => t));

describe('parsers never throw', () => {
  for (const [name, parse] of parsers) {
    it(`${name}: random strings and random cuts of real output`, () => {
      fc.assert(fc.property(fc.string({ maxLength: 300, unit: 'binary' }), (s) => {
        parse(s);
        return true;
      }));
      fc.assert(
        fc.property(fc.constantFrom(...real), fc.nat(), fc.nat(), (t, a, b) => {
          const [from, to] = [a % (t.length + 1), b % (t.length + 1)].sort((x, y) => x - y);
          parse(t.slice(from!, to!));
          return true;
        }),
        { numRuns: 300 },
      );
    });
  }
});
