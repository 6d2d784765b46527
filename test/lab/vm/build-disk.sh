#!/usr/bin/env bash
# Makes sure the cache holds the VM lab's boot files for the current inputs, building what is missing:
#   vmbase-HASH.tar.zst  Debian + cloud kernel + OpenZFS 2.3 (build-base.sh, ~7 min, rarely rebuilt)
#   vmdisk-HASH/         disk.raw (ext4 made with mkfs.ext4 -d from base + image/ + vm/files + live/, sparse),
#                        vmlinuz, initrd.img and keys/ (the host keys run-files.sh writes into known_hosts)
# Prints the vmdisk directory. lab:up boots a fresh qcow2 overlay of disk.raw, so the cached disk never changes.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
need_root
base=$("$LAB_DIR/vm/build-base.sh")
exec 9>"$LAB_CACHE/.vmlock"; flock 9
out="$LAB_CACHE/vmdisk-$(vm_disk_hash)"
if [ -s "$out/disk.raw" ]; then echo "$out"; exit 0; fi

work=$(mktemp -d "$LAB_CACHE/vmbuild.XXXXXX")
# The tree is ~1.5 GB: deleted in the background (a minute on a busy disk), not on lab:up's time.
trap 'setsid rm -rf --one-file-system "$work" </dev/null >/dev/null 2>&1 9>&- &' EXIT
root="$work/root"
log "vm disk: configuring the tree (disk $(vm_disk_hash))"
mkdir "$root"
zstd -q -dc "$base" | tar -C "$root" --numeric-owner -xf -
cp -a "$LAB_DIR/image/files/." "$LAB_DIR/vm/files/." "$LAB_DIR/live/." "$root/"
# image/configure.sh enables zfs-fuse, which the VM has no use for (OpenZFS is in its kernel).
sed 's/ zfs-fuse / /' "$LAB_DIR/image/configure.sh" >"$root/lab-configure.sh"
cp "$LAB_DIR/vm/configure.sh" "$root/lab-configure-vm.sh"
chroot "$root" /bin/bash -c '/bin/bash /lab-configure.sh && /bin/bash /lab-configure-vm.sh' >"$work/configure.log" 2>&1 \
  || { tail -30 "$work/configure.log" >&2; die "configuring the vm tree failed (log above)"; }
rm -f "$root"/lab-configure*.sh
mkdir -p "$work/out/keys/etc/ssh"
cp "$root/etc/ssh/ssh_host_ed25519_key.pub" "$work/out/keys/etc/ssh/"
for k in "$root"/etc/lab/vm/*/ssh_host_ed25519_key.pub; do
  rel=${k#"$root/"}; install -D -m 0644 "$k" "$work/out/keys/$rel"
done
cp -L "$root/vmlinuz" "$work/out/vmlinuz" 2>/dev/null || cp "$(ls "$root"/boot/vmlinuz-* | sort -V | tail -n1)" "$work/out/vmlinuz"
cp -L "$root/initrd.img" "$work/out/initrd.img" 2>/dev/null || cp "$(ls "$root"/boot/initrd.img-* | sort -V | tail -n1)" "$work/out/initrd.img"
# 8 GiB sparse: the pools (2 GiB + 2x128 MiB files) live on it too.
mkfs.ext4 -q -F -L labroot -d "$root" "$work/out/disk.raw" 8G >/dev/null
rm -rf --one-file-system "$out" && mv "$work/out" "$out"
ls -1dt "$LAB_CACHE"/vmdisk-* | tail -n +4 | xargs -r rm -rf
log "vm disk: $(du -sh "$out" | cut -f1) cached"
echo "$out"
