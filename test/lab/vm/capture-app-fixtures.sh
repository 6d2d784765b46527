#!/usr/bin/env bash
# MVM_LAB=vm bash test/lab/vm/capture-app-fixtures.sh — runs, on the VM lab's guest (OpenZFS 2.3.2, systemd 252,
# kernel 6.1), the remote commands mvm-tui itself builds for test/lab/run/inventory.yaml (the exact lines, from
# test/lab/vm/app-commands.ts) and saves their output byte for byte as test/fixtures/<tool>/vm-*: the event-mode
# gather through the kept shell's loop, the event stream, the doctor's and config check's sections, the VM probe,
# unit settle/errors/list/known, the log pane's journalctl, runner links, and the rollback's zfs steps.
# Everything runs under /tmp/mvm-lab-vm.lock (taken here: run this without holding it), the read-only captures too,
# so that no lab test changes a VM while they run; the later ones change the VM lab (a VM killed, vm4 started and
# stopped, a scrub, a rollback's umount/rename tried on a busy dataset, vm5's runner broken and fixed) and put back
# what they changed.
set -euo pipefail
export MVM_LAB=vm
. "$(dirname "$0")/../lib.sh"
FX="$LAB_REPO/test/fixtures"
INV="$LAB_RUN_DIR/inventory.yaml"
hv() { lab_ssh "$@"; }
JS=$(mktemp --suffix=.cjs)
trap 'rm -f "$JS"' EXIT
"$LAB_REPO/node_modules/.bin/esbuild" --bundle --platform=node --format=cjs --log-level=warning "$LAB_DIR/vm/app-commands.ts" --outfile="$JS"
app() { node "$JS" "$INV" "$@"; }
# run FILE NAME [ARG]: the app's command NAME on the guest; stdout, then stderr, then `exit N` when it failed.
run() {
  local f=$1; shift
  mkdir -p "$(dirname "$FX/$f")"
  local cmd; cmd=$(app "$@")
  hv "$cmd" >"$FX/$f" 2>"$FX/$f.err" && rc=0 || rc=$?
  cat "$FX/$f.err" >>"$FX/$f"; rm -f "$FX/$f.err"
  [ "$rc" = 0 ] || echo "exit $rc" >>"$FX/$f"
  echo "captured $f ($(wc -c <"$FX/$f") bytes, exit $rc)" >&2
}

mkdir -p "$FX/ssh"
exec 9>/tmp/mvm-lab-vm.lock
flock -w 900 9
# The lab as lab:up leaves it: vm1-3 running, vm4 and vm5 stopped.
hv 'systemctl is-active -q microvm@vm1 microvm@vm2 microvm@vm3 && ! systemctl is-active -q microvm@vm4 microvm@vm5' \
  || { echo "capture-app-fixtures: the VM lab is not as lab:up left it (vm1-3 running, vm4-5 stopped)" >&2; exit 1; }
# --- read-only -------------------------------------------------------------------------------------------------
app event-script >"$FX/gather/vm-event-script.sh"
# The kept shell (src/ssh/rounds.ts): run 1 runs every line (as on its first interval), run 2 only the counters'
# group, as every later interval does: the runner links did not change, so runners-check prints nothing.
printf '1 %s\n2 %s\n' "$(app all-lines)" "$(app counter-lines)" | hv "$(app rounds)" >"$FX/gather/vm-event-rounds.txt"
echo "captured gather/vm-event-rounds.txt" >&2
run doctor/vm-vm1-running.doctor.txt doctor-vm vm1
run doctor/vm-vm4-stopped.doctor.txt doctor-vm vm4
run doctor/vm-host.doctor.txt doctor-host
run probe/vm-probe-15s-vm1-3-up-vm4-5-down.txt probe
run probe/vm-probe-3s-all-timed-out.txt probe-default
hv "$(app pgid)" >/dev/null 2>"$FX/ssh/vm-pgid-report-stderr.txt"
echo "captured ssh/vm-pgid-report-stderr.txt" >&2
run systemctl/vm-show-settle-vm1-running.txt settle vm1
run systemctl/vm-show-settle-vm4-inactive.txt settle vm4
run systemctl/vm-is-active-vm1.txt is-active vm1
run systemctl/vm-is-active-vm4.txt is-active vm4
run systemctl/vm-list-units-all-type-service.txt list-units
run systemctl/vm-unit-known-microvm-vm1.txt unit-known microvm@vm1.service
run systemctl/vm-unit-known-missing.txt unit-known nosuch-unit.service
run journalctl/vm-pane-u-microvm-vm1-o-json-output-fields-n10.txt journal vm1
run nix/vm-runner-links-vm1.txt runner-links vm1
run zfs/vm-list-microvms-storage-vm1.txt zfs-list vm1
run zfs/vm-get-H-o-value-mounted-vm1.txt mounted vm1
run zfs/vm-get-H-o-value-source-mountpoint-vm1.txt mountpoint vm1
run zfs/vm-holders-var-lib-microvms-vm1.txt holders vm1

