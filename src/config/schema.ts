import { z } from 'zod';

// The inventory: one or more hypervisors and their VMs. Every name that can reach a remote shell is
// checked here against a conservative grammar, so a malicious config is refused at load time.
const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/;
const UNIT_RE = /^[A-Za-z0-9][A-Za-z0-9_.:@\\-]{0,127}$/;
const DATASET_RE = /^[A-Za-z0-9][A-Za-z0-9_.:/-]{0,254}$/;
const IFACE_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,14}$/;
const PATH_RE = /^[A-Za-z0-9_./~+@:-][A-Za-z0-9_./~+@:, -]*$/;

/** A VM that does not answer the probe within this is reported not reachable (vmAccess.probeTimeoutMs). */
export const DEFAULT_VM_PROBE_TIMEOUT_MS = 3_000;

export const vmName = z.string().regex(NAME_RE, 'a VM name: letters, digits, _ . : - (max 64), starting with a letter or digit');
export const unitName = z.string().regex(UNIT_RE, 'a systemd unit name such as microvm@vm1');
export const datasetName = z
  .string()
  .regex(DATASET_RE, 'a ZFS dataset such as microvms/storage/vm1')
  .refine((s) => !s.includes('//') && !s.endsWith('/') && !s.includes('@'), 'a ZFS dataset such as microvms/storage/vm1');
export const ifaceName = z.string().regex(IFACE_RE, 'a network interface name (max 15 characters)');
export const remotePath = z.string().regex(PATH_RE, 'a path without shell metacharacters');
// No leading '-': a destination like -Fevil would be read by ssh as an option (shellArgv passes it bare).
const hostAddress = z.string().regex(/^(?!-)[A-Za-z0-9_.:%-]+$/, 'a hostname or IP address');

export const vmSchema = z
  .object({
    name: vmName,
    role: z.string().max(40).optional(),
    /** Address of the VM as seen from the hypervisor (default 10.X.0.2 for vmX). */
    address: hostAddress.optional(),
    unit: unitName.optional(),
    dataset: datasetName.optional(),
    bridge: ifaceName.optional(),
    tap: ifaceName.optional(),
  })
  .strict();

export const customCommandSchema = z
  .object({
    name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/, 'a lower-case command name'),
    key: z.string().min(1).max(12).optional(),
    description: z.string().max(80).optional(),
    /** Remote shell command run on the hypervisor. `{vm}`, `{unit}`, `{dataset}` are replaced by quoted values. */
    command: z.string().min(1).max(2000),
    /** Run on the selected VM instead of the hypervisor. */
    onVm: z.boolean().default(false),
    dangerous: z.boolean().default(false),
  })
  .strict();

export const sshSchema = z
  .object({
    /** A Host alias from ~/.ssh/config; its HostName/User/Port/IdentityFile/ProxyJump are used. */
    alias: z.string().regex(/^(?!-)[A-Za-z0-9_.@:-]+$/, 'a Host alias from ~/.ssh/config').optional(),
    hostname: hostAddress.optional(),
    user: z.string().regex(/^[a-z_][a-z0-9_-]{0,31}$/).optional(),
    port: z.number().int().min(1).max(65535).optional(),
    identityFile: z.string().optional(),
    /** Extra known_hosts file (checked before ~/.ssh/known_hosts). */
    knownHostsFile: z.string().optional(),
    strictHostKeyChecking: z.enum(['yes', 'accept-new']).default('yes'),
    /** OpenSSH client config to read instead of ~/.ssh/config. */
    configFile: z.string().optional(),
    connectTimeoutMs: z.number().int().min(100).max(120_000).default(10_000),
    keepaliveIntervalMs: z.number().int().min(0).max(600_000).default(15_000),
  })
  .strict()
  .refine((s) => s.alias || s.hostname, { message: 'set either alias (from ~/.ssh/config) or hostname' });

