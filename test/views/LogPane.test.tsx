import { readFileSync } from 'node:fs';
import { render } from 'ink-testing-library';
import { describe, expect, it, vi } from 'vitest';
import { parseJournalJson, type JournalEntry } from '../../src/parsers/index.js';
import type { Action } from '../../src/store/slices/index.js';
import { logsReducer, type LogsAction, type LogsState } from '../../src/store/slices/logs.js';
import { LogPane } from '../../src/views/LogPane.js';
import { sanitize, visibleRows } from '../../src/views/log/rows.js';

const REAL = readFileSync(new URL('../fixtures/journalctl/lab-f-json-vm1-heartbeats.txt', import.meta.url), 'utf8')
  .trim()
  .split('\n')
  .map((l) => parseJournalJson(l) as JournalEntry);

const run = (actions: LogsAction[], s: LogsState = { byId: {} }) => actions.reduce((st, a) => logsReducer(st, a as unknown as Action), s);
function pane(actions: LogsAction[] = [], id = 'p1', unit = 'microvm@vm1') {
  const s = run([{ type: 'logs/open', id, host: 'lab', unit, vm: 'vm1' }, { type: 'logs/append', id, entries: REAL }, ...actions]);
  return s.byId[id]!;
}
const flood = (n: number): JournalEntry[] =>
  Array.from({ length: n }, (_, i) => ({ ...REAL[0]!, cursor: `c${i}`, message: `[vm1] heartbeat ${i}` }));

describe('LogPane', () => {
  it('shows the unit, host, follow state, lines held and connection in the header, newest line at the bottom', () => {
    const p = pane([{ type: 'logs/conn', id: 'p1', state: { status: 'streaming', drops: 0 } }]);
    const { lastFrame } = render(<LogPane pane={p} width={100} height={14} focused />);
    const f = lastFrame()!;
    expect(f).toContain('vm1 microvm@vm1 @ lab');
    expect(f).toContain('live');
    expect(f).toMatch(/FOLLOW · 17 held · last 100/);
    const body = f.split('\n').slice(3, -1);
    expect(body).toHaveLength(10);
    expect(body.at(-1)).toContain('11:59:49 [vm1] heartbeat 1 uptime=0s');
    expect(f).not.toContain('heartbeat 11'); // scrolled out of the 10 body rows
  });

  it('marks err and worse with !! and warnings with ! so severity reads without colour', () => {
    const crash = { ...REAL[0]!, cursor: 'x', priority: 3, message: 'microvm-run: vm1 crashed' };
    const s = run([{ type: 'logs/open', id: 'p', host: 'lab', unit: 'u' }, { type: 'logs/append', id: 'p', entries: [...REAL.slice(10, 12), crash] }]);
    const f = render(<LogPane pane={s.byId.p!} width={100} height={10} focused={false} />).lastFrame()!;
    expect(f).toMatch(/! +\S+ microvm@vm1\.service: Main process exited/);
    expect(f).toMatch(/!! \S+ microvm-run: vm1 crashed/);
  });

  it('says when it is reconnecting, and shows the dropped-by-filter count and the filter', () => {
    const p = pane([
      { type: 'logs/conn', id: 'p1', state: { status: 'reconnecting', message: 'reconnecting in 2s: connection dropped', drops: 1 } },
      { type: 'logs/filterText', id: 'p1', text: 'heartbeat' },
    ]);
    const f = render(<LogPane pane={p} width={120} height={14} focused />).lastFrame()!;
    expect(f).toContain('reconnecting in 2s: connection dropped');
    expect(f).toContain('12 filtered out');
    expect(f).toContain('/heartbeat/');
    expect(f.match(/heartbeat \d+ uptime/g)).toHaveLength(5);
  });

  it('scrolling back pauses and shows older lines; timestamps and wrap toggle', () => {
    const p = pane([{ type: 'logs/scroll', id: 'p1', delta: 7 }, { type: 'logs/toggle', id: 'p1', what: 'timestamps' }]);
    const f = render(<LogPane pane={p} width={100} height={14} focused />).lastFrame()!;
    expect(f).toContain('PAUSED -7');
    expect(f).toContain('heartbeat 11 uptime=20s');
    expect(f).not.toContain('11:59:');
    const long = { ...REAL[0]!, cursor: 'long', message: 'x'.repeat(150) + 'END' };
    const s = run([{ type: 'logs/open', id: 'w', host: 'lab', unit: 'u' }, { type: 'logs/append', id: 'w', entries: [long] }]);
    expect(render(<LogPane pane={s.byId.w!} width={60} height={10} focused />).lastFrame()).not.toContain('END');
    const wrapped = run([{ type: 'logs/toggle', id: 'w', what: 'wrap' }], s).byId.w!;
    expect(render(<LogPane pane={wrapped} width={60} height={10} focused />).lastFrame()).toContain('END');
  });

  it('draws only the visible slice of a full buffer', () => {
    const s = run([{ type: 'logs/open', id: 'p', host: 'lab', unit: 'u' }, { type: 'logs/append', id: 'p', entries: flood(50_000) }]);
    const p = s.byId.p!;
    expect(p.buffer.held).toBe(10_000);
    const spy = vi.spyOn(p.buffer, 'visibleSlice');
    const f = render(<LogPane pane={p} width={80} height={12} focused />).lastFrame()!;
    expect(spy.mock.calls.every(([a, b]) => b - a <= 8)).toBe(true);
    expect(f).toContain('[vm1] heartbeat 49999');
    expect(f).toContain('40,000 older left the window');
    expect(f.split('\n')).toHaveLength(12);
  });

  it('paused under a flood: the rows it was paused on stay, the header counts what arrived and what left the window', () => {
    let s = run([{ type: 'logs/open', id: 'p', host: 'lab', unit: 'u' }, { type: 'logs/append', id: 'p', entries: flood(10_000) }, { type: 'logs/scroll', id: 'p', delta: 3 }]);
    const rows = (f: string) => f.split('\n').filter((l) => /heartbeat \d+/.test(l)).map((l) => /heartbeat (\d+)/.exec(l)![1]);
    const before = rows(render(<LogPane pane={s.byId.p!} width={100} height={14} focused />).lastFrame()!);
    expect(before).toEqual(['9987', '9988', '9989', '9990', '9991', '9992', '9993', '9994', '9995', '9996']);
    for (let i = 0; i < 40; i++) s = run([{ type: 'logs/append', id: 'p', entries: flood(10_000).map((e) => ({ ...e, cursor: `${i}:${e.cursor}`, message: `${e.message}-${i}` })) }], s);
    const f = render(<LogPane pane={s.byId.p!} width={120} height={14} focused />).lastFrame()!;
    expect(rows(f)).toEqual(before);
    expect(f).toContain('PAUSED -3 · 400,000 new · 10,000 held · 400,000 older left the window');
  });

  it('shows the filter being typed and a clear message for an invalid regex', () => {
    const p = pane([{ type: 'logs/filterOpen', id: 'p1' }, { type: 'logs/filterText', id: 'p1', text: 'heart(' }]);
    const f = render(<LogPane pane={p} width={120} height={14} focused />).lastFrame()!;
    expect(f).toContain('/heart(');
    expect(f).toMatch(/invalid regex.*matching literally/);
  });
});

