#!/usr/bin/env bash
# fleet-up.sh N GATHER_FILE GATHER_MS PROBE_MS: starts N "replay hypervisors" for bench/fleet.ts. A real fleet is N
# machines that run their gather scripts in parallel on their own CPUs; one 2-core box cannot, so each replay
# host is a real OpenSSH sshd (the host's /usr/sbin/sshd, installed if missing) in its own network namespace
# mvmfleetNN, and its ForceCommand (fleet-replay.sh) answers the gather script with GATHER_FILE (the lab
# hypervisor's own output, captured by the bench) after GATHER_MS (the lab's measured script time, slept, not
# spent), and a VM probe after PROBE_MS (a batched probe of all a host's VMs once after PROBE_MS, as a real
# hypervisor runs them in parallel). Every other command is refused.
# Network: each namespace has loopback and a veth to the lab namespace (mvmlab) only, no default route. Host k
# is 192.168.77.(100+k), a /32 routed on its veth: inside 192.168.77.0/24, which lab:up already makes
# unreachable from the machine's own namespace, so a run outside the lab netns cannot send anything out.
# Runs inside the lab netns (where the bench runs) or enters it. Undo: fleet-down.sh (this runs it first).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
need_root
[ $# = 4 ] || die "usage: fleet-up.sh N GATHER_FILE GATHER_MS PROBE_MS"
n=$1 gather=$2 gather_ms=$3 probe_ms=$4
[[ $n =~ ^[0-9]+$ ]] && [ "$n" -ge 1 ] && [ "$n" -le 99 ] || die "N must be 1..99"
[[ $gather_ms =~ ^[0-9]+$ && $probe_ms =~ ^[0-9]+$ ]] || die "GATHER_MS and PROBE_MS are whole milliseconds"
[ -s "$gather" ] || die "no gather output in $gather"
[ -e "/run/netns/$LAB_NETNS" ] || die "the lab is not up: npm run lab:up"
# Installed from the machine's own namespace (the lab's has no route to the package mirror). A policy-rc.d of
# our own, only while apt runs and only if the machine has none, keeps the package from starting an sshd on
# the machine's port 22.
if [ ! -x /usr/sbin/sshd ]; then
  [ "$(ip netns identify 2>/dev/null)" != "$LAB_NETNS" ] || die "install openssh-server first (apt-get install openssh-server), outside the lab namespace"
  log "installing openssh-server (sshd for the replay hosts; its service is not started)"
  export DEBIAN_FRONTEND=noninteractive
  ours=
  if [ ! -e /usr/sbin/policy-rc.d ]; then printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d && ours=1; fi
  apt-get install -y -qq --no-install-recommends openssh-server >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq --no-install-recommends openssh-server >/dev/null; } || { [ -z "$ours" ] || rm -f /usr/sbin/policy-rc.d; die "could not install openssh-server"; }
  [ -z "$ours" ] || rm -f /usr/sbin/policy-rc.d
  # ... nor from starting one at the next boot (it was not installed, so nothing else wanted it).
  if [ -d /run/systemd/system ]; then systemctl disable --now ssh.service ssh.socket >/dev/null 2>&1 || true; fi
fi
if [ "$(ip netns identify 2>/dev/null)" != "$LAB_NETNS" ]; then
  exec nsenter --net="/run/netns/$LAB_NETNS" -- "$0" "$@"
fi
FLEET_DIR=/run/mvm-tui-fleet
"$LAB_DIR/fleet-down.sh"

mkdir -p /run/sshd "$FLEET_DIR"
chmod 755 "$FLEET_DIR"
cp "$gather" "$FLEET_DIR/gather.out"
secs() { printf '%d.%03d' $(($1 / 1000)) $(($1 % 1000)); }
printf 'GATHER_S=%s\nPROBE_S=%s\n' "$(secs "$gather_ms")" "$(secs "$probe_ms")" >"$FLEET_DIR/replay.env"
install -m 644 "$LAB_DIR/fleet-replay.sh" "$FLEET_DIR/replay.sh"
mkfifo "$FLEET_DIR/nap.fifo"
# Sourced by root's shell when that is bash (no process of its own), else run by bash.
force=". $FLEET_DIR/replay.sh"
[ "$(getent passwd root | cut -d: -f7)" = /bin/bash ] || force="exec /bin/bash $FLEET_DIR/replay.sh"
ssh-keygen -q -t ed25519 -N '' -C mvm-fleet -f "$FLEET_DIR/host_ed25519"
install -m 600 "$LAB_RUN_DIR/id_ed25519.pub" "$FLEET_DIR/authorized_keys"
: >"$FLEET_DIR/known_hosts"

for k in $(seq "$n"); do
  name=$(printf 'mvmfleet%02d' "$k") addr="192.168.77.$((100 + k))" veth=$(printf 'fl%02d' "$k")
  ip netns add "$name"
  ip link add "$veth" type veth peer name eth0 netns "$name"
  ip link set "$veth" up
  ip route add "$addr/32" dev "$veth" src "$LAB_HOST_SIDE"
  ip -n "$name" link set lo up
  ip -n "$name" addr add "$addr/32" dev eth0
  ip -n "$name" link set eth0 up
  ip -n "$name" route add "$LAB_HOST_SIDE/32" dev eth0
  # SHLVL: bash (root's shell runs the ForceCommand) then skips ~/.bashrc, which sshd sessions otherwise source:
  # this machine's root .bashrc runs `pyenv init` (~100 processes, ~0.1 s of CPU per command).
  cat >"$FLEET_DIR/$name.sshd_config" <<EOF
SetEnv SHLVL=1
ListenAddress $addr:22
HostKey $FLEET_DIR/host_ed25519
PidFile $FLEET_DIR/$name.pid
AuthorizedKeysFile $FLEET_DIR/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
X11Forwarding no
AllowTcpForwarding no
ForceCommand $force
EOF
  ip netns exec "$name" /usr/sbin/sshd -f "$FLEET_DIR/$name.sshd_config" -E "$FLEET_DIR/$name.log"
  echo "$addr $(cut -d' ' -f1,2 "$FLEET_DIR/host_ed25519.pub")" >>"$FLEET_DIR/known_hosts"
done
# Ready when every sshd answers.
for k in $(seq "$n"); do
  addr="192.168.77.$((100 + k))"
  for _ in $(seq 50); do
    ssh-keyscan -T 1 -t ed25519 "$addr" >/dev/null 2>&1 && continue 2
    sleep 0.1
  done
  die "replay host $addr did not answer"
done
log "fleet: $n replay hosts at 192.168.77.101.. (gather ${gather_ms} ms, probe ${probe_ms} ms); known_hosts in $FLEET_DIR"
