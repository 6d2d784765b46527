import { describe, expect, it } from 'vitest';
import { fullUnit } from '../../src/model/unit-name.js';

describe('fullUnit', () => {
  it('names a unit as systemctl does: no type suffix means a service', () => {
    expect(fullUnit('microvm@vm1')).toBe('microvm@vm1.service');
    expect(fullUnit('ebs-volume-microvm-storage')).toBe('ebs-volume-microvm-storage.service');
    // a dot that is not a unit type is part of the name (systemctl show foo.bar reads foo.bar.service)
    expect(fullUnit('foo.bar')).toBe('foo.bar.service');
  });

  it('keeps a name that has its type', () => {
    for (const u of ['microvms.target', 'comin.service', 'var-lib-microvms.mount', 'system-microvm.slice', 'session-1.scope']) expect(fullUnit(u)).toBe(u);
  });
});
