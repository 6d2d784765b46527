import fc from 'fast-check';
import { describe, it } from 'vitest';
import { PARSERS as parsers } from '../helpers/parsers.js';
import { fixtures } from './fixture.js';

// Every parser must survive garbage and truncated real output: the UI shows what could be read.

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
