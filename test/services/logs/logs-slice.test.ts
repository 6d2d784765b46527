import { describe, expect, it } from 'vitest';
import type { Action } from '../../../src/store/slices/index.js';
import { logsReducer, shownLines, nextRange, rangeLabel, rangeQuery, type LogsAction, type LogsState } from '../../../src/store/slices/logs.js';

const entry = (i: number, message = `[vm1] heartbeat ${i}`) => ({ cursor: `c${i}`, realtimeUs: BigInt(i) * 1_000_000n, message });
const batch = (a: number, b: number) => Array.from({ length: b - a }, (_, k) => entry(a + k));
const run = (actions: LogsAction[], s: LogsState = { byId: {} }) => actions.reduce((st, a) => logsReducer(st, a as unknown as Action), s);
const open: LogsAction = { type: 'logs/open', id: 'p1', host: 'lab', unit: 'microvm@vm1', vm: 'vm1' };

describe('logs slice', () => {
  it('opens a following pane and appends batches, bumping its version', () => {
    const s = run([open, { type: 'logs/append', id: 'p1', entries: batch(0, 10) }]);
    const p = s.byId.p1!;
    expect(p).toMatchObject({ follow: true, scroll: 0, version: 1, range: { kind: 'lines', n: 100 } });
    expect(p.buffer.held).toBe(10);
  });

  it('scrolling back pauses follow and keeps the view on the same lines as more arrive; end resumes', () => {
    let s = run([open, { type: 'logs/append', id: 'p1', entries: batch(0, 50) }, { type: 'logs/scroll', id: 'p1', delta: 5 }]);
    expect(s.byId.p1).toMatchObject({ follow: false, scroll: 5 });
    s = run([{ type: 'logs/append', id: 'p1', entries: batch(50, 60) }], s);
    expect(s.byId.p1).toMatchObject({ scroll: 5, arrivedSincePause: 10 });
    expect(shownLines(s.byId.p1!).visibleSlice(44, 45)[0]!.message).toBe('[vm1] heartbeat 44');
    s = run([{ type: 'logs/scroll', id: 'p1', delta: -100 }], s);
    expect(s.byId.p1).toMatchObject({ scroll: 0, follow: false });
    s = run([{ type: 'logs/top', id: 'p1' }], s);
    expect(s.byId.p1!.scroll).toBe(49);
    s = run([{ type: 'logs/end', id: 'p1' }, { type: 'logs/append', id: 'p1', entries: batch(60, 70) }], s);
    expect(s.byId.p1).toMatchObject({ scroll: 0, follow: true, still: null, arrivedSincePause: 0 });
    expect(shownLines(s.byId.p1!).visibleCount).toBe(70);
  });

  it('a paused pane keeps the lines it was paused on while a flood pushes them out of the live window', () => {
    const cap: LogsAction = { ...open, capacity: 1000 } as LogsAction;
    let s = run([cap, { type: 'logs/append', id: 'p1', entries: batch(0, 1000) }, { type: 'logs/follow', id: 'p1', on: false }]);
    const before = shownLines(s.byId.p1!).visibleSlice(980, 1000).map((e) => e.message);
    for (let i = 1000; i < 30_000; i += 500) s = run([{ type: 'logs/append', id: 'p1', entries: batch(i, i + 500) }], s);
    const p = s.byId.p1!;
    expect(p.buffer.droppedByCapacity).toBe(29_000); // the live window moved on...
    expect(p).toMatchObject({ follow: false, scroll: 0, arrivedSincePause: 29_000 });
    expect(shownLines(p).visibleSlice(980, 1000).map((e) => e.message)).toEqual(before); // ...the view did not
    s = run([{ type: 'logs/scroll', id: 'p1', delta: 999 }], s);
    expect(shownLines(s.byId.p1!).visibleSlice(0, 1)[0]!.message).toBe('[vm1] heartbeat 0');
    s = run([{ type: 'logs/follow', id: 'p1' }], s);
    expect(shownLines(s.byId.p1!).visibleSlice(999, 1000)[0]!.message).toBe('[vm1] heartbeat 29999');
  });

  it('filters as the user types, reports an invalid regex, and cancel shows everything again', () => {
    let s = run([open, { type: 'logs/append', id: 'p1', entries: [...batch(0, 5), entry(5, 'microvm-run: crashed')] }, { type: 'logs/filterOpen', id: 'p1' }]);
    s = run([{ type: 'logs/filterText', id: 'p1', text: '!heartbeat' }], s);
    expect(s.byId.p1!.buffer.visibleCount).toBe(1);
    expect(s.byId.p1!.buffer.droppedByFilter).toBe(5);
    s = run([{ type: 'logs/filterText', id: 'p1', text: 'crash(' }], s);
    expect(s.byId.p1!.filter.error).toMatch(/invalid regex/);
    s = run([{ type: 'logs/filterApply', id: 'p1' }], s);
    expect(s.byId.p1!.filter).toMatchObject({ editing: false, text: 'crash(' });
    s = run([{ type: 'logs/filterCancel', id: 'p1' }], s);
    expect(s.byId.p1!.filter).toMatchObject({ text: '', editing: false, error: undefined });
    expect(s.byId.p1!.buffer.visibleCount).toBe(6);
  });

  it('/ on a pane with a filter reopens it selected: typing replaces it, an arrow edits it', () => {
    let s = run([open, { type: 'logs/append', id: 'p1', entries: [...batch(0, 5), entry(5, 'microvm-run: crashed')] }, { type: 'logs/filterText', id: 'p1', text: 'heartbeat' }, { type: 'logs/filterApply', id: 'p1' }]);
    s = run([{ type: 'logs/filterOpen', id: 'p1' }], s);
    expect(s.byId.p1!.filter).toMatchObject({ text: 'heartbeat', editing: true, selected: true, cursor: 9 });
    s = run([{ type: 'logs/filterEdit', id: 'p1', edit: { kind: 'insert', text: 'c' } }, { type: 'logs/filterEdit', id: 'p1', edit: { kind: 'insert', text: 'rash' } }], s);
    expect(s.byId.p1!.filter).toMatchObject({ text: 'crash', selected: false });
    expect(s.byId.p1!.buffer.visibleCount).toBe(1);
    s = run([{ type: 'logs/filterApply', id: 'p1' }, { type: 'logs/filterOpen', id: 'p1' }, { type: 'logs/filterEdit', id: 'p1', edit: { kind: 'left' } }, { type: 'logs/filterEdit', id: 'p1', edit: { kind: 'insert', text: '!' } }], s);
    expect(s.byId.p1!.filter).toMatchObject({ text: '!crash', cursor: 1 });
    expect(s.byId.p1!.buffer.visibleCount).toBe(5);
  });

  it('a new range empties the pane (its tail restarts) and ranges cycle through last N and since 1m/15m/1h', () => {
    let s = run([open, { type: 'logs/append', id: 'p1', entries: batch(0, 5) }]);
    let r = s.byId.p1!.range;
    const labels = [];
    for (let i = 0; i < 5; i++) labels.push(rangeLabel((r = nextRange(r))));
    expect(labels).toEqual(['last 1000', 'since 1m', 'since 15m', 'since 1h', 'last 100']);
    expect(rangeQuery({ kind: 'since', span: '15m' })).toEqual({ since: '15m' });
    s = run([{ type: 'logs/range', id: 'p1', range: { kind: 'since', span: '1h' } }], s);
    expect(s.byId.p1!.buffer.held).toBe(0);
    expect(rangeLabel(s.byId.p1!.range)).toBe('since 1h');
  });

  it('toggles wrap and timestamps, closes, and ignores unknown panes and other actions', () => {
    let s = run([open, { type: 'logs/toggle', id: 'p1', what: 'wrap' }, { type: 'logs/toggle', id: 'p1', what: 'timestamps' }]);
    expect(s.byId.p1).toMatchObject({ wrap: true, timestamps: false });
    expect(run([{ type: 'logs/follow', id: 'nope' }], s)).toBe(s);
    expect(logsReducer(s, { type: 'ui/quit' } as Action)).toBe(s);
    s = run([{ type: 'logs/close', id: 'p1' }], s);
    expect(s.byId).toEqual({});
  });
});
