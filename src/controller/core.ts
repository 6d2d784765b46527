import { helpSections, paletteElsewhere, paletteMatches, whyNotHere } from '../keymap/visible.js';
import { filterProblem } from '../store/filter.js';
import { moveSelection, selectPaletteScopes, selectReadOnly, selectSelected, type Move } from '../store/selectors.js';
import type { AppState } from '../store/slices/index.js';
import { messageLines, overlayInner } from '../views/MessagesOverlay.js';
import { overlayRoom } from '../views/screen-rows.js';
import type { Controller } from './controller.js';

// Handlers of the UI's own commands: navigation, marks, filter, help, palette, dialogs, panes, quit.

export interface CoreDeps {
  /** Asks every host for fresh status now (the poller's refreshNow). */
  refresh?: () => void;
}

export function registerCoreHandlers(c: Controller, deps: CoreDeps = {}): void {
  const { store } = c;
  const d = store.dispatch;

  c.register('app.quit', () => c.quit());
  c.register('app.help', () => d({ type: 'ui/helpOpen' }));
  c.register('app.palette', () => d({ type: 'ui/paletteOpen' }));
  c.register('app.interrupt', () => {
    // Ctrl-C closes what is in front; only on the bare grid does it quit.
    const ui = store.getState().ui;
    if (ui.dialog) c.answerDialog(false);
    else if (ui.palette) d({ type: 'ui/paletteClose' });
    else if (ui.help.open) d({ type: 'ui/helpClose' });
    else if (ui.filter.editing) d({ type: 'ui/filterCancel' });
    else return c.run('app.quit'); // through app.quit, so a deploy running in the background is asked about
  });
  if (deps.refresh) {
    const refresh = deps.refresh;
    c.register('app.refresh', () => {
      refresh();
      c.status('refreshing every host');
    });
  }

  const moves: Record<string, Move> = { 'nav.up': 'up', 'nav.down': 'down', 'nav.left': 'left', 'nav.right': 'right', 'nav.first': 'first', 'nav.last': 'last' };
  for (const [id, move] of Object.entries(moves)) {
    c.register(id, () => {
      const ref = moveSelection(store.getState(), move);
      if (ref) d({ type: 'ui/select', ref });
    });
  }
  c.register('vm.mark', () => {
    const sel = selectSelected(store.getState());
    if (!sel) return;
    d({ type: 'ui/toggleMark', ref: sel });
    // move on, so space-space-space marks a run of VMs
    const next = moveSelection(store.getState(), 'right');
    if (next) d({ type: 'ui/select', ref: next });
  });
  c.register('grid.filter', () => d({ type: 'ui/filterOpen' }));
  c.register('grid.clear', () => {
    d({ type: 'ui/filterCancel' });
    d({ type: 'ui/clearMarks' });
  });
  c.register('filter.apply', () => {
    d({ type: 'ui/filterApply' });
    const problem = filterProblem(store.getState().ui.filter.text);
    if (problem) c.status(`filter: ${problem}`, 'warn');
    const sel = selectSelected(store.getState());
    if (sel) d({ type: 'ui/select', ref: sel });
  });
  c.register('filter.cancel', () => d({ type: 'ui/filterCancel' }));

  c.register('help.close', () => d({ type: 'ui/helpClose' }));
  c.register('app.messages', () => {
    d({ type: 'messages/open', top: 0 });
    d({ type: 'messages/open', top: overlayPosition(c, 'messages', 'end') });
  });
  c.register('messages.close', () => d({ type: 'messages/close' }));
  // help and the history scroll alike: a line, a page (what fits on screen), to either end
  for (const how of SCROLLS) {
    c.register(`help.${how}`, () => d({ type: 'ui/helpScroll', delta: overlayPosition(c, 'help', how) - store.getState().ui.help.scroll }));
    c.register(`messages.${how}`, () => d({ type: 'messages/scroll', top: overlayPosition(c, 'messages', how) }));
  }

  c.register('dialog.confirm', () => c.answerDialog(true));
  // enter alone never confirms: every question defaults to No and only y says yes (a stray enter must not act)
  c.register('dialog.enter', () => c.answerDialog(false));
  c.register('dialog.cancel', () => c.answerDialog(false));
  c.register('prompt.submit', () => c.answerDialog(true));
  c.register('prompt.cancel', () => c.answerDialog(false));

  const matches = () => {
    const s = store.getState();
    return paletteMatches(c.keymap, { available: s.ui.available, readOnly: selectReadOnly(s) }, s.ui.palette?.query ?? '', selectPaletteScopes(s));
  };
  c.register('palette.next', () => {
    const n = matches().length;
    const i = store.getState().ui.palette?.index ?? 0;
    if (n) d({ type: 'ui/paletteIndex', index: (i + 1) % n });
  });
  c.register('palette.prev', () => {
    const n = matches().length;
    const i = store.getState().ui.palette?.index ?? 0;
    if (n) d({ type: 'ui/paletteIndex', index: (i - 1 + n) % n });
  });
  c.register('palette.complete', () => {
    const m = matches()[store.getState().ui.palette?.index ?? 0];
    if (m) d({ type: 'ui/paletteQuery', query: m.id });
  });
  c.register('palette.close', () => d({ type: 'ui/paletteClose' }));
  c.register('palette.run', async () => {
    const query = store.getState().ui.palette?.query ?? '';
    const m = matches()[store.getState().ui.palette?.index ?? 0];
    const s = store.getState();
    const where = selectPaletteScopes(s);
    d({ type: 'ui/paletteClose' });
    if (!m) {
      // a command of another view: say where it runs instead of nothing
      const other = paletteElsewhere(c.keymap, { available: s.ui.available, readOnly: selectReadOnly(s) }, query, where)[0];
      if (other) return c.status(whyNotHere(c.keymap, other, s.ui.panes.some((p) => p.scope === other.scope)), 'warn');
      return c.status(`no command matches "${query}"`, 'warn');
    }
    // run it where it belongs: a grid command acts on the grid's selection
    await c.run(m.id, m.scope === 'global' ? 'grid' : m.scope);
  });

  // tab cycles grid -> panes in every pane scope (a pane's own handler may replace its scope's one)
  for (const id of ['pane.next', 'log.next', 'snapshot.next', 'deploy.next']) c.register(id, () => focusNextPane(c));
}

