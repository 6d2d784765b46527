#!/usr/bin/env bash
# Installs the host packages the lab needs, only those missing (apt-get update first, only if something is).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
need_root
# command -> Debian package that provides it
declare -A want=([systemd-nspawn]=systemd-container [debootstrap]=debootstrap [ip]=iproute2 [ssh]=openssh-client
  [ssh-keygen]=openssh-client [zstd]=zstd [nsenter]=util-linux [findmnt]=util-linux [ps]=procps [flock]=util-linux)
# The VM lab (the default) boots qemu and makes its disk with mkfs.ext4 -d; it needs no nspawn or fuse.
[ "$LAB_KIND" = vm ] && want+=([qemu-system-x86_64]=qemu-system-x86 [qemu-img]=qemu-utils [mkfs.ext4]=e2fsprogs)
missing=()
for cmd in "${!want[@]}"; do command -v "$cmd" >/dev/null || missing+=("${want[$cmd]}"); done
if [ ${#missing[@]} -gt 0 ]; then
  mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
  log "installing host packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
[ "$LAB_KIND" = vm ] && exit 0
# zfs-fuse in the container needs /dev/fuse bound in.
[ -e /dev/fuse ] || modprobe fuse 2>/dev/null || true
[ -e /dev/fuse ] || die "/dev/fuse is missing (the lab's zfs-fuse needs it): load the fuse kernel module"