describe('log rows', () => {
  it('highlights the matches of the filter', () => {
    const p = pane([{ type: 'logs/filterText', id: 'p1', text: 'heartbeat \\d+' }]);
    const rows = visibleRows({ buffer: p.buffer, filter: p.buffer.filter, scroll: 0, rows: 1, width: 80, wrap: false, timestamps: true });
    expect(rows[0]!.parts).toEqual([
      { text: '[vm1] ', match: false },
      { text: 'heartbeat 1', match: true },
      { text: ' uptime=0s', match: false },
    ]);
  });

  it('cuts a long line to the pane width itself, keeping the highlight, with an ellipsis', () => {
    const long = { ...REAL[0]!, cursor: 'l', message: 'heartbeat ' + 'x'.repeat(200) };
    const s = run([{ type: 'logs/open', id: 'w', host: 'lab', unit: 'u' }, { type: 'logs/append', id: 'w', entries: [long] }, { type: 'logs/filterText', id: 'w', text: 'heart' }]);
    const b = s.byId.w!.buffer;
    const [row] = visibleRows({ buffer: b, filter: b.filter, scroll: 0, rows: 5, width: 60, wrap: false, timestamps: true });
    const text = row!.parts.map((p) => p.text).join('');
    expect(text.length).toBe(60 - 3 - 9);
    expect(text.endsWith('x…')).toBe(true);
    expect(row!.parts[0]).toEqual({ text: 'heart', match: true });
  });

  it('strips escape sequences and control characters from untrusted log text', () => {
    expect(sanitize('\x1b[31mred\x1b[0m\x1b]0;title\x07 a\tb\x07')).toBe('red a    b?');
  });
});