type Scroll = 'down' | 'up' | 'pageDown' | 'pageUp' | 'top' | 'end';
const SCROLLS: Scroll[] = ['down', 'up', 'pageDown', 'pageUp', 'top', 'end'];

function overlayLines(c: Controller, s: AppState, kind: 'help' | 'messages'): number {
  if (kind === 'messages') return messageLines(s.messages.log, overlayInner(s.ui.size.cols)).length;
  return helpSections(c.keymap, { available: s.ui.available, readOnly: selectReadOnly(s) }).reduce((n, sec) => n + 1 + sec.rows.length, 0);
}

/** The first line a full-screen overlay shows after a scroll: a page is what fits on screen, g/G go to the ends. */
function overlayPosition(c: Controller, kind: 'help' | 'messages', how: Scroll): number {
  const s = c.store.getState();
  const room = overlayRoom(s, c.keymap);
  const max = Math.max(0, overlayLines(c, s, kind) - room);
  const cur = Math.min(kind === 'help' ? s.ui.help.scroll : s.messages.top, max);
  const step = { down: 1, up: -1, pageDown: room, pageUp: -room, top: -Infinity, end: Infinity }[how];
  return Math.max(0, Math.min(max, cur + step));
}

/** Moves the focus grid -> pane 1 -> pane 2 -> ... -> grid. Pane work registers its own `*.next` with it. */
export function focusNextPane(c: Controller): void {
  const ui = c.store.getState().ui;
  if (!ui.panes.length) return c.status('no pane is open');
  const ids = [null, ...ui.panes.map((p) => p.id)];
  const i = ids.indexOf(ui.activePane);
  c.store.dispatch({ type: 'ui/paneFocus', id: ids[(i + 1) % ids.length] ?? null });
}
