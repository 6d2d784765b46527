// How a log pane's stream stands, as the tail (services/logs/tail.ts) reports it and the pane header shows it.

export type TailStatus = 'connecting' | 'streaming' | 'reconnecting' | 'ended' | 'stopped';

export interface TailState {
  status: TailStatus;
  /** One line for the pane header, e.g. "reconnecting in 2s: connection dropped". */
  message?: string;
  /** While reconnecting: when the next attempt starts (ms epoch). */
  retryAt?: number;
  /** How many times the stream ended unasked and was resumed (or is about to be). */
  drops: number;
}
