// The demo's journal: one ordered list of entries for the whole host, with real-looking cursors,
// so `-u`, `-n`, `--since`, `--after-cursor` and `-f` behave as journalctl does.

export interface JournalEntry {
  seq: number;
  realtimeUs: bigint;
  monotonicUs: bigint;
  priority: number;
  message: string;
  identifier: string;
  pid: number;
  comm: string;
  /** The unit the entry belongs to (_SYSTEMD_UNIT for a unit's own output, UNIT for systemd's messages about it). */
  unit: string;
  fromSystemd: boolean;
  invocationId: string;
}

const SEQNUM_ID = 'd3c1a0b2e5f64a7c9b8e1f2a3b4c5d6e';
export const BOOT_ID = '7a1e4c2b9d0f4e3a8b6c5d4e3f2a1b0c';
export const MACHINE_ID = 'c0ffee0ddba11d00d5ca1ab1edeca1fe';
const MAX_ENTRIES = 20_000;

export type JournalListener = (e: JournalEntry) => void;

export class Journal {
  private entries: JournalEntry[] = [];
  private seq = 0x1a0;
  private listeners = new Set<JournalListener>();

  constructor(
    private readonly hostname: string,
    private readonly bootUs: bigint,
  ) {}

  append(e: Omit<JournalEntry, 'seq' | 'monotonicUs'>): JournalEntry {
    const entry: JournalEntry = { ...e, seq: ++this.seq, monotonicUs: e.realtimeUs - this.bootUs };
    this.entries.push(entry);
    if (this.entries.length > MAX_ENTRIES) this.entries.splice(0, this.entries.length - MAX_ENTRIES);
    for (const l of this.listeners) l(entry);
    return entry;
  }

  all(): readonly JournalEntry[] {
    return this.entries;
  }

  /** How many followers are attached (a closed `journalctl -f` channel must leave none behind). */
  get followers(): number {
    return this.listeners.size;
  }

  subscribe(l: JournalListener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  cursor(e: JournalEntry): string {
    const hex = (n: bigint | number) => n.toString(16);
    // x= is a hash in the real journal; any stable hex value does here.
    const x = ((BigInt(e.seq) * 0x9e3779b97f4a7c15n) & 0xffffffffffffffffn).toString(16).padStart(16, '0');
    return `s=${SEQNUM_ID};i=${hex(e.seq)};b=${BOOT_ID};m=${hex(e.monotonicUs)};t=${hex(e.realtimeUs)};x=${x}`;
  }

  /** The sequence number a cursor names, or null when it is not one of ours. */
  static seqOf(cursor: string): number | null {
    const m = /(?:^|;)i=([0-9a-f]+)(?:;|$)/.exec(cursor);
    if (!m || !cursor.includes(`s=${SEQNUM_ID}`)) return null;
    return parseInt(m[1]!, 16);
  }

  toJson(e: JournalEntry): Record<string, string> {
    const unitFields: Record<string, string> = e.fromSystemd
      ? {
          _SYSTEMD_UNIT: 'init.scope',
          _SYSTEMD_CGROUP: '/init.scope',
          _SYSTEMD_SLICE: '-.slice',
          UNIT: e.unit,
          INVOCATION_ID: e.invocationId,
          CODE_FILE: 'src/core/unit.c',
          _CMDLINE: '/run/current-system/systemd/lib/systemd/systemd',
          _EXE: '/nix/store/q3fpz1mpqqgkjnkmab5bbcabzdr7pdsg-systemd-256.10/lib/systemd/systemd',
          _TRANSPORT: 'journal',
        }
      : {
          _SYSTEMD_UNIT: e.unit,
          _SYSTEMD_CGROUP: `/system.slice/system-microvm.slice/${e.unit}`,
          _SYSTEMD_SLICE: 'system-microvm.slice',
          _SYSTEMD_INVOCATION_ID: e.invocationId,
          _CMDLINE: `/nix/store/2xw5p0i0fmpd8n3bqxyd2dwlsb04wz1b-cloud-hypervisor-41.0/bin/cloud-hypervisor --cpus boot=2`,
          _EXE: '/nix/store/2xw5p0i0fmpd8n3bqxyd2dwlsb04wz1b-cloud-hypervisor-41.0/bin/cloud-hypervisor',
          _TRANSPORT: 'stdout',
          _STREAM_ID: e.invocationId.slice(0, 16) + 'a7c2e91d04b3f586',
        };
    return {
      __CURSOR: this.cursor(e),
      __REALTIME_TIMESTAMP: e.realtimeUs.toString(),
      __MONOTONIC_TIMESTAMP: e.monotonicUs.toString(),
      _BOOT_ID: BOOT_ID,
      _MACHINE_ID: MACHINE_ID,
      _HOSTNAME: this.hostname,
      _RUNTIME_SCOPE: 'system',
      PRIORITY: String(e.priority),
      SYSLOG_FACILITY: '3',
      SYSLOG_IDENTIFIER: e.identifier,
      _PID: String(e.pid),
      _UID: '0',
      _GID: '0',
      _COMM: e.comm,
      _CAP_EFFECTIVE: e.fromSystemd ? '1ffffffffff' : 'fcecbfff',
      ...unitFields,
      MESSAGE: e.message,
    };
  }

  /** One line in the given journalctl output mode (json, cat, short, short-iso, short-precise, short-unix). */
  format(e: JournalEntry, mode: string): string {
    switch (mode) {
      case 'json':
        return JSON.stringify(this.toJson(e));
      case 'json-pretty':
        return JSON.stringify(this.toJson(e), null, '\t');
      case 'cat':
        return e.message;
      default:
        return `${stamp(e.realtimeUs, mode)} ${this.hostname} ${e.identifier}[${e.pid}]: ${e.message}`;
    }
  }
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const p2 = (n: number) => String(n).padStart(2, '0');

function stamp(us: bigint, mode: string): string {
  const ms = Number(us / 1000n);
  const d = new Date(ms);
  const hms = `${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}`;
  const frac = String(us % 1_000_000n).padStart(6, '0');
  if (mode === 'short-iso') return `${d.getUTCFullYear()}-${p2(d.getUTCMonth() + 1)}-${p2(d.getUTCDate())}T${hms}+0000`;
  if (mode === 'short-iso-precise') return `${d.getUTCFullYear()}-${p2(d.getUTCMonth() + 1)}-${p2(d.getUTCDate())}T${hms}.${frac}+0000`;
  if (mode === 'short-unix') return `${us / 1_000_000n}.${frac}`;
  const base = `${MONTHS[d.getUTCMonth()]} ${p2(d.getUTCDate())} ${hms}`;
  return mode === 'short-precise' ? `${base}.${frac}` : base;
}
