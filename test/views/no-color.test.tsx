import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { parseZfsGet } from '../../src/parsers/zfs-get.js';
import { listingFromProps } from '../../src/model/snapshots.js';
import { initialSnapshots } from '../../src/store/slices/snapshots.js';
import { DeployView } from '../../src/views/DeployPane.js';
import { DoctorView } from '../../src/views/DoctorPane.js';
import { SnapshotBrowser } from '../../src/views/SnapshotBrowser.js';
import { renderTui, type Rendered } from '../helpers/render.js';
import { setup } from './setup.js';

// With NO_COLOR (or a terminal without colours: the test terminal has none) every selection and every focus
// still shows, by a character: the `>` of a selected line, the double frame of the focused card or pane.

let r: Rendered | undefined;
afterEach(() => {
  r?.unmount();
  r = undefined;
});
process.env.NO_COLOR = '1';

const LAB = readFileSync(new URL('../fixtures/zfs/lab-get-Hp-o-name-property-value-r-used-referenced-creation.txt', import.meta.url), 'utf8');
const noAnsi = (f: string) => expect(f.includes('\u001B[')).toBe(false);
const doctor = (cursor: number) => ({
  target: { host: 'hv1', vm: 'vm1' },
  loading: false,
  error: null,
  cursor,
  notice: null,
  output: [],
  report: {
    host: 'hv1',
    vm: 'vm1',
    ok: false,
    durationMs: 4,
    checks: [
      { id: 'a', title: 'VM unit is running', ok: false, evidence: 'inactive' },
      { id: 'b', title: 'Runner link exists', ok: true, evidence: 'ok' },
    ],
  },
});

describe('NO_COLOR: selection and focus by a character', () => {
  it('the doctor marks the selected check with > and its frame is double while focused', async () => {
    for (const [cursor, focused] of [[0, true], [1, false]] as const) {
      r = renderTui(<DoctorView state={doctor(cursor) as never} width={60} height={14} focused={focused} />, { cols: 60, rows: 14 });
      const f = await r.waitFor('Runner link');
      noAnsi(f);
      const line = (t: string) => f.split('\n').find((l) => l.includes(t))!;
      expect(line('VM unit is running')).toMatch(cursor === 0 ? /[│║] *>/ : /[│║] +[^>]/);
      expect(line('Runner link exists')).toMatch(cursor === 1 ? /[│║] *>/ : /[│║] +[^>]/);
      expect(f.split('\n')[0]).toMatch(focused ? /^╔/ : /^╭/);
      r.unmount();
      r = undefined;
    }
  });

  it('the snapshot browser marks the selected snapshot with > and its frame is double while focused', async () => {
    const state = { ...initialSnapshots, target: { host: 'lab' }, listing: listingFromProps('lab', 'microvms', parseZfsGet(LAB)) };
    r = renderTui(<SnapshotBrowser state={state} width={110} height={30} focused now={Date.parse('2026-11-28T13:00:00Z')} />, { cols: 110, rows: 30 });
    const f = await r.waitFor('@');
    noAnsi(f);
    expect(f.split('\n').filter((l) => /[│║] *>/.test(l))).toHaveLength(1);
    expect(f.split('\n')[0]).toMatch(/^╔/);
  });

  it('the deploy pane is framed double while focused, round when not', async () => {
    for (const focused of [true, false]) {
      r = renderTui(<DeployView state={{ run: null, shown: true } as never} width={60} height={10} focused={focused} />, { cols: 60, rows: 10 });
      await r.settle();
      const f = r.lastFrame();
      noAnsi(f);
      expect(f.split('\n')[0]).toMatch(focused ? /^╔/ : /^╭/);
      r.unmount();
      r = undefined;
    }
  });

  it('the grid marks the selected card with > and a double frame; the palette its entry with >', async () => {
    const t = setup({ cols: 120, rows: 40 });
    r = t.r;
    let f = await r.waitFor('vm5');
    noAnsi(f);
    expect(f).toMatch(/║> vm1/);
    expect(f).toMatch(/│ {2}vm2/);
    await r.press(':');
    f = await r.waitFor(/> \S+/);
    expect(f.split('\n').filter((l) => /^│ > \S/.test(l))).toHaveLength(1);
    await r.press('down');
    const g = r.lastFrame().split('\n');
    expect(g.filter((l) => /^│ > \S/.test(l))).toHaveLength(1);
    expect(g.findIndex((l) => /^│ > \S/.test(l))).toBe(f.split('\n').findIndex((l) => /^│ > \S/.test(l)) + 1);
  });
});
