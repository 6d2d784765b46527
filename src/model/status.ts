import { z } from 'zod';

// The state of a fleet as mvm-tui sees it. This is also the schema of `mvm-tui status --json`
// (exported from the package), so scripts can validate what they read.

export const unitActiveSchema = z.enum(['active', 'activating', 'deactivating', 'inactive', 'failed', 'reloading', 'unknown']);

export const vmStatusSchema = z.object({
  name: z.string(),
  role: z.string(),
  unit: z.string(),
  active: unitActiveSchema,
  sub: z.string(),
  /** ISO time the unit entered its current active state, or null. */
  since: z.string().nullable(),
  restarts: z.number().nullable(),
  /** Wanted by microvms.target (microvm.nix autostart); null when the host does not say. A VM that is not
   *  autostarted may be down on purpose. */
  autostart: z.boolean().nullable().optional(),
  /** The unit's last result (success, exit-code, signal, ...). */
  result: z.string().nullable(),
  runner: z.enum(['present', 'missing', 'unknown']),
  /** current != booted: updated, restart needed; null when the runner links could not be read. */
  outdated: z.boolean().nullable(),
  current: z.string().nullable(),
  booted: z.string().nullable(),
  bridge: z.enum(['up', 'down', 'no-carrier', 'missing', 'unknown']),
  /** Answers over SSH through the hypervisor; null when not probed. */
  reachable: z.boolean().nullable(),
  /** Why it did not answer (timed out, ssh failed, unit down, ...); null when it answered or was not probed. */
  probeError: z.string().nullable(),
  dataset: z.string(),
  datasetUsed: z.number().nullable(),
  /** Snapshots of the VM's dataset; null when the host's datasets could not be read (unknown, not 0). */
  snapshots: z.number().nullable(),
  newestSnapshot: z.string().nullable(),
  newestSnapshotAt: z.string().nullable(),
  memoryBytes: z.number().nullable(),
  cpuNs: z.number().nullable(),
});

export const poolStatusSchema = z.object({
  name: z.string(),
  health: z.string(),
  size: z.number().nullable(),
  allocated: z.number().nullable(),
  free: z.number().nullable(),
});

export const hostStatusSchema = z.object({
  name: z.string(),
  reachable: z.boolean(),
  error: z.string().nullable(),
  /** ISO time of the data shown (stale while the host is unreachable). */
  updatedAt: z.string().nullable(),
  system: z.object({
    state: z.string(),
    failedUnits: z.array(z.string()),
    load: z.tuple([z.number(), z.number(), z.number()]).nullable(),
    memTotal: z.number().nullable(),
    memAvailable: z.number().nullable(),
  }),
  pools: z.array(poolStatusSchema),
  storage: z.object({
    mountpoint: z.string(),
    size: z.number().nullable(),
    used: z.number().nullable(),
    available: z.number().nullable(),
  }).nullable(),
  storageUnit: z.object({ name: z.string(), active: z.string() }).nullable(),
  vms: z.array(vmStatusSchema),
});

export const statusReportSchema = z.object({
  generatedAt: z.string(),
  hosts: z.array(hostStatusSchema),
});

export type UnitActive = z.infer<typeof unitActiveSchema>;
export type VmStatus = z.infer<typeof vmStatusSchema>;
export type PoolStatus = z.infer<typeof poolStatusSchema>;
export type HostStatus = z.infer<typeof hostStatusSchema>;
export type StatusReport = z.infer<typeof statusReportSchema>;

/** HostMode.why while a host's event stream is being started (it is polled meanwhile). */
export const EVENTS_STARTING = 'event stream starting';

/** How a host's status is kept fresh: by its events, or by polling (and why not by events). */
export interface HostMode {
  mode: 'events' | 'polling';
  why: string | null;
}
