import { saveLogFile, type SaveRequest, type SaveResult } from '../services/logs/save.js';
import { tailLogs, type TailHandle } from '../services/logs/tail.js';
import { completeUnit, hostUnits } from '../services/units.js';
import type { Keymap } from '../keymap/build.js';
import type { Transport } from '../ssh/types.js';
import { paneHeight } from '../store/layout.js';
import { selectLayout } from '../store/selectors.js';
import { validateUnit } from '../host/journal.js';
import { logsTyping, nextRange, rangeLabel, rangeQuery } from '../store/slices/logs.js';
import type { AppState } from '../store/slices/index.js';
import type { VmRef } from '../store/slices/ui.js';
import { LOG_PANE_CHROME, logFooterRows } from '../views/LogPane.js';
import { belowRows } from '../views/grid-rows.js';
import { bodyRows } from '../views/screen-rows.js';
import type { Controller } from './controller.js';
import type { PluginContext } from './plugins.js';

// The log panes' commands: open (l) / add (L) / any unit (J) from the grid, close, next/prev, zoom, follow, scroll,
// filter, wrap, timestamps, range, save. Each pane has one tail (one channel on its host's shared
// connection); its batches and connection state go to the logs slice.

export const MAX_LOG_PANES = 6;
export const logPaneId = (host: string, unit: string, n = 0) => `log:${host}:${unit}${n ? `#${n}` : ''}`;

export interface LogPluginDeps {
  transport: Transport;
  save?: (req: SaveRequest) => Promise<SaveResult>;
  /** Where save-to-file writes (default: the current directory). */
  saveDir?: string;
}

function logPanes(s: AppState) {
  return s.ui.panes.filter((p) => p.kind === 'logs');
}

/** Lines the focused log pane shows, exactly as the layout draws it (the screen's body as App.tsx sizes it, less
 *  the pane's chrome and footer): the top of the log is reached when its first line shows, not a key later. */
export function paneBodyRows(s: AppState, keymap: Keymap): number {
  const layout = selectLayout(s);
  const pane = s.logs.byId[s.ui.activePane ?? ''];
  const body = bodyRows(s, keymap);
  return Math.max(1, paneHeight(layout, body, s.ui.panes.length, belowRows(s, body)) - LOG_PANE_CHROME - (pane ? logFooterRows(pane) : 0));
}

/** Rows a page scroll moves in the focused pane. */
export function pageRows(s: AppState, keymap: Keymap): number {
  return Math.max(1, paneBodyRows(s, keymap) - 1);
}

