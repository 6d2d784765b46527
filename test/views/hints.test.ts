import { describe, expect, it } from 'vitest';
import { buildKeymap } from '../../src/keymap/build.js';
import { hintsFor } from '../../src/keymap/visible.js';
import type { Scope } from '../../src/keymap/types.js';
import { statusLayout } from '../../src/views/screen-rows.js';

// Help is always one key away: at every width from 80 columns the hint bar keeps `? help` and `q quit`, with
// every command available (as in the demo) and with a message beside the hints; the other hints go first.

const km = buildKeymap();
const available = Object.fromEntries(km.commands.map((c) => [c.id, true as const]));
const hints = (scope: Scope) => hintsFor(km, scope, { available, readOnly: false }).map((h) => `${h.keys} ${h.label}`);
const DEMO = { text: 'DEMO · real host: mvm-tui config init', kind: 'info' as const, at: 0 };

describe('the hint bar', () => {
  it('keeps "? help" and "q quit" at every width from 80 to 300 columns, message or not, in the grid and the panes', () => {
    for (const scope of ['grid', 'logs', 'snapshots', 'doctor', 'deploy'] as Scope[]) {
      for (let w = 80; w <= 300; w++) {
        for (const msg of [null, DEMO]) {
          const bar = statusLayout(msg, hints(scope), w, false, ':app.messages').hints;
          expect(bar, `${scope} at ${w} columns${msg ? ' with a message' : ''}`).toMatch(/(^| {2})\? help( {2}|$)/);
          expect(bar, `${scope} at ${w}`).toMatch(/(^| {2})q quit( {2}|$)/);
        }
      }
    }
  });

  it('drops the other hints first, keeping their order, and shows them all when there is room', () => {
    const all = hints('grid');
    expect(statusLayout(null, all, 400, false, '').hints).toBe(all.join('  '));
    const narrow = statusLayout(DEMO, all, 80, false, '').hints;
    expect(narrow.length).toBeLessThanOrEqual(40);
    expect(narrow.split('  ')).toEqual(all.filter((h) => narrow.split('  ').includes(h))); // table order
  });
});
