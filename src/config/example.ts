// The commented starting file written by `mvm-tui config init`. It validates as is; the user then points
// it at their hypervisor. (examples/simple-microvm-infra.yaml shows a full real layout.)
export const STARTER_CONFIG = `# mvm-tui inventory: the hypervisors (and their VMs) this console shows.
# Check it with \`mvm-tui config check\`. A complete example: examples/simple-microvm-infra.yaml.

# Refresh interval of the VM grid, in milliseconds.
refreshMs: 1000
# true refuses every change (restart, deploy, snapshot, rollback...); \`--read-only\` does the same.
readOnly: false
# Root shells (s, H) in read-only mode: off by default (as k9s); true keeps them.
shellsInReadOnly: false

hosts:
  - name: hypervisor
    ssh:
      # A Host alias from ~/.ssh/config (its HostName, User, Port, IdentityFile and ProxyJump are used),
      # or set hostname/user/port/identityFile here instead of the alias:
      alias: hypervisor
      # hostname: HYPERVISOR-ADDRESS
      # user: root
      # identityFile: ~/.ssh/id_ed25519
      # "accept-new" records an unknown host key (hashed); a changed key is always refused.
      strictHostKeyChecking: "yes"
    # VMs are reached through the hypervisor: nested (ssh run on the hypervisor with its own key)
    # or proxyjump (tunnelled through this connection with your key).
    vmAccess:
      mode: nested
      remoteIdentityFile: /root/.ssh/id_ed25519
    # Flake checkout on the hypervisor (runner updates) and on this machine (deploys).
    remoteFlake: /root/simple-microvm-infra
    # The runner rebuild, run in remoteFlake ({vm} {unit} {dataset} are filled in); default: the seed's
    # nix build .#nixosConfigurations.{vm}.config.microvm.declaredRunner -o /var/lib/microvms/{vm}/current
    # updateCommand: /usr/local/sbin/update-runner {vm}
    # flake: ~/simple-microvm-infra
    flakeAttr: hypervisor
    deploy:
      mode: local   # nixos-rebuild switch --flake .#hypervisor --target-host USER@HOST, run in \`flake\`
    # Left out, each VM gets unit microvm@NAME, dataset microvms/storage/NAME, bridge br-NAME,
    # and address 10.X.0.2 when it is called vmX.
    vms:
      - name: vm1
        role: desktop
      - name: vm2
        role: desktop
`;
