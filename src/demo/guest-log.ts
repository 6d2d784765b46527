// What a guest's serial console prints into its unit's journal: boot, network, services, heartbeats
// and the odd warning, per role (desktop, k3s, incus), in the shape of a NixOS guest under cloud-hypervisor.

export interface LogLine {
  /** ms after the boot starts. */
  at: number;
  message: string;
  priority: number;
}

export function bootLines(vm: string, role: string, address: string): LogLine[] {
  const k = (s: number) => `[${s.toFixed(6).padStart(12)}]`;
  const lines: LogLine[] = [
    { at: 0, priority: 6, message: `cloud-hypervisor: 11.372ms: <vmm> INFO:vmm/src/lib.rs:1922 -- API request event: VmBoot` },
    { at: 120, priority: 6, message: `${k(0)} Booting Linux on physical CPU 0x0000000000 [0x410fd083]` },
    { at: 140, priority: 6, message: `${k(0)} Linux version 6.12.8 (nixbld@localhost) (gcc (GCC) 14.2.1 20250322, GNU ld (GNU Binutils) 2.44) #1-NixOS SMP` },
    { at: 400, priority: 6, message: `${k(0.41233)} virtiofs virtio1: discovered new tag: ro-store` },
    { at: 700, priority: 6, message: `<<< NixOS Stage 1 >>>` },
    { at: 1200, priority: 6, message: `mounting ro-store on /nix/.ro-store...` },
    { at: 1500, priority: 6, message: `<<< NixOS Stage 2 >>>` },
    { at: 1700, priority: 6, message: `running activation script...` },
    { at: 2100, priority: 6, message: `${k(2.201456)} systemd[1]: Detected virtualization microvm.` },
    { at: 2200, priority: 6, message: `${k(2.310987)} systemd[1]: Hostname set to <${vm}>.` },
    { at: 2600, priority: 6, message: `${k(2.702311)} virtio_net virtio2 eth0: renamed from enp0s3` },
    { at: 2900, priority: 6, message: `${k(3.011842)} systemd-networkd[301]: eth0: Link UP` },
    { at: 3000, priority: 6, message: `${k(3.104532)} systemd-networkd[301]: eth0: Gained carrier` },
    { at: 3100, priority: 6, message: `${k(3.20455)} systemd-networkd[301]: eth0: network: link up, address ${address}/24 via ${address.replace(/\.\d+$/, '.1')}` },
    { at: 3300, priority: 6, message: `${k(3.41271)} sshd[412]: Server listening on 0.0.0.0 port 22.` },
  ];
  const svc: Record<string, string> = {
    desktop: `xrdp[512]: [INFO ] listening to port 3389 on 0.0.0.0`,
    k3s: `k3s[618]: Node controller sync successful`,
    incus: `incusd[577]: Started Incus daemon, listening on [::]:8443`,
  };
  lines.push({ at: 4200, priority: 6, message: `${k(4.301933)} ${svc[role] ?? `systemd[1]: Reached target Multi-User System.`}` });
  lines.push({ at: 4400, priority: 6, message: `${k(4.50221)} systemd[1]: Startup finished in 1.512s (kernel) + 2.990s (userspace) = 4.502s.` });
  lines.push({ at: 4500, priority: 6, message: `\n<<< Welcome to NixOS 25.11 (aarch64) - ttyAMA0 >>>\n`.trim() });
  return lines;
}

const WARNINGS: Record<string, string[]> = {
  desktop: [
    `xrdp-sesman[733]: [WARN ] sesman_data_in: scp_process_msg failed`,
    `pipewire[1190]: mod.rt: Can't find xdg-portal: (null)`,
  ],
  k3s: [
    `k3s[618]: W1126 lease.go:265] Resetting endpoints for master service "kubernetes"`,
    `k3s[618]: E1126 memcache.go:287] couldn't get resource list for metrics.k8s.io/v1beta1: the server is currently unable to handle the request`,
  ],
  incus: [`incusd[577]: level=warning msg="Failed getting disk usage" err="no such file or directory"`],
};

export function warningLine(role: string, rnd: () => number): LogLine {
  const generic = [`clocksource: timekeeping watchdog on CPU1: Marking clocksource 'arch_sys_counter' as unstable`, `systemd-journald[211]: Time jumped backwards, rotating.`];
  const pool = [...(WARNINGS[role] ?? []), ...generic];
  const message = pool[Math.floor(rnd() * pool.length)]!;
  return { at: 0, priority: message.includes(' E1126') ? 3 : 4, message };
}

export function heartbeat(vm: string, n: number, uptimeSec: number): string {
  return `[${vm}] heartbeat ${n} uptime=${uptimeSec}s`;
}

export function crashLines(vm: string, uptimeSec: number): LogLine[] {
  const k = `[${uptimeSec.toFixed(6).padStart(12)}]`;
  return [
    { at: 0, priority: 3, message: `${k} Kernel panic - not syncing: Attempted to kill init! exitcode=0x0000000b` },
    { at: 10, priority: 3, message: `cloud-hypervisor: <vcpu0> ERROR:vmm/src/cpu.rs:1054 -- vCPU thread panicked in ${vm}: guest requested shutdown after panic` },
  ];
}
