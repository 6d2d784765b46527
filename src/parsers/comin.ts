// `comin status --json` (nlewo/comin cmd/status.go): protojson of the manager State with proto field names
// (snake_case), wrapper booleans as plain booleans and timestamps as RFC 3339 strings. Read defensively:
// any field may be missing or null, and an unreadable document gives null, never an exception.

export interface CominStatus {
  /** The commit of the current deployment (what runs), or of the fetched selection when nothing deployed yet. */
  deployedCommit?: string;
  deployedCommitMsg?: string;
  /** Deployment status as comin names it: done, failed, running, init... */
  deploymentStatus?: string;
  deploymentEndedAt?: number;
  deploymentError?: string;
  /** The newest fetch of any remote, ms epoch. */
  fetchedAt?: number;
  fetchError?: string;
  needToReboot: boolean;
  suspended: boolean;
  deploying: boolean;
  building: boolean;
}

type Obj = Record<string, unknown>;

const obj = (v: unknown): Obj | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);
const bool = (v: unknown): boolean => v === true || obj(v)?.value === true;
function time(v: unknown): number | undefined {
  const s = str(v);
  if (!s) return undefined;
  const t = Date.parse(s);
  // protojson writes the zero Timestamp as 1970-01-01T00:00:00Z: that means "never".
  return Number.isFinite(t) && t > 0 ? t : undefined;
}

export function parseCominStatus(text: string): CominStatus | null {
  let doc: unknown;
  try {
    doc = JSON.parse(typeof text === 'string' ? text : '');
  } catch {
    return null;
  }
  const state = obj(doc);
  if (!state) return null;
  const deployer = obj(state.deployer);
  const deployment = obj(deployer?.deployment);
  const gen = obj(deployment?.generation);
  const repo = obj(obj(state.fetcher)?.repository_status);
  const remotes = Array.isArray(repo?.remotes) ? repo.remotes.map(obj).filter((r): r is Obj => Boolean(r)) : [];
  const fetched = remotes.map((r) => time(r.fetched_at)).filter((t): t is number => t !== undefined);
  const fetchErrors = remotes.map((r) => str(r.fetch_error_msg)).filter(Boolean);
  return {
    deployedCommit: str(gen?.selected_commit_id) ?? str(repo?.selected_commit_id),
    deployedCommitMsg: str(gen?.selected_commit_msg) ?? str(repo?.selected_commit_msg),
    deploymentStatus: str(deployment?.status),
    deploymentEndedAt: time(deployment?.ended_at),
    deploymentError: str(deployment?.error_msg),
    fetchedAt: fetched.length ? Math.max(...fetched) : undefined,
    fetchError: fetchErrors[0],
    needToReboot: bool(state.need_to_reboot),
    suspended: bool(state.is_suspended),
    deploying: bool(deployer?.is_deploying),
    building: bool(obj(state.builder)?.is_building),
  };
}
