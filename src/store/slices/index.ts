import { deployReducer, type DeployAction } from './deploy.js';
import { doctorReducer, type DoctorAction } from './doctor.js';
import { hostsReducer, type HostsAction } from './hosts.js';
import { logsReducer, type LogsAction } from './logs.js';
import { messagesReducer, type MessagesAction } from './messages.js';
import { snapshotsReducer, type SnapshotsAction } from './snapshots.js';
import { uiReducer, type UiAction } from './ui.js';

// The slices of the app state. Add a slice: write slices/NAME.ts exporting `NAMEReducer(state = initial, action: Action)`
// and its action union, then add it to `reducers` and to `Action` below (one line each).
export const reducers = {
  hosts: hostsReducer,
  ui: uiReducer,
  snapshots: snapshotsReducer,
  logs: logsReducer,
  doctor: doctorReducer,
  deploy: deployReducer,
  messages: messagesReducer,
};

export type Action =
  | HostsAction
  | UiAction
  | SnapshotsAction
  | LogsAction
  | DoctorAction
  | DeployAction
  | MessagesAction;

export type AppState = { [K in keyof typeof reducers]: ReturnType<(typeof reducers)[K]> };
