#!/usr/bin/env bash
# MVM_LAB=vm bash test/lab/vm/capture-fixtures.sh — captures, from the VM lab's guest (OpenZFS 2.3.2, systemd 252,
# kernel 6.1), every output the app reads into test/fixtures/<tool>/vm-*.txt, including pool states only real
# OpenZFS has: a DEGRADED pool with an OFFLINE and a FAULTED side, a resilver and a scrub in progress, permanent errors,
# holds and clones.
# Changes the lab's state (makes and destroys the extra pool labfault, offlines labmirror's second file, edits
# vm1's data): run it on a fresh VM lab, then lab:down/lab:up.
set -euo pipefail
export MVM_LAB=vm
. "$(dirname "$0")/../lib.sh"
FX="$LAB_REPO/test/fixtures"
hv() { lab_ssh "$@"; }
# cap FILE CMD: stdout of CMD on the guest, byte for byte (stderr too with cap2).
cap() { local f=$1; shift; mkdir -p "$(dirname "$FX/$f")"; hv "$*" >"$FX/$f" || true; echo "captured $f ($(wc -c <"$FX/$f") bytes)" >&2; }
cap2() { local f=$1; shift; mkdir -p "$(dirname "$FX/$f")"; hv "$* 2>&1; echo \"exit \$?\"" >"$FX/$f" || true; echo "captured $f" >&2; }
P=/var/lib/lab-pool

cap zfs/vm-version.txt 'zfs version; uname -r; systemctl --version | head -1'
# The gather script the app sends every second (the same inventory shape as the nspawn lab's fixture).
hv 'bash -s' <"$FX/gather/lab-script.sh" >"$FX/gather/vm-baseline.txt"
cap zpool/vm-list-H-o-name-size-alloc-free-health.txt 'zpool list -H -o name,size,allocated,free,health'
cap zpool/vm-list-Hp-o-name-size-alloc-free-health.txt 'zpool list -H -p -o name,size,allocated,free,health'
cap zpool/vm-status-healthy.txt 'zpool status'
cap zfs/vm-get-Hp-o-name-property-value-r-used-referenced-creation.txt 'zfs get -H -p -o name,property,value -r used,referenced,creation microvms'
cap zfs/vm-get-H-o-name-property-value-mounted-mountpoint-vm2.txt 'zfs get -H -o name,property,value mounted,mountpoint microvms/storage/vm2'
cap zfs/vm-get-H-o-value-source-mountpoint-vm2.txt 'zfs get -H -o value,source mountpoint microvms/storage/vm2'
cap systemctl/vm-list-units-microvm-all-json.txt "systemctl list-units 'microvm@*' --all -o json"
cap journalctl/vm-u-microvm-vm1-o-json-n5.txt 'journalctl -u microvm@vm1 -o json -n 5 --no-pager'
cap ip/vm-ip-j-link-show.json 'ip -j link show'
cap df/vm-df-B1-P-microvms.txt 'df -B1 -P /var/lib/microvms'

# zfs diff: a new file, a changed one, a removed one and a renamed one since the first snapshot.
hv 'cd /var/lib/microvms/vm1/persist && echo new >added && echo more >>data-20261120-0900 && rm data-20261122-0900 && mv data-20261124-0900 renamed && sync'
cap zfs/vm-diff-H-vm1.txt 'zfs diff -H microvms/storage/vm1@20261120-0900'
# A snapshot with a hold, and one with a clone: destroy is refused.
hv 'zfs hold keep microvms/storage/vm2@20261120-0900'
cap2 zfs/vm-destroy-held-snapshot-stderr.txt 'zfs destroy microvms/storage/vm2@20261120-0900'
hv 'zfs release keep microvms/storage/vm2@20261120-0900'
hv 'zfs clone microvms/storage/vm3@20261120-0900 microvms/storage/vm3-clone'
cap2 zfs/vm-destroy-cloned-snapshot-stderr.txt 'zfs destroy microvms/storage/vm3@20261120-0900'
hv 'zfs destroy microvms/storage/vm3-clone'
# labmirror DEGRADED (a side offline), then FAULTED (a side forced faulted).
hv "zpool offline labmirror $P/mirror-b.img"
cap zpool/vm-status-degraded-offline.txt 'zpool status labmirror'
cap zpool/vm-list-H-degraded.txt 'zpool list -H -o name,size,allocated,free,health labmirror'
hv "zpool online labmirror $P/mirror-b.img && zpool offline -f labmirror $P/mirror-b.img"
cap zpool/vm-status-vdev-faulted.txt 'zpool status labmirror'
hv "zpool clear labmirror; zpool online labmirror $P/mirror-b.img; zpool wait -t resilver labmirror"
# A resilver in progress: a third file attached to labmirror, its scan held still (zfs_scan_suspend_progress).
SUSPEND=/sys/module/zfs/parameters/zfs_scan_suspend_progress
hv "zfs create -o mountpoint=$P/fill labmirror/fill && head -c 16M /dev/urandom >$P/fill/data && sync \
  && echo 1 >$SUSPEND && truncate -s 128M $P/mirror-c.img && zpool attach labmirror $P/mirror-a.img $P/mirror-c.img"
cap zpool/vm-status-resilver-in-progress.txt 'zpool status labmirror'
hv "echo 0 >$SUSPEND; zpool wait -t resilver labmirror; zpool detach labmirror $P/mirror-c.img; rm -f $P/mirror-c.img; zfs destroy labmirror/fill"
# Permanent errors (Debian ships no zinject): a single-file pool whose file is overwritten under it, scrubbed;
# then a second scrub, caught in progress (a scrub of it takes over a minute under TCG).
hv "truncate -s 128M $P/fault.img && zpool create -f -m none -o failmode=continue labfault $P/fault.img \
  && dd if=/dev/urandom of=$P/fault.img bs=1M seek=1 count=126 conv=notrunc status=none; zpool scrub -w labfault; sleep 3"
cap zpool/vm-status-v-permanent-errors.txt 'zpool status -v labfault'
cap zpool/vm-status-x.txt 'zpool status -x'
cap zpool/vm-status-scrub-in-progress.txt 'zpool scrub labfault; sleep 2; zpool status labfault'
hv "zpool scrub -s labfault; zpool destroy -f labfault; rm -f $P/fault.img" || true
echo "done: add provenance lines for test/fixtures/*/vm-* to test/fixtures/SOURCES.md" >&2

# --- the app's own remote commands, built by the app for test/lab/run/inventory.yaml (event-mode gather through
# the kept shell, event stream, doctor, config check, probe, unit actions' reads, log pane, rollback steps) ---------
bash "$(dirname "$0")/capture-app-fixtures.sh"
