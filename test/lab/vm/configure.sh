#!/bin/bash
# Runs in the VM lab's tree (chroot) after test/lab/image/configure.sh: what differs from the nspawn lab.
set -euo pipefail
echo hypervisor >/etc/hostname
rm -rf /etc/systemd/system/zfs-fuse.service.d
systemctl enable lab-keys.service zfs-zed.service
# pool-setup imports or creates the pools itself (as lab v1 does); the serial console needs no login prompt.
systemctl mask zfs-import-cache.service zfs-import-scan.service zfs-share.service zfs-volume-wait.service \
  serial-getty@ttyS0.service e2scrub_reap.service \
  systemd-timesyncd.service 2>/dev/null || true
