import { afterEach, describe, expect, it, vi } from 'vitest';
import { setup } from '../views/setup.js';

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

describe('the key router', () => {
  it('asks the store to draw a bound key first (store.expedite), and not for a key bound to nothing', async () => {
    const t = setup();
    cleanup = () => t.r.unmount();
    await t.r.waitFor('vm5');
    const expedite = vi.spyOn(t.store, 'expedite');
    const before = t.store.getState().ui.selection?.vm;
    await t.r.press('down');
    expect(expedite).toHaveBeenCalledTimes(1);
    expect(t.store.getState().ui.selection?.vm).not.toBe(before); // and the key did its work
    await t.r.press('§');
    expect(expedite).toHaveBeenCalledTimes(1);
  });
});