export function registerLogHandlers(c: Controller, deps: LogPluginDeps): () => void {
  const { store } = c;
  const d = store.dispatch;
  const tails = new Map<string, TailHandle>();
  let unitSeq = 0;

  const startTail = (id: string) => {
    tails.get(id)?.stop();
    const p = store.getState().logs.byId[id];
    if (!p) return;
    tails.set(
      id,
      tailLogs(
        deps.transport,
        { host: p.host, unit: p.unit, follow: true, ...rangeQuery(p.range) },
        {
          onEntries: (entries) => d({ type: 'logs/append', id, entries }),
          onState: (state) => d({ type: 'logs/conn', id, state }),
        },
      ),
    );
  };

  const close = (id: string) => {
    tails.get(id)?.stop();
    tails.delete(id);
    d({ type: 'ui/paneClose', id });
    d({ type: 'logs/close', id });
  };

  const unitOf = (s: AppState, ref: VmRef) => s.hosts.byName[ref.host]?.vms.find((v) => v.name === ref.vm)?.unit ?? `microvm@${ref.vm}`;

  const open = (ref: VmRef, add: boolean) => {
    const s = store.getState();
    const unit = unitOf(s, ref);
    const panes = logPanes(s);
    const existing = panes.find((p) => p.params?.host === ref.host && p.params?.unit === unit);
    if (existing && !add) return d({ type: 'ui/paneFocus', id: existing.id });
    if (add && panes.length >= MAX_LOG_PANES) return c.status(`at most ${MAX_LOG_PANES} log panes: close one first (escape in the pane)`, 'warn');
    // `l` shows this VM's log in the log pane already open (the focused one, else the last); `L` adds one.
    if (!add && panes.length) close((panes.find((p) => p.id === s.ui.activePane) ?? panes[panes.length - 1]!).id);
    let n = 0;
    while (store.getState().logs.byId[logPaneId(ref.host, unit, n)]) n++;
    const id = logPaneId(ref.host, unit, n);
    d({ type: 'logs/open', id, host: ref.host, unit, vm: ref.vm });
    d({ type: 'ui/paneOpen', pane: { id, kind: 'logs', scope: 'logs', title: `logs ${ref.vm}`, params: { host: ref.host, unit } } });
    startTail(id);
  };

  /** The focused log pane's id, or nothing (a log command outside a log pane does nothing). */
  const active = (): string | undefined => {
    const s = store.getState();
    const id = s.ui.activePane;
    return id && s.logs.byId[id] ? id : undefined;
  };
  const onActive = (fn: (id: string) => void) => () => {
    const id = active();
    if (id) fn(id);
  };

  c.register('log.open', ({ selected }) => (selected ? open(selected, false) : c.status('no VM selected', 'warn')));
  c.register('log.add', ({ selected }) => (selected ? open(selected, true) : c.status('no VM selected', 'warn')));
  c.register('log.openUnit', ({ selected, state }) => {
    const host = selected?.host ?? state.hosts.order[0];
    if (!host) return c.status('no host', 'warn');
    if (logPanes(state).length >= MAX_LOG_PANES) return c.status(`at most ${MAX_LOG_PANES} log panes: close one first (escape in the pane)`, 'warn');
    const id = `log:${host}:?${++unitSeq}`;
    d({ type: 'logs/open', id, host, unit: '', prompt: true });
    d({ type: 'ui/paneOpen', pane: { id, kind: 'logs', scope: 'logs', title: `logs ${host}`, params: { host, unit: '' } } });
    // the names the prompt completes: the host's own units
    hostUnits(deps.transport, host).then(
      (units) => store.getState().logs.byId[id] && d({ type: 'logs/units', id, units }),
      (e: Error) => store.getState().logs.byId[id] && d({ type: 'logs/units', id, units: [], error: e.message }),
    );
  });
  c.register('log.close', onActive(close));
  c.register('log.zoom', () => d({ type: 'ui/zoom', zoomed: !store.getState().ui.zoomed }));
  c.register('log.split', () => {
    d({ type: 'ui/paneSplit' });
    c.status(store.getState().ui.paneSplit === 'columns' ? 'panes side by side, in columns' : 'panes stacked, in rows');
  });
  c.register('log.prev', () => {
    const ui = store.getState().ui;
    const ids = [null, ...ui.panes.map((p) => p.id)];
    const i = ids.indexOf(ui.activePane);
    d({ type: 'ui/paneFocus', id: ids[(i - 1 + ids.length) % ids.length] ?? null });
  });
  c.register('log.follow', onActive((id) => d({ type: 'logs/follow', id })));
  c.register('log.up', onActive((id) => d({ type: 'logs/scroll', id, delta: 1, rows: paneBodyRows(store.getState(), c.keymap) })));
  c.register('log.down', onActive((id) => d({ type: 'logs/scroll', id, delta: -1 })));
  c.register('log.pageUp', onActive((id) => d({ type: 'logs/scroll', id, delta: pageRows(store.getState(), c.keymap), rows: paneBodyRows(store.getState(), c.keymap) })));
  c.register('log.pageDown', onActive((id) => d({ type: 'logs/scroll', id, delta: -pageRows(store.getState(), c.keymap) })));
  c.register('log.end', onActive((id) => d({ type: 'logs/end', id })));
  c.register('log.top', onActive((id) => d({ type: 'logs/top', id, rows: paneBodyRows(store.getState(), c.keymap) })));
  c.register('log.wrap', onActive((id) => d({ type: 'logs/toggle', id, what: 'wrap' })));
  c.register('log.timestamps', onActive((id) => d({ type: 'logs/toggle', id, what: 'timestamps' })));
  c.register('log.filter', onActive((id) => d({ type: 'logs/filterOpen', id })));
  c.register(
    'log.range',
    onActive((id) => {
      const range = nextRange(store.getState().logs.byId[id]!.range);
      tails.get(id)?.stop(); // its last batch lands before the pane empties, not after
      d({ type: 'logs/range', id, range });
      startTail(id);
      c.status(`log range: ${rangeLabel(range)}`);
    }),
  );
  c.register(
    'log.save',
    onActive(async (id) => {
      const p = store.getState().logs.byId[id]!;
      try {
        const r = await (deps.save ?? saveLogFile)({ entries: p.buffer.entries(), host: p.host, unit: p.unit, dir: deps.saveDir });
        d({ type: 'logs/notice', id, text: `saved ${r.lines} lines to ${r.path}` });
        c.status(`saved ${r.lines} lines to ${r.path}`, 'ok');
      } catch (e) {
        c.status(`save failed: ${(e as Error).message}`, 'error');
      }
    }),
  );

  /** Enter on a typed unit name: validated, then the pane follows it. */
  const acceptUnit = (id: string, typed: string) => {
    const unit = typed.trim();
    try {
      validateUnit(unit);
    } catch (e) {
      return c.status((e as Error).message, 'error');
    }
    const p = store.getState().logs.byId[id]!;
    d({ type: 'logs/setUnit', id, unit });
    d({ type: 'ui/paneOpen', pane: { id, kind: 'logs', scope: 'logs', title: `logs ${unit}`, params: { host: p.host, unit } } });
    startTail(id);
  };

  // Enter/escape while typing in a log pane (its filter or a unit name) belong to that pane; otherwise to
  // whoever had them.
  const typing = () => {
    const id = active();
    return id && logsTyping(store.getState().logs.byId[id]) ? id : undefined;
  };
  const previousComplete = c.handler('input.complete');
  c.register('input.complete', (ctx) => {
    const id = typing();
    const p = id ? store.getState().logs.byId[id] : undefined;
    if (!id || !p || p.prompt === null) return previousComplete?.(ctx);
    if (!p.units) return c.status(`reading the units of ${p.host}…`);
    const matches = completeUnit(p.units, p.prompt);
    if (!matches.length) return c.status(`no unit on ${p.host} starts with "${p.prompt.trim()}"`, 'warn');
    // one match: the whole name; several: as far as they agree (as a shell completes)
    let common = matches[0]!;
    for (const m of matches) while (!m.startsWith(common)) common = common.slice(0, -1);
    d({ type: 'logs/prompt', id, text: common });
  });

  for (const [cmd, type] of [
    ['filter.apply', 'logs/filterApply'],
    ['filter.cancel', 'logs/filterCancel'],
  ] as const) {
    const previous = c.handler(cmd);
    c.register(cmd, (ctx) => {
      const id = typing();
      if (!id) return previous?.(ctx);
      d({ type, id });
    });
  }
  // the unit name J asks for
  const naming = () => {
    const id = active();
    const prompt = id ? (store.getState().logs.byId[id]?.prompt ?? null) : null;
    return id && prompt !== null ? { id, prompt } : undefined;
  };
  for (const cmd of ['input.submit', 'input.cancel'] as const) {
    const previous = c.handler(cmd);
    c.register(cmd, (ctx) => {
      const n = naming();
      if (!n) return previous?.(ctx);
      return cmd === 'input.submit' ? acceptUnit(n.id, n.prompt) : close(n.id);
    });
  }

  return () => {
    for (const t of tails.values()) t.stop();
    tails.clear();
  };
}

export function logsPlugin(ctx: PluginContext): () => void {
  return registerLogHandlers(ctx.controller, { transport: ctx.runtime.transport });
}
