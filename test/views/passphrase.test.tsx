import { afterEach, describe, expect, it } from 'vitest';
import { setup } from './setup.js';

// An encrypted key's passphrase is asked inside the UI (which owns the terminal's keys while it runs): a dialog
// whose typing is never drawn, enter hands it over, esc cancels, and nothing of it stays in the store.

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

describe('the passphrase question', () => {
  it('takes what is typed without drawing it, and hands it over on enter', async () => {
    const { r, controller, store } = setup();
    cleanup = () => r.unmount();
    await r.waitFor('vm1');
    const answer = controller.askSecret({ title: 'Passphrase for /home/op/.ssh/id_ed25519' });
    await r.waitFor('Passphrase for /home/op/.ssh/id_ed25519');
    await r.type('s3cret q'); // 'q' would quit on the grid: here it is part of the passphrase
    const typing = await r.waitFor('typing');
    expect(typing).not.toContain('s3cret');
    await r.press('return');
    await expect(answer).resolves.toBe('s3cret q');
    expect(await r.waitFor((f) => !f.includes('Passphrase for'))).not.toContain('s3cret');
    expect(JSON.stringify(store.getState())).not.toContain('s3cret');
  });

  it('esc cancels: the answer is null and the grid has its keys back', async () => {
    const { r, controller, quits } = setup();
    cleanup = () => r.unmount();
    await r.waitFor('vm1');
    const answer = controller.askSecret({ title: 'Passphrase for key' });
    await r.waitFor('Passphrase for key');
    await r.press('escape');
    await expect(answer).resolves.toBeNull();
    await r.waitFor((f) => !f.includes('Passphrase for'));
    expect(quits()).toBe(0);
  });
});