export const vmAccessSchema = z
  .object({
    /** proxyjump: ssh2 forwardOut through the hypervisor connection with the user's key.
     *  nested: run `ssh` on the hypervisor with the hypervisor's own key (as the seed does). */
    mode: z.enum(['proxyjump', 'nested']).default('nested'),
    user: z.string().regex(/^[a-z_][a-z0-9_-]{0,31}$/).default('root'),
    port: z.number().int().min(1).max(65535).default(22),
    /** proxyjump: local key file (defaults to the hypervisor's identity). */
    identityFile: z.string().optional(),
    /** proxyjump: known_hosts file for the VMs' host keys (defaults to the hypervisor's). */
    knownHostsFile: z.string().optional(),
    /** nested: the key path on the hypervisor. */
    remoteIdentityFile: remotePath.default('/root/.ssh/id_ed25519'),
    /** nested: extra options passed to the hypervisor's ssh, e.g. a known_hosts file there. */
    remoteSshOptions: z.array(z.string().regex(/^[A-Za-z0-9_=/.:-]+$/)).default([]),
    /** How long a VM has to answer the reachability probe (`ssh ... true`) before it shows as not reachable. */
    probeTimeoutMs: z.number().int().min(500).max(120_000).default(DEFAULT_VM_PROBE_TIMEOUT_MS),
  })
  .strict();

export const deploySchema = z
  .object({
    /** local: run `command` on this machine in `flake` (nixos-rebuild --target-host).
     *  remote: run `command` on the hypervisor in `remoteFlake`. */
    mode: z.enum(['local', 'remote']).default('local'),
    command: z.string().min(1).max(2000).optional(),
  })
  .strict();

export const hostSchema = z
  .object({
    name: vmName,
    ssh: sshSchema,
    readOnly: z.boolean().default(false),
    vmAccess: vmAccessSchema.default({}),
    /** Local flake checkout used for `nixos-rebuild --target-host`. */
    flake: z.string().optional(),
    /** Flake checkout on the hypervisor, used to rebuild VM runners. */
    remoteFlake: remotePath.default('/root/simple-microvm-infra'),
    /** flake attribute of the hypervisor (`.#hypervisor`). */
    flakeAttr: z.string().regex(/^[A-Za-z0-9_.-]+$/).default('hypervisor'),
    deploy: deploySchema.default({}),
    /** Remote command template for a runner update, run in remoteFlake; `{vm}` `{unit}` `{dataset}` become quoted
     *  values. Default: the seed's `nix build .#nixosConfigurations.VM.config.microvm.declaredRunner -o DIR/VM/current`. */
    updateCommand: z.string().min(1).max(2000).optional(),
    pool: datasetName.default('microvms'),
    microvmsDir: remotePath.default('/var/lib/microvms'),
    storageUnit: unitName.default('ebs-volume-microvm-storage'),
    vms: z.array(vmSchema).default([]),
    commands: z.array(customCommandSchema).default([]),
  })
  .strict();

export const inventorySchema = z
  .object({
    /** Refresh interval of the grid in milliseconds. */
    refreshMs: z.number().int().min(250).max(600_000).default(1000),
    /** Keep each host's status fresh by its own change events (false: poll the whole status every refreshMs). */
    events: z.boolean().default(true),
    /** With events: how often the whole status is still read, in milliseconds. */
    fullRefreshMs: z.number().int().min(1000).max(3_600_000).default(30_000),
    /** With events: how often pool and storage usage (`zpool list`, `df`: processes, unlike the other counters) are
     *  read, in milliseconds; they also come with every whole read (default: only then). */
    poolRefreshMs: z.number().int().min(1000).max(3_600_000).optional(),
    readOnly: z.boolean().default(false),
    /** Mouse reporting: a click selects, the wheel scrolls (false: the terminal keeps its own selection). */
    mouse: z.boolean().default(true),
    /** Root shells (`s`, `H`) in read-only mode: off by default (as k9s's read-only), true keeps them. */
    shellsInReadOnly: z.boolean().default(false),
    /** Where the audit log goes (default: $XDG_STATE_HOME/mvm-tui/audit.jsonl). */
    auditLog: z.string().optional(),
    /** Command id -> key(s), e.g. `vm.restart: R`. */
    keys: z.record(z.string(), z.union([z.string(), z.array(z.string())])).default({}),
    hosts: z.array(hostSchema).min(1, 'at least one host'),
  })
  .strict()
  .superRefine((inv, ctx) => {
    const seen = new Set<string>();
    inv.hosts.forEach((h, i) => {
      if (seen.has(h.name)) ctx.addIssue({ code: 'custom', path: ['hosts', i, 'name'], message: `duplicate host name "${h.name}"` });
      seen.add(h.name);
      const vms = new Set<string>();
      h.vms.forEach((v, j) => {
        if (vms.has(v.name)) ctx.addIssue({ code: 'custom', path: ['hosts', i, 'vms', j, 'name'], message: `duplicate VM name "${v.name}"` });
        vms.add(v.name);
      });
    });
  });

export type InventoryInput = z.input<typeof inventorySchema>;
export type InventoryParsed = z.output<typeof inventorySchema>;
