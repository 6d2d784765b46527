import { join } from 'node:path';

// Which lab the tests talk to. `npm run lab:run` (run.sh) exports these for the lab it enters: the VM by default,
// the nspawn container with MVM_LAB=nspawn. Without them (a test run by hand in the netns): the VM.
export const LAB_RUN = process.env.MVM_LAB_RUN_DIR ?? join(import.meta.dirname, 'run');
export const LAB_NETNS = `/run/netns/${process.env.MVM_LAB_NETNS ?? 'mvmlab2'}`;
/** Which lab: 'nspawn' (the container, native speed) or 'vm' (lab v2: qemu TCG emulates the guest, so whatever runs
 *  there takes many times longer and the guest's 2 CPUs saturate far sooner). */
export const LAB_KIND: 'nspawn' | 'vm' = (process.env.MVM_LAB_KIND ?? (process.env.MVM_LAB_NETNS === 'mvmlab' ? 'nspawn' : 'vm')) === 'nspawn' ? 'nspawn' : 'vm';
/** A factor for a test's time limits sized for the container: a command in lab v2's guest takes ~0.3-0.5 s more,
 *  a status refresh ~1.3 s instead of ~0.1 s. For limits only: what a test measures it prints. */
export const LAB_SLOW = LAB_KIND === 'vm' ? 3 : 1;
/** The lab netns' end of the link to the hypervisor (nspawn's veth, or the VM's TAP). */
export const LAB_LINK = process.env.MVM_LAB_LINK ?? 've-mvmlab2';

/** A file lab:up wrote into the run directory (inventory.yaml, ssh_config, known_hosts, id_ed25519...). */
export const labRun = (file: string) => join(LAB_RUN, file);
