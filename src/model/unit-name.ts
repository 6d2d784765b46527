// systemd's unit names: a name given without a type suffix (`microvm@vm1`) is a service, as systemctl reads it.

const UNIT_SUFFIX = /\.(service|socket|target|mount|automount|timer|path|slice|scope|device|swap)$/;

/** `unit` as systemd names it: `microvm@vm1` -> `microvm@vm1.service`; a name with its type stays as it is. */
export const fullUnit = (unit: string): string => (UNIT_SUFFIX.test(unit) ? unit : `${unit}.service`);
