// systemd units as the demo models them: state, sub-state, result, restart counter and the timestamps
// systemd keeps, updated the way systemd updates them on each transition.

export type ActiveState = 'active' | 'activating' | 'deactivating' | 'inactive' | 'failed' | 'reloading';

export interface UnitState {
  id: string;
  description: string;
  load: 'loaded' | 'not-found';
  type: 'simple' | 'oneshot' | 'notify' | 'target' | 'mount';
  active: ActiveState;
  sub: string;
  result: string;
  nRestarts: number;
  mainPid: number;
  conditionResult: boolean;
  /** When its conditions were last checked (ms epoch, 0 when never): a start checks them. */
  conditionAt: number;
  /** ms epoch, 0 when never. */
  activeEnter: number;
  activeExit: number;
  inactiveEnter: number;
  inactiveExit: number;
  stateChange: number;
  invocationId: string;
  /** Bytes of memory now, null when not accounted (unit not running). */
  memory: () => number | null;
  /** CPU time in ns, null when not accounted. */
  cpuNs: () => number | null;
  fragmentPath: string;
  extra?: Record<string, string>;
}

export function makeUnit(id: string, description: string, active: ActiveState, sub: string, since: number, extra: Partial<UnitState> = {}): UnitState {
  const running = active === 'active';
  return {
    id,
    description,
    load: 'loaded',
    type: id.endsWith('.target') ? 'target' : id.endsWith('.mount') ? 'mount' : 'simple',
    active,
    sub,
    result: 'success',
    nRestarts: 0,
    mainPid: 0,
    conditionResult: true,
    conditionAt: running ? since - 1 : 0,
    activeEnter: running ? since : 0,
    activeExit: 0,
    inactiveEnter: running ? 0 : since,
    inactiveExit: running ? since - 1 : 0,
    stateChange: since,
    invocationId: '',
    memory: () => null,
    cpuNs: () => null,
    fragmentPath: `/etc/systemd/system/${id.replace(/@[^.]*/, '@')}`,
    ...extra,
  };
}

/** Moves a unit to a new state, stamping the transition times as systemd does. */
export function transition(u: UnitState, active: ActiveState, sub: string, now: number): void {
  const wasActive = u.active === 'active' || u.active === 'reloading';
  const wasInactive = u.active === 'inactive' || u.active === 'failed';
  const isActive = active === 'active' || active === 'reloading';
  const isInactive = active === 'inactive' || active === 'failed';
  if (!wasActive && isActive) u.activeEnter = now;
  if (wasActive && !isActive) u.activeExit = now;
  if (!wasInactive && isInactive) u.inactiveEnter = now;
  if (wasInactive && !isInactive) u.inactiveExit = now;
  if (u.active !== active) u.stateChange = now;
  u.active = active;
  u.sub = sub;
}

export function unitId(name: string): string {
  return /\.(service|target|mount|socket|timer|scope|slice|path|device|swap)$/.test(name) ? name : `${name}.service`;
}
