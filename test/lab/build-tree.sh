#!/usr/bin/env bash
# Makes sure the cache holds the configured tree for the current image hash, building what is missing:
#   base-BASEHASH.tar.zst   debootstrap output (depends only on suite + package list)
#   tree-IMAGEHASH.tar.zst  base + test/lab/image applied (depends on every file under image/)
# Prints the path of the tree tarball. Both live outside the repository and survive lab:down.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
need_root
mkdir -p "$LAB_CACHE"
exec 9>"$LAB_CACHE/.lock"; flock 9          # two lab:up at once must not build twice
tree_tar="$LAB_CACHE/tree-$(image_hash).tar.zst"
base_tar="$LAB_CACHE/base-$(base_hash).tar.zst"
if [ -s "$tree_tar" ]; then echo "$tree_tar"; exit 0; fi

work=$(mktemp -d "$LAB_CACHE/build.XXXXXX")
trap 'rm -rf --one-file-system "$work"' EXIT
if [ ! -s "$base_tar" ]; then
  mirror=$("$LAB_DIR/mirror.sh" "$LAB_SUITE")
  log "debootstrap $LAB_SUITE from $mirror (about a minute)"
  debootstrap --variant=minbase --include="$LAB_PACKAGES" "$LAB_SUITE" "$work/root" "$mirror" >"$work/debootstrap.log" 2>&1 \
    || { tail -20 "$work/debootstrap.log" >&2; die "debootstrap failed (log above)"; }
  rm -f "$work"/root/var/cache/apt/archives/*.deb
  tar -C "$work/root" --numeric-owner -cf - . | zstd -q -T0 -3 -o "$base_tar.tmp" && mv "$base_tar.tmp" "$base_tar"
  rm -rf --one-file-system "$work/root"
fi
log "configuring the tree (image $(image_hash))"
mkdir "$work/root"
zstd -q -dc "$base_tar" | tar -C "$work/root" --numeric-owner -xf -
cp -a "$LAB_DIR/image/files/." "$work/root/"
cp "$LAB_DIR/image/configure.sh" "$work/root/lab-configure.sh"
chroot "$work/root" /bin/bash /lab-configure.sh >"$work/configure.log" 2>&1 \
  || { tail -30 "$work/configure.log" >&2; die "configure.sh failed (log above)"; }
rm -f "$work/root/lab-configure.sh"
# The pool files are made at boot and never cached (a 2 GiB sparse file).
tar -C "$work/root" --numeric-owner --exclude=./var/lib/lab-pool -cf - . | zstd -q -T0 -3 -o "$tree_tar.tmp"
mv "$tree_tar.tmp" "$tree_tar"
# Keep only the newest few tree tarballs.
ls -1t "$LAB_CACHE"/tree-*.tar.zst | tail -n +4 | xargs -r rm -f
echo "$tree_tar"
