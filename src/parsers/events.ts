import { EVENTS_READY, SOURCE_END } from '../host/events.js';

// One line of the event stream (src/host/events.ts): `TAG TEXT` from a source, `TAG @@end RC` when a source ended,
// or the ready marker. Never throws.

export type EventLine =
  | { kind: 'ready' }
  | { kind: 'end'; source: string; rc: number | null }
  /** `unit` changed (null: PID 1 itself, e.g. a reload); `failed`: it failed; `state`: its `ActiveState/SubState`
   *  as a bus signal gives it (absent: the signal did not carry them; the journal never does), with `active`, `sub`
   *  and `since` (its StateChangeTimestamp in ms since the epoch; null when 0 or absent). */
  | { kind: 'unit'; unit: string | null; failed: boolean; state?: string; active?: string; sub?: string; since?: number | null }
  | { kind: 'link' }
  | { kind: 'pool' }
  /** A source's line that is not an event (a warning or an error), and whether it says access was denied. */
  | { kind: 'note'; source: string; text: string; denied: boolean }
  | { kind: 'other'; text: string };

/** systemd's catalog id of "UNIT: Failed with result ...". */
const UNIT_FAILED = 'd9b373ed55a64feb8242e02dbe79a49c';
const DENIED = /insufficient permissions|not seeing messages from other users|permission denied|not permitted/i;

export function parseEventLine(line: string): EventLine {
  if (typeof line !== 'string') return { kind: 'other', text: '' };
  if (line === EVENTS_READY) return { kind: 'ready' };
  const sp = line.indexOf(' ');
  const source = sp > 0 ? line.slice(0, sp) : line;
  const text = sp > 0 ? line.slice(sp + 1) : '';
  if (text.startsWith(SOURCE_END)) {
    const rc = text.slice(SOURCE_END.length).trim();
    return { kind: 'end', source, rc: /^\d{1,3}$/.test(rc) ? Number(rc) : null };
  }
  switch (source) {
    case 'unit': {
      const entry = text.startsWith('{') ? jsonObject(text) : null;
      if (!entry) return note(source, text);
      return { kind: 'unit', unit: typeof entry.UNIT === 'string' ? entry.UNIT : null, failed: entry.JOB_RESULT === 'failed' || entry.MESSAGE_ID === UNIT_FAILED };
    }
    case 'bus': {
      // busctl monitor --json=short: one signal per line; the unit is its object path's last part, escaped.
      const m = text.startsWith('{') ? /"path":"\/org\/freedesktop\/systemd1\/unit\/([^"]+)"/.exec(text) : null;
      if (!m) return text.startsWith('Monitoring bus message stream') ? { kind: 'other', text } : note(source, text);
      const active = /"ActiveState":\{"type":"s","data":"([^"]*)"\}/.exec(text)?.[1];
      const sub = /"SubState":\{"type":"s","data":"([^"]*)"\}/.exec(text)?.[1];
      const unit = unescapeBusPath(m[1]!);
      if (active === undefined) return { kind: 'unit', unit, failed: false };
      const us = Number(/"StateChangeTimestamp":\{"type":"t","data":(\d{1,20})\}/.exec(text)?.[1] ?? 0);
      return { kind: 'unit', unit, failed: active === 'failed', state: `${active}/${sub ?? ''}`, active, sub: sub ?? '', since: us > 0 ? Math.floor(us / 1000) : null };
    }
    case 'link':
      // `ip -o monitor link`: `IDX: NAME: <FLAGS> ...` per change, `Deleted IDX: ...` for a removed link.
      return /^(Deleted )?\d+: /.test(text) ? { kind: 'link' } : note(source, text);
    case 'pool':
      // `zpool events -H`: TIME CLASS, one line per event (tab-separated); its details are indented.
      return /^[A-Z][a-z]{2} +\d{1,2} \d{4} \d/.test(text) ? { kind: 'pool' } : note(source, text);
    default:
      return { kind: 'other', text: line };
  }
}

/** sd-bus object path label escaping: `_XX` is the byte 0xXX (`microvm_40vm1_2eservice` -> `microvm@vm1.service`). */
export function unescapeBusPath(label: string): string {
  return label.replace(/_([0-9a-f]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

function note(source: string, text: string): EventLine {
  return { kind: 'note', source, text, denied: DENIED.test(text) };
}

function jsonObject(text: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(text);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
