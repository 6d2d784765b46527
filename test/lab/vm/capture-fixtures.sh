#!/usr/bin/env bash
# MVM_LAB=vm bash test/lab/vm/capture-fixtures.sh — captures, from the VM lab's guest (OpenZFS 2.3.2, systemd 252,
# kernel 6.1), every output the app reads into test/fixtures/<tool>/vm-*.txt, including pool states only real
# OpenZFS has: DEGRADED and FAULTED, a scrub and a resilver in progress, permanent errors, holds and clones.
# Changes the lab's state (makes and destroys the extra pools labfault and labcorrupt, offlines labmirror's
# second file, edits vm1's and vm4's data): run it on a fresh VM lab, then lab:down/lab:up.
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
# A mounted dataset something holds open (vm4 is not running).
hv 'cd /var/lib/microvms/vm4 && setsid sleep 30 </dev/null >/dev/null 2>&1 &'
cap2 zfs/vm-umount-busy-stderr.txt 'zfs umount microvms/storage/vm4'
hv 'pkill -x -f "sleep 30" || true'

# labmirror DEGRADED (a side offline), then FAULTED (a side forced faulted).
hv "zpool offline labmirror $P/mirror-b.img"
cap zpool/vm-status-degraded-offline.txt 'zpool status labmirror'
cap zpool/vm-list-H-degraded.txt 'zpool list -H -o name,size,allocated,free,health labmirror'
hv "zpool online labmirror $P/mirror-b.img && zpool offline -f labmirror $P/mirror-b.img"
cap zpool/vm-status-vdev-faulted.txt 'zpool status labmirror'
hv "zpool clear labmirror; zpool online labmirror $P/mirror-b.img; zpool wait -t resilver labmirror"
# A whole pool FAULTED: its only vdev faulted by zinject.
hv "truncate -s 128M $P/fault.img && zpool create -f -m none labfault $P/fault.img && zinject -d $P/fault.img -A fault labfault"
cap zpool/vm-status-pool-faulted.txt 'zpool status labfault'
cap zpool/vm-list-H-pool-faulted.txt 'zpool list -H -o name,size,allocated,free,health labfault'
hv "zinject -c all >/dev/null; zpool clear labfault 2>/dev/null; zpool destroy -f labfault; rm -f $P/fault.img" || true

# Scrub and resilver in progress: data on labmirror, every read of one side delayed by zinject.
hv "zfs create -o mountpoint=/labmirror labmirror/data && head -c 60M /dev/urandom >/labmirror/data/blob && sync && zpool sync labmirror"
hv "zinject -d $P/mirror-a.img -D 20:1 labmirror >/dev/null && zinject -d $P/mirror-b.img -D 20:1 labmirror >/dev/null && zpool scrub labmirror && sleep 2"
cap zpool/vm-status-scrub-in-progress.txt 'zpool status labmirror'
hv "zpool scrub -s labmirror; zinject -c all >/dev/null"
hv "truncate -s 128M $P/mirror-c.img && zinject -d $P/mirror-a.img -D 20:1 labmirror >/dev/null && zpool replace labmirror $P/mirror-b.img $P/mirror-c.img && sleep 2"
cap zpool/vm-status-resilver-in-progress.txt 'zpool status labmirror'
hv "zinject -c all >/dev/null; zpool wait -t resilver,replace labmirror; zpool scrub -w labmirror"
cap zpool/vm-status-scrub-done.txt 'zpool status labmirror'

# Permanent errors: a file on a single-file pool, the file vdev overwritten under it, a scrub.
hv "truncate -s 256M $P/corrupt.img && zpool create -f -O mountpoint=/labcorrupt labcorrupt $P/corrupt.img \
  && head -c 96M /dev/urandom >/labcorrupt/precious && zpool export labcorrupt \
  && dd if=/dev/urandom of=$P/corrupt.img bs=1M seek=32 count=160 conv=notrunc status=none \
  && zpool import -d $P labcorrupt && (cat /labcorrupt/precious >/dev/null 2>&1; zpool scrub -w labcorrupt)"
cap zpool/vm-status-v-permanent-errors.txt 'zpool status -v labcorrupt'
cap zpool/vm-status-x.txt 'zpool status -x'
hv "zpool destroy -f labcorrupt; rm -f $P/corrupt.img"
echo "done: add provenance lines for test/fixtures/*/vm-* to test/fixtures/SOURCES.md" >&2
