#!/bin/bash
# Runs inside the debootstrapped tree (chroot) after image/files/ was copied over it. Everything made here is
# cached in the tree tarball: host keys, the hypervisor's key to the VMs and the fake runner store paths.
set -euo pipefail
vms="vm1 vm2 vm3 vm4 vm5"

echo hypervisor >/etc/hostname
rm -f /etc/machine-id && systemd-machine-id-setup >/dev/null

# The hypervisor's sshd: one ed25519 host key (known_hosts lists just that one).
rm -f /etc/ssh/ssh_host_*
ssh-keygen -q -t ed25519 -N '' -C hypervisor -f /etc/ssh/ssh_host_ed25519_key
install -d -m 700 /root/.ssh
ssh-keygen -q -t ed25519 -N '' -C root@hypervisor -f /root/.ssh/id_ed25519
: >/root/.ssh/authorized_keys
: >/root/.ssh/known_hosts
chmod 600 /root/.ssh/authorized_keys

mkdir -p /etc/lab/vm /var/lib/lab/generations /nix/store
printf '%s\n' $vms >/etc/lab/vms
cp /root/.ssh/id_ed25519.pub /etc/lab/vm/authorized_keys   # lab:up appends the test client's key
for vm in $vms; do
  n=${vm#vm}
  d=/etc/lab/vm/$vm
  mkdir -p "$d"
  ssh-keygen -q -t ed25519 -N '' -C "$vm" -f "$d/ssh_host_ed25519_key"
  echo "10.$n.0.2 $(cut -d' ' -f1,2 "$d/ssh_host_ed25519_key.pub")" >>/root/.ssh/known_hosts
  # UsePAM no: pam_systemd would move sessions out of microvm@VM's cgroup, so stopping the VM would not end them.
  cat >"$d/sshd_config" <<CFG
ListenAddress 10.$n.0.2
HostKey $d/ssh_host_ed25519_key
PidFile none
AuthorizedKeysFile /etc/lab/vm/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
MaxSessions 64
MaxStartups 100:30:200
UseDNS no
LogLevel ERROR
Subsystem sftp /usr/lib/openssh/sftp-server
CFG
  : >"/var/lib/lab/generations/$vm"
  for gen in 1 2; do
    # Nix store hashes use base32 without e, o, u, t: hex minus e fits.
    hash=$(printf '%s-generation-%s' "$vm" "$gen" | sha256sum | cut -c1-32 | tr e z)
    store=/nix/store/$hash-microvm-cloud-hypervisor-$vm
    mkdir -p "$store/bin" "$store/share/microvm"
    for action in run shutdown tap-up tap-down; do
      bin=$action; case $action in run|shutdown) bin=microvm-$action ;; esac
      printf '#!/bin/sh\nexec /usr/local/lib/lab/vm-runner %s %s %s %s\n' "$action" "$vm" "$gen" "$store" >"$store/bin/$bin"
      chmod 555 "$store/bin/$bin"
    done
    echo "vm-$vm" >"$store/share/microvm/tap-interfaces"
    echo "$store" >>"/var/lib/lab/generations/$vm"
  done
done

# microvm.nix's install-microvm-NAME (nixos-modules/host/default.nix), one unit per VM, wanted by microvms.target.
# As for a flake VM with updateFlake set, it runs only on the first installation (no state directory yet):
# afterwards runners are switched imperatively (lab-update-runner, the seed's `nix build` + `ln -sfn`).
mkdir -p /etc/systemd/system/microvms.target.wants
for vm in $vms; do
  cat >"/etc/systemd/system/install-microvm-$vm.service" <<UNIT
[Unit]
Description=Install MicroVM '$vm'
Before=microvm@$vm.service microvm-tap-interfaces@$vm.service microvm-virtiofsd@$vm.service
PartOf=microvm@$vm.service
# Lab glue, as microvm@'s drop-in: the state directory lives on the pool the storage unit brings up.
Wants=ebs-volume-microvm-storage.service
After=ebs-volume-microvm-storage.service
ConditionPathExists=!/var/lib/microvms/$vm

[Service]
Type=oneshot
SyslogIdentifier=install-microvm-$vm
ExecStart=/bin/sh -c 'mkdir -p /var/lib/microvms/$vm && cd /var/lib/microvms/$vm && ln -sTf "\$\$(head -n1 /var/lib/lab/generations/$vm)" current'
UNIT
  ln -sf "/etc/systemd/system/install-microvm-$vm.service" "/etc/systemd/system/microvms.target.wants/install-microvm-$vm.service"
done

systemctl enable ssh systemd-networkd zfs-fuse ebs-volume-microvm-storage lab-bridges microvms.target
# Boot fast and quietly: no timers, no gettys, no waiting for a network that is static anyway.
systemctl mask apt-daily.timer apt-daily-upgrade.timer e2scrub_all.timer fstrim.timer dpkg-db-backup.timer \
  getty@tty1.service console-getty.service systemd-networkd-wait-online.service
