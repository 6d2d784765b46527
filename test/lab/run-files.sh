#!/usr/bin/env bash
# Writes the client side of the lab into test/lab/run/ (git-ignored), from the host keys in the tree:
# known_hosts, ssh_config, lab.env, inventory-proxyjump.yaml and inventory.yaml (nested). The client key
# test/lab/run/id_ed25519 is made once and kept (up.sh authorizes it in the tree before boot).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
R=$LAB_RUN_DIR
mkdir -p "$R"

{
  echo "$LAB_HOST $(cut -d' ' -f1,2 "$LAB_ROOT/etc/ssh/ssh_host_ed25519_key.pub")"
  for vm in $LAB_VMS; do
    echo "10.${vm#vm}.0.2 $(cut -d' ' -f1,2 "$LAB_ROOT/etc/lab/vm/$vm/ssh_host_ed25519_key.pub")"
  done
} >"$R/known_hosts.tmp"
mv "$R/known_hosts.tmp" "$R/known_hosts"

role() { case $1 in vm4) echo k3s ;; vm5) echo incus ;; *) echo desktop ;; esac; }
# Lab v2: an ssh from the hypervisor to a VM runs both ends in the emulated (TCG) guest and takes 3-5 s there
# (measured at load 2-4), past the default 3 s VM probe.
probe_timeout() { [ "$LAB_KIND" = vm ] && echo "      probeTimeoutMs: 15000" || true; }
inventory() { # $1 = vmAccess mode
  cat <<YAML
# Written by test/lab/up.sh (npm run lab:up) for the lab hypervisor; rewritten on every lab:up.
auditLog: "$R/audit.jsonl"
hosts:
  - name: lab
    ssh:
      hostname: "$LAB_HOST"
      user: root
      port: 22
      identityFile: "$R/id_ed25519"
      knownHostsFile: "$R/known_hosts"
      strictHostKeyChecking: "yes"
    vmAccess:
      mode: $1
$(probe_timeout)
    deploy:
      mode: remote
      command: /usr/local/sbin/lab-deploy
    updateCommand: "/usr/local/sbin/lab-update-runner {vm}"
    vms:
YAML
  for vm in $LAB_VMS; do printf '      - { name: %s, role: %s }\n' "$vm" "$(role "$vm")"; done
}
{
  echo "# Written by test/lab/up.sh. Use inside the lab netns: npm run lab:run -- ssh -F $R/ssh_config vm1"
  for h in lab $LAB_VMS; do
    echo "Host $h"
    if [ "$h" = lab ]; then echo "  HostName $LAB_HOST"; else echo "  HostName 10.${h#vm}.0.2"; echo "  ProxyJump lab"; fi
    cat <<CFG
  User root
  IdentityFile "$R/id_ed25519"
  IdentitiesOnly yes
  UserKnownHostsFile "$R/known_hosts"
  GlobalKnownHostsFile /dev/null
  StrictHostKeyChecking yes
  BatchMode yes
CFG
  done
} >"$R/ssh_config"

{
  echo "LAB_NETNS=$LAB_NETNS"
  echo "LAB_HOST=$LAB_HOST"
  echo "LAB_HOST_SIDE=$LAB_HOST_SIDE"
  for vm in $LAB_VMS; do echo "LAB_${vm^^}=10.${vm#vm}.0.2"; done
  echo "LAB_KEY=$R/id_ed25519"
  echo "LAB_KNOWN_HOSTS=$R/known_hosts"
  echo "LAB_SSH_CONFIG=$R/ssh_config"
  echo "LAB_INVENTORY=$R/inventory.yaml"
  echo "LAB_INVENTORY_PROXYJUMP=$R/inventory-proxyjump.yaml"
} >"$R/lab.env"
# Inventories last, and only once the lab answers (--early skips them): other engineers treat
# inventory.yaml as "the lab is up".
[ "${1:-}" = --early ] && exit 0
inventory proxyjump >"$R/inventory-proxyjump.yaml"
inventory nested >"$R/inventory.yaml.tmp"
mv "$R/inventory.yaml.tmp" "$R/inventory.yaml"
