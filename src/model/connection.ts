// How mvm-tui's connection to one host stands, as the transport (ssh/) reports it and the host header shows it.

export type ConnStatus = 'idle' | 'connecting' | 'up' | 'down';

export interface ConnState {
  host: string;
  status: ConnStatus;
  /** ms epoch of the last status change. */
  since: number;
  /** One-line cause when down, naming the host: "vm-host: connection refused (127.0.0.1:22)". */
  error?: string;
  /** When the next reconnect attempt is due, while down. */
  retryAt?: number;
}