# --- changes: each block puts back what it changed -------------------------------------------------------------
# The rollback's first steps on vm1's dataset while vm1 runs (its runner's working directory is the mountpoint).
run zfs/vm-umount-busy-vm1.txt umount vm1
hv 'zfs mount microvms/storage/vm1 2>/dev/null; true'
run zfs/vm-rename-busy-vm1.txt rename vm1
hv 'if zfs list microvms/storage/vm1-renamed >/dev/null 2>&1; then zfs rename microvms/storage/vm1-renamed microvms/storage/vm1; fi; zfs mount microvms/storage/vm1 2>/dev/null; true'
# A missing runner: the doctor's sections and the gather's runner links for vm5, before and after a start that
# its condition skips (microvm@.service's ConditionPathExists on current/bin/microvm-run).
hv 'labctl break-runner vm5'
run gather/vm-runners-vm5-missing.txt runners
run doctor/vm-vm5-runner-missing.doctor.txt doctor-vm vm5
hv 'systemctl start microvm@vm5'
run systemctl/vm-show-settle-vm5-skipped.txt settle vm5
run doctor/vm-vm5-runner-missing-start-skipped.doctor.txt doctor-vm vm5
hv 'labctl fix-runner vm5'
# A VM that microvms.target wants (so systemd keeps its unit loaded) restarted without its runner: the start is
# skipped and the unit keeps ConditionResult=no with its ConditionTimestamp.
hv 'labctl break-runner vm3; systemctl restart microvm@vm3; true'
run systemctl/vm-show-settle-vm3-restart-skipped.txt settle vm3
run doctor/vm-vm3-restart-skipped.doctor.txt doctor-vm vm3
hv 'labctl fix-runner vm3; systemctl start microvm@vm3'
# zfs diff of names with a space, a backslash and UTF-8 (OpenZFS escapes such bytes), in vm2's data.
hv "cd /var/lib/microvms/vm2/persist && touch 'with space' 'back\\slash' \$'caf\\xc3\\xa9' && sync"
run zfs/vm-diff-H-vm2-escaped-names.txt diff vm2 20261124-0900
hv "cd /var/lib/microvms/vm2/persist && rm -f 'with space' 'back\\slash' \$'caf\\xc3\\xa9'"
# The event stream while vm1 is killed and restarted by systemd (Restart=always, 5 s), vm4 started and stopped,
# and microvms scrubbed; the stream ends when its stdin closes, as when the client quits.
ev="$FX/events/vm-stream-kill-vm1-start-stop-vm4-scrub.txt"
fifo=$(mktemp -u); mkfifo "$fifo"
hv "$(app events)" <"$fifo" >"$ev" 2>&1 &
stream=$!
exec 8>"$fifo"; rm -f "$fifo"
for _ in $(seq 60); do grep -qs '^@@mvm-events ready$' "$ev" && break; sleep 1; done
sleep 3
hv 'systemctl kill -s KILL microvm@vm1'
# What a VM action's settle poll and error lines read right after the kill.
run systemctl/vm-show-settle-vm1-killed.txt settle vm1
run journalctl/vm-p-warning-since-20s-vm1-after-kill.txt errors vm1
sleep 12
hv 'systemctl start microvm@vm4'
sleep 8
hv 'systemctl stop microvm@vm4'
sleep 3
hv 'zpool scrub -w microvms'
sleep 3
exec 8>&-
wait "$stream" || true
echo "captured ${ev#"$FX/"} ($(wc -l <"$ev") lines)" >&2
flock -u 9
