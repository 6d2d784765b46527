#!/usr/bin/env bash
# npm run lab:build — builds (or finds in the cache) what lab:up boots, without booting it: the VM lab's disk
# (vm/build-disk.sh, which builds the base first) or the container's tree (build-tree.sh). Installs the host
# packages it needs. .ci/run starts it in the background, so the cold build overlaps the tests that need no lab.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
need_root
"$LAB_DIR/host-setup.sh"
if [ "$LAB_KIND" = vm ]; then "$LAB_DIR/vm/build-disk.sh"; else "$LAB_DIR/build-tree.sh"; fi
