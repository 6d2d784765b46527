import type { Keymap } from '../keymap/build.js';
import { refusedReadOnly } from '../keymap/visible.js';
import type { Scope } from '../keymap/types.js';
import { selectReadOnly, selectSelected, selectTargets, selectTopScope } from '../store/selectors.js';
import type { AppState } from '../store/slices/index.js';
import type { StatusKind, VmRef } from '../store/slices/ui.js';
import type { Store } from '../store/store.js';

// Command ids -> handlers. The key router and the palette call `run(id)`; handlers turn a command into
// store actions and service calls. Views never run commands themselves.

export interface HandlerContext {
  id: string;
  /** The scope the command was run from. */
  scope: Scope;
  /** The state when the command was run. */
  state: AppState;
  selected: VmRef | null;
  /** Marked VMs, or the selected one. */
  targets: VmRef[];
  controller: Controller;
}

export type Handler = (ctx: HandlerContext) => void | Promise<void>;

export interface ConfirmOptions {
  title: string;
  lines?: string[];
  /** The exact command lines that will run (the ones the audit log records), shown in full. */
  commands?: string[];
  danger?: boolean;
  /** The user must type exactly this (e.g. the VM name) for the most destructive actions. */
  typeToConfirm?: string;
  /** What y and n mean when n is not "cancel" (a choice between two ways on). */
  answers?: { yes: string; no: string };
}

export interface Controller {
  readonly store: Store;
  readonly keymap: Keymap;
  /** Registers (or replaces) the handler of a command; the command appears in help, hints and palette. */
  register(id: string, handler: Handler): () => void;
  handler(id: string): Handler | undefined;
  /** Runs a command as if its key was pressed: read-only refusal, then its handler; errors go to the status line. */
  run(id: string, scope?: Scope): Promise<void>;
  /** Opens the confirmation dialog; resolves true only when the user confirms. */
  confirm(opts: ConfirmOptions): Promise<boolean>;
  /** Asks for a secret (a key's passphrase) in a dialog; resolves with what was typed, or null when cancelled. */
  askSecret(opts: { title: string; lines?: string[] }): Promise<string | null>;
  /** Settles the open dialog (what dialog.confirm / dialog.cancel do). */
  answerDialog(ok: boolean): void;
  status(text: string, kind?: StatusKind): void;
  /** Ends the UI. */
  quit(): void;
  onQuit(fn: () => void): void;
}

/** A command refused in read-only mode before its handler ran: what the audit log records of it. */
export interface Refusal {
  id: string;
  description: string;
  /** The host of the selection (or the first host). */
  host: string;
  /** The marked or selected VMs, or the host. */
  target: string;
}

export interface ControllerOptions {
  store: Store;
  keymap: Keymap;
  now?: () => number;
  /** Records a read-only refusal (the UI writes it to the audit log, as the service layer does its own). */
  onRefused?: (r: Refusal) => void;
}

export function createController({ store, keymap, now = Date.now, onRefused }: ControllerOptions): Controller {
  const handlers = new Map<string, Handler>();
  const quitListeners: Array<() => void> = [];
  let dialogSeq = 0;
  let openDialog: { id: number; resolve: (ok: boolean, input: string) => void } | null = null;

  const controller: Controller = {
    store,
    keymap,
    register(id, handler) {
      if (!keymap.get(id)) throw new Error(`register: no command "${id}" in the keymap table`);
      handlers.set(id, handler);
      store.dispatch({ type: 'ui/available', ids: [id] });
      return () => {
        if (handlers.get(id) !== handler) return;
        handlers.delete(id);
        store.dispatch({ type: 'ui/unavailable', ids: [id] });
      };
    },
    handler: (id) => handlers.get(id),
    async run(id, scope) {
      const state = store.getState();
      const spec = keymap.get(id);
      if (!spec) return controller.status(`unknown command ${id}`, 'error');
      if (refusedReadOnly(spec, { readOnly: selectReadOnly(state), shellsInReadOnly: state.ui.shellsInReadOnly })) {
        const targets = selectTargets(state);
        const host = targets[0]?.host ?? state.hosts.order[0] ?? '';
        onRefused?.({ id, description: spec.description, host, target: targets.length ? targets.map((t) => t.vm).join(',') : host });
        return controller.status(`read-only: ${spec.description} is disabled`, 'warn');
      }
      const h = handlers.get(id);
      if (!h) return controller.status(`${id} is not available`, 'warn');
      try {
        await h({ id, scope: scope ?? selectTopScope(state), state, selected: selectSelected(state), targets: selectTargets(state), controller });
      } catch (e) {
        controller.status(`${id}: ${e instanceof Error ? e.message : String(e)}`, 'error');
      }
    },
    confirm(opts) {
      if (openDialog) controller.answerDialog(false);
      const id = ++dialogSeq;
      store.dispatch({
        type: 'ui/dialogOpen',
        dialog: { id, title: opts.title, lines: opts.lines ?? [], commands: opts.commands, danger: opts.danger ?? true, typeToConfirm: opts.typeToConfirm, answers: opts.answers },
      });
      return new Promise<boolean>((resolve) => {
        openDialog = { id, resolve: (ok) => resolve(ok) };
      });
    },
    askSecret(opts) {
      if (openDialog) controller.answerDialog(false);
      const id = ++dialogSeq;
      store.dispatch({ type: 'ui/dialogOpen', dialog: { id, title: opts.title, lines: opts.lines ?? [], danger: false, secret: true } });
      return new Promise<string | null>((resolve) => {
        openDialog = { id, resolve: (ok, input) => resolve(ok ? input : null) };
      });
    },
    answerDialog(ok) {
      const d = openDialog;
      const shown = store.getState().ui.dialog;
      if (ok && shown?.typeToConfirm !== undefined && shown.input !== shown.typeToConfirm) {
        store.dispatch({ type: 'ui/dialogError', error: `type ${shown.typeToConfirm} to confirm` });
        return;
      }
      openDialog = null;
      // closing drops the typed text from the store (a passphrase lives there only while it is typed)
      store.dispatch({ type: 'ui/dialogClose', id: d?.id });
      d?.resolve(ok, shown?.input ?? '');
    },
    status(text, kind = 'info') {
      store.dispatch({ type: 'ui/status', text, kind, at: now() });
    },
    quit() {
      store.dispatch({ type: 'ui/quit' });
      for (const fn of quitListeners) fn();
    },
    onQuit(fn) {
      quitListeners.push(fn);
    },
  };
  return controller;
}
