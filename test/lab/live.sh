#!/usr/bin/env bash
# Copies test/lab/live/ into the lab's tree: up.sh runs it before booting a fresh tree, and on a lab that is
# already up (then it restarts journald if its config changed). Lab settings that can change without a
# rebuild live here: files under image/ are hashed, and a change there rebuilds and reboots everyone's lab.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
running=${1:-}
changed=()
while IFS= read -r -d '' f; do
  rel=${f#"$LAB_DIR/live/"}
  cmp -s "$f" "$LAB_ROOT/$rel" && continue
  install -D -m 0644 "$f" "$LAB_ROOT/$rel"
  changed+=("$rel")
done < <(find "$LAB_DIR/live" -type f -print0)
[ ${#changed[@]} -gt 0 ] || exit 0
log "live config: ${changed[*]}"
[ "$running" = --running ] || exit 0
# Restarting journald keeps the services' log streams (systemd holds them in journald's fd store).
if printf '%s\n' "${changed[@]}" | grep -q '^etc/systemd/journald'; then lab_ssh systemctl restart systemd-journald; fi
