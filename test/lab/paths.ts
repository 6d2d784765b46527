import { join } from 'node:path';

// Which lab the tests talk to. `npm run lab:run` (run.sh) exports these for the lab it enters: the nspawn lab
// by default, lab v2 (the VM) with MVM_LAB=vm. Without them (a test run by hand in the netns): the nspawn lab.
export const LAB_RUN = process.env.MVM_LAB_RUN_DIR ?? join(import.meta.dirname, 'run');
export const LAB_NETNS = `/run/netns/${process.env.MVM_LAB_NETNS ?? 'mvmlab'}`;
/** The lab netns' end of the link to the hypervisor (nspawn's veth, or the VM's TAP). */
export const LAB_LINK = process.env.MVM_LAB_LINK ?? 've-mvmlab';

/** A file lab:up wrote into the run directory (inventory.yaml, ssh_config, known_hosts, id_ed25519...). */
export const labRun = (file: string) => join(LAB_RUN, file);
