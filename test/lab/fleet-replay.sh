#!/bin/sh
# ForceCommand of a replay hypervisor (fleet-up.sh). Like mvm-tui's real commands it first reports its process
# group on stderr (src/ssh/kill.ts), then answers: the gather script with the lab's captured output after the
# lab's measured script time, a nested VM probe (`ssh ... -- true`) with success after the probe time.
. /run/mvm-tui-fleet/replay.env
printf 'mvm-tui-pgid %s\n' "$$" >&2
case $SSH_ORIGINAL_COMMAND in
  *'@@mvm system'*) sleep "$GATHER_S"; exec cat /run/mvm-tui-fleet/gather.out ;;
  *"ssh -i "*" -- true") sleep "$PROBE_S"; exit 0 ;;
  *) echo "replay host: not replayed: $SSH_ORIGINAL_COMMAND" >&2; exit 127 ;;
esac
