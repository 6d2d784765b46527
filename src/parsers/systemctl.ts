import { note, type ParseIssues } from './issues.js';
import { splitLines } from './lines.js';

const PROPERTY = /^[A-Za-z][A-Za-z0-9_]*$/;

/** `systemctl show UNIT... [-p ...]`: one record per unit (blank-line separated), in output order. */
export function parseSystemctlShow(text: string, issues?: ParseIssues): Record<string, string>[] {
  const out: Record<string, string>[] = [];
  if (typeof text !== 'string') return out;
  let cur: Record<string, string> | null = null;
  for (const line of splitLines(text)) {
    const eq = line.indexOf('=');
    // A line with `=` is never blank: trim (a copy) only the others.
    if (eq === -1 && !line.trim()) {
      cur = null;
      continue;
    }
    if (eq <= 0 || !PROPERTY.test(line.slice(0, eq))) {
      note(issues, `systemctl show: unread line "${line.trim()}"`);
      continue;
    }
    if (!cur) {
      cur = {};
      out.push(cur);
    }
    cur[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return out;
}

const SYSTEM_STATES = ['initializing', 'starting', 'running', 'degraded', 'maintenance', 'stopping', 'offline'];

/** `systemctl is-system-running` (exits non-zero unless running) -> its state, or 'unknown'. */
export function parseIsSystemRunning(text: string, issues?: ParseIssues): string {
  const first = typeof text === 'string' ? (splitLines(text.trim())[0] ?? '').trim() : '';
  if (SYSTEM_STATES.includes(first)) return first;
  note(issues, `is-system-running: unread "${first}"`);
  return 'unknown';
}

/** `systemctl list-units --state=failed --no-legend --plain` -> unit names (a leading ● is tolerated). */
export function parseFailedUnits(text: string, issues?: ParseIssues): string[] {
  return parseUnitList(text, issues);
}

/** `systemctl list-units --no-legend --plain [--all]` -> unit names, in the order listed. */
export function parseUnitList(text: string, issues?: ParseIssues): string[] {
  const units: string[] = [];
  if (typeof text !== 'string') return units;
  for (const line of splitLines(text)) {
    const words = line.replace(/^[\s●*]+/, '').split(/\s+/);
    const unit = words[0];
    if (!unit) continue;
    if (/^[A-Za-z0-9@_.:\\-]+\.[a-z]+$/.test(unit)) units.push(unit);
    else if (!/^\d+ loaded units listed/.test(line.trim())) note(issues, `list-units: unread line "${line.trim()}"`);
  }
  return units;
}

/** Zone abbreviations systemd prints (strftime %Z) that name one offset wherever they are used, in minutes.
 *  Ambiguous ones (CST, IST, BST...) are left out: a wrong offset would be worse than no time. */
const ZONES: Record<string, number> = {
  UTC: 0, GMT: 0, WET: 0, WEST: 60, CET: 60, CEST: 120, MET: 60, MEST: 120, EET: 120, EEST: 180, MSK: 180,
  EST: -300, EDT: -240, MDT: -360, PST: -480, PDT: -420, AKST: -540, AKDT: -480, HST: -600,
  JST: 540, KST: 540, HKT: 480, AWST: 480, ACST: 570, ACDT: 630, AEST: 600, AEDT: 660, NZST: 720, NZDT: 780,
};

/** A zone as systemd prints it: an abbreviation from ZONES, or a numeric offset (`+01`, `+0530`, `-03:00`). */
function zoneOffset(z: string): number | null {
  const known = ZONES[z];
  if (known !== undefined) return known;
  const m = /^([+-])(\d\d):?(\d\d)?$/.exec(z);
  if (!m) return null;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] ?? 0));
}

/**
 * A systemd timestamp -> ms epoch. `--timestamp=unix` prints `@1795694378`; without it
 * `Thu 2026-11-26 12:20:07 UTC`, the zone as the host names it (`CEST`, or `+01` where it has no name).
 * Empty/n/a, or a zone that does not name one offset -> null.
 */
export function parseSystemdTimestamp(s: string | undefined): number | null {
  if (!s) return null;
  const unix = /^@(\d+)(?:\.(\d+))?$/.exec(s.trim());
  if (unix) {
    const sec = Number(unix[1]);
    return sec > 0 ? sec * 1000 + Math.floor(Number(`0.${unix[2] ?? '0'}`) * 1000) : null;
  }
  const m = /^(?:[A-Za-z]{3} )?(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d)(?:\.\d+)? ([A-Z]{2,5}|[+-]\d\d(?::?\d\d)?)$/.exec(s.trim());
  if (!m) return null;
  const offset = zoneOffset(m[3] ?? '');
  if (offset === null) return null;
  const t = Date.parse(`${m[1]}T${m[2]}Z`) - offset * 60_000;
  return Number.isFinite(t) && t > 0 ? t : null;
}
