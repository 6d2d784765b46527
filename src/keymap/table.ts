import type { CommandSpec } from './types.js';

// THE table of commands. Help, hints, the palette and the key router are all generated from it.
// An entry whose handler is not registered with the controller stays hidden everywhere, so adding a
// line here before its handler exists advertises nothing. Add a command: one line, then
// `controller.register(id, handler)` where its work lives.
export const COMMANDS: readonly CommandSpec[] = [
  // global
  { id: 'app.quit', keys: ['q'], description: 'Quit mvm-tui (asks y/N first while a deploy or runner update runs)', scope: 'global', hint: 'quit' },
  { id: 'app.help', keys: ['?'], description: 'Show the keys of every view', scope: 'global', hint: 'help' },
  { id: 'app.palette', keys: [':'], description: 'Command palette: run any command by name', scope: 'global', hint: 'cmd' },
  { id: 'app.interrupt', keys: ['ctrl-c'], description: 'Cancel what runs in front (dialog, deploy), or quit', scope: 'global' },
  { id: 'app.messages', keys: ['M'], description: 'Show every message so far, whole (like vim :messages)', scope: 'global' },
  { id: 'app.refresh', keys: ['ctrl-r'], description: 'Refresh the status of every host now', scope: 'global' },

  // the VM grid
  { id: 'nav.up', keys: ['up', 'k'], description: 'Select the VM above', scope: 'grid' },
  { id: 'nav.down', keys: ['down', 'j'], description: 'Select the VM below', scope: 'grid' },
  { id: 'nav.left', keys: ['left', 'h'], description: 'Select the VM to the left', scope: 'grid' },
  { id: 'nav.right', keys: ['right'], description: 'Select the VM to the right (→ only: l opens logs, as in k9s; rebindable)', scope: 'grid' },
  { id: 'nav.first', keys: ['g', 'home'], description: 'Select the first VM', scope: 'grid' },
  { id: 'nav.last', keys: ['G', 'end'], description: 'Select the last VM', scope: 'grid' },
  { id: 'vm.mark', keys: ['space'], description: 'Mark or unmark the VM (actions apply to all marked VMs)', scope: 'grid', hint: 'mark' },
  { id: 'grid.filter', keys: ['/'], description: 'Filter VMs by name or role (regex, ! inverts)', scope: 'grid', hint: 'filter' },
  { id: 'grid.clear', keys: ['escape'], description: 'Clear the filter and the marks', scope: 'grid' },
  { id: 'vm.restart', keys: ['r'], description: 'Restart the VM (systemctl restart microvm@VM)', scope: 'grid', dangerous: true, hint: 'restart' },
  { id: 'vm.start', keys: ['S'], description: 'Start the VM (systemctl start microvm@VM)', scope: 'grid', dangerous: true, hint: 'start' },
  { id: 'vm.stop', keys: ['X'], description: 'Stop the VM; it stays down (systemctl stop microvm@VM)', scope: 'grid', dangerous: true, hint: 'stop' },
  { id: 'vm.update', keys: ['u'], description: "Rebuild the VM's runner (nix build ...declaredRunner)", scope: 'grid', dangerous: true, hint: 'update' },
  { id: 'vm.shell', keys: ['s'], description: 'Open a shell on the VM through the hypervisor', scope: 'grid', shell: true, hint: 'shell' },
  { id: 'host.shell', keys: ['H'], description: 'Open a shell on the hypervisor', scope: 'grid', shell: true },
  { id: 'log.open', keys: ['l', 'return'], description: "Open the VM's log pane (journalctl -f)", scope: 'grid', hint: 'logs' },
  { id: 'log.add', keys: ['L'], description: 'Add another log pane beside the open ones', scope: 'grid' },
  { id: 'log.openUnit', keys: ['J'], description: 'Add a log pane on any unit of the host (comin, sshd, ...)', scope: 'grid' },
  { id: 'snapshot.open', keys: ['z'], description: "Browse the VM's ZFS snapshots", scope: 'grid', hint: 'snaps' },
  { id: 'snapshot.openHost', keys: ['Z'], description: "Browse every ZFS dataset and snapshot of the VM's host", scope: 'grid' },
  { id: 'host.doctor', keys: ['d'], description: 'Diagnose the VM: runner, unit, bridge, ssh', scope: 'grid', hint: 'doctor' },
  { id: 'host.deploy', keys: ['D'], description: 'Deploy the hypervisor (nixos-rebuild switch)', scope: 'grid', dangerous: true, hint: 'deploy' },
  { id: 'host.cominFetch', keys: ['F'], description: 'Ask Comin on the hypervisor to fetch now', scope: 'grid', dangerous: true },
  { id: 'pane.next', keys: ['tab'], description: 'Move to the next pane', scope: 'grid' },

  // confirmation dialog (y/n) and typed confirmation
  { id: 'dialog.confirm', keys: ['y'], description: 'Confirm', scope: 'dialog', hint: 'yes' },
  { id: 'dialog.enter', keys: ['return'], description: 'Cancel: questions default to No, only y confirms', scope: 'dialog' },
  { id: 'dialog.cancel', keys: ['n', 'escape'], description: 'Cancel', scope: 'dialog', hint: 'no' },
  { id: 'prompt.submit', keys: ['return'], description: 'Confirm what you typed', scope: 'prompt', hint: 'confirm' },
  { id: 'prompt.cancel', keys: ['escape'], description: 'Cancel', scope: 'prompt', hint: 'cancel' },

  // command palette
  { id: 'palette.run', keys: ['return'], description: 'Run the selected command', scope: 'palette', hint: 'run' },
  { id: 'palette.complete', keys: ['tab'], description: 'Complete to the selected command', scope: 'palette', hint: 'complete' },
  { id: 'palette.next', keys: ['down', 'ctrl-n'], description: 'Select the next match', scope: 'palette' },
  { id: 'palette.prev', keys: ['up', 'ctrl-p'], description: 'Select the previous match', scope: 'palette' },
  { id: 'palette.close', keys: ['escape'], description: 'Close the palette', scope: 'palette', hint: 'close' },

  // filter field
  { id: 'filter.apply', keys: ['return'], description: 'Keep the filter', scope: 'filter', hint: 'keep' },
  { id: 'filter.cancel', keys: ['escape'], description: 'Drop the filter', scope: 'filter', hint: 'clear' },

  // a name typed in a pane: the unit of a J log pane, a snapshot's name (n)
  { id: 'input.submit', keys: ['return'], description: 'Use the name typed', scope: 'input', hint: 'ok' },
  { id: 'input.cancel', keys: ['escape'], description: 'Cancel', scope: 'input', hint: 'cancel' },
  { id: 'input.complete', keys: ['tab'], description: "Complete a unit name from the host's units (J)", scope: 'input' },

  // help overlay
  { id: 'help.close', keys: ['escape', '?', 'q'], description: 'Close help', scope: 'help', hint: 'close' },
  { id: 'help.down', keys: ['down', 'j'], description: 'Scroll help down one line', scope: 'help' },
  { id: 'help.up', keys: ['up', 'k'], description: 'Scroll help up one line', scope: 'help' },
  { id: 'help.pageDown', keys: ['pagedown', 'ctrl-f', 'space'], description: 'Scroll help down one page', scope: 'help' },
  { id: 'help.pageUp', keys: ['pageup', 'ctrl-b'], description: 'Scroll help up one page', scope: 'help' },
  { id: 'help.top', keys: ['g', 'home'], description: 'Jump to the top of help', scope: 'help' },
  { id: 'help.end', keys: ['G', 'end'], description: 'Jump to the end of help', scope: 'help' },

  // message history
  { id: 'messages.close', keys: ['escape', 'q', 'M'], description: 'Close the message history', scope: 'messages', hint: 'close' },
  { id: 'messages.down', keys: ['down', 'j'], description: 'Scroll down one line', scope: 'messages' },
  { id: 'messages.up', keys: ['up', 'k'], description: 'Scroll up one line', scope: 'messages' },
  { id: 'messages.pageDown', keys: ['pagedown', 'ctrl-f', 'space'], description: 'Scroll down one page', scope: 'messages' },
  { id: 'messages.pageUp', keys: ['pageup', 'ctrl-b'], description: 'Scroll up one page', scope: 'messages' },
  { id: 'messages.top', keys: ['g', 'home'], description: 'Jump to the oldest message', scope: 'messages' },
  { id: 'messages.end', keys: ['G', 'end'], description: 'Jump to the newest message', scope: 'messages' },

  // log panes (handlers come with the log pane work)
  { id: 'log.close', keys: ['escape'], description: 'Close the log pane', scope: 'logs', hint: 'close' },
  { id: 'log.next', keys: ['tab'], description: 'Move to the next pane', scope: 'logs', hint: 'next' },
  { id: 'log.prev', keys: ['shift-tab'], description: 'Move to the previous pane', scope: 'logs' },
  { id: 'log.zoom', keys: ['Z'], description: 'Zoom the pane to full screen and back', scope: 'logs', hint: 'zoom' },
  { id: 'log.split', keys: ['|'], description: 'Panes side by side (columns) or stacked (rows); kept until you quit', scope: 'logs', hint: 'split' },
  { id: 'log.follow', keys: ['f'], description: 'Follow on/off', scope: 'logs', hint: 'follow' },
  { id: 'log.up', keys: ['up', 'k'], description: 'Scroll up one line (pauses follow)', scope: 'logs' },
  { id: 'log.down', keys: ['down', 'j'], description: 'Scroll down one line', scope: 'logs' },
  { id: 'log.pageUp', keys: ['pageup', 'ctrl-b'], description: 'Scroll up one page (pauses follow)', scope: 'logs' },
  { id: 'log.pageDown', keys: ['pagedown', 'ctrl-f'], description: 'Scroll down one page', scope: 'logs' },
  { id: 'log.end', keys: ['G', 'end'], description: 'Jump to the end and follow', scope: 'logs' },
  { id: 'log.top', keys: ['g', 'home'], description: 'Jump to the oldest line held', scope: 'logs' },
  { id: 'log.filter', keys: ['/'], description: 'Filter lines (regex, ! inverts)', scope: 'logs', hint: 'filter' },
  { id: 'log.wrap', keys: ['w'], description: 'Wrap long lines on/off', scope: 'logs', hint: 'wrap' },
  { id: 'log.timestamps', keys: ['t'], description: 'Timestamps on/off', scope: 'logs', hint: 'time' },
  { id: 'log.range', keys: ['R'], description: 'Change the range: last N lines or since 1m/15m/1h', scope: 'logs' },
  { id: 'log.save', keys: ['ctrl-s'], description: 'Save what the pane holds to a file', scope: 'logs', hint: 'save' },

  // snapshot browser (handlers come with the snapshot work)
  { id: 'snapshot.close', keys: ['escape'], description: 'Close the snapshot browser', scope: 'snapshots', hint: 'close' },
  { id: 'snapshot.up', keys: ['up', 'k'], description: 'Select the snapshot above', scope: 'snapshots' },
  { id: 'snapshot.down', keys: ['down', 'j'], description: 'Select the snapshot below', scope: 'snapshots' },
  { id: 'snapshot.mark', keys: ['space'], description: 'Mark or unmark the snapshot', scope: 'snapshots', hint: 'mark' },
  { id: 'snapshot.filter', keys: ['/'], description: 'Filter snapshots by name', scope: 'snapshots', hint: 'filter' },
  { id: 'snapshot.create', keys: ['c'], description: 'Take a snapshot now (YYYYMMDD-HHMM)', scope: 'snapshots', dangerous: true, hint: 'create' },
  { id: 'snapshot.createNamed', keys: ['n'], description: 'Take a snapshot with a name you type', scope: 'snapshots', dangerous: true },
  { id: 'snapshot.createRecursive', keys: ['C'], description: "Snapshot all of the host's storage at once", scope: 'snapshots', dangerous: true },
  { id: 'snapshot.rollback', keys: ['R'], description: 'Roll the dataset back to the snapshot (keeps the old state)', scope: 'snapshots', dangerous: true, hint: 'rollback' },
  { id: 'snapshot.destroy', keys: ['ctrl-d'], description: 'Destroy the marked snapshots', scope: 'snapshots', dangerous: true, hint: 'destroy' },
  { id: 'snapshot.diff', keys: ['d'], description: 'Show changes between the snapshot and now (zfs diff)', scope: 'snapshots', hint: 'diff' },
  { id: 'snapshot.next', keys: ['tab'], description: 'Move to the next pane', scope: 'snapshots' },

  // doctor pane
  { id: 'doctor.host', keys: [], description: 'Diagnose the hypervisor: system, pools, storage unit, disk, Comin', scope: 'grid' },
  { id: 'doctor.close', keys: ['escape'], description: 'Close the doctor', scope: 'doctor', hint: 'close' },
  { id: 'doctor.up', keys: ['up', 'k'], description: 'Select the check above', scope: 'doctor' },
  { id: 'doctor.down', keys: ['down', 'j'], description: 'Select the check below', scope: 'doctor' },
  { id: 'doctor.fix', keys: ['f', 'return'], description: "Apply the selected check's fix (confirmed)", scope: 'doctor', dangerous: true, hint: 'fix' },
  { id: 'doctor.rerun', keys: ['r'], description: 'Run the checks again', scope: 'doctor', hint: 'rerun' },
  { id: 'doctor.next', keys: ['tab'], description: 'Move to the next pane', scope: 'doctor' },

  // deploy / runner update output
  { id: 'deploy.close', keys: ['escape'], description: 'Close the deploy pane', scope: 'deploy', hint: 'close' },
  { id: 'deploy.up', keys: ['up', 'k'], description: 'Scroll the output up', scope: 'deploy' },
  { id: 'deploy.down', keys: ['down', 'j'], description: 'Scroll the output down', scope: 'deploy' },
  { id: 'deploy.end', keys: ['G', 'end'], description: 'Jump to the end of the output', scope: 'deploy' },
  { id: 'deploy.restart', keys: ['r'], description: 'Restart the updated VMs now to apply the runner update', scope: 'deploy', dangerous: true, hint: 'restart' },
  { id: 'deploy.next', keys: ['tab'], description: 'Move to the next pane', scope: 'deploy' },
];
