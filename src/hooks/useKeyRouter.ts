import { useCallback } from 'react';
import { useInput, useStdin, type Key } from 'ink';
import { keyFromInk } from '../keymap/keys.js';
import { selectTopScope } from '../store/selectors.js';
import { useServices } from './context.js';

/**
 * The one key router, mounted at the root: each key is resolved against the top of the focus stack
 * (a dialog above a palette above a pane above the grid) and the command id goes to the controller.
 * Inactive without a TTY (useInput would throw).
 */
export function useKeyRouter(): void {
  const { store, controller, keymap } = useServices();
  const { isRawModeSupported } = useStdin();
  const onKey = useCallback(
    (input: string, key: Key) => {
      const name = keyFromInk(input, key);
      if (!name) return;
      const scope = selectTopScope(store.getState());
      const spec = keymap.resolve(scope, name);
      if (!spec) return;
      store.expedite();
      void controller.run(spec.id, scope);
    },
    [store, controller, keymap],
  );
  useInput(onKey, { isActive: Boolean(isRawModeSupported) });
}
