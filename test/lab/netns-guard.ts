import { statSync } from 'node:fs';
import { LAB_NETNS } from './paths.js';

// Lab tests dial 192.168.77.2 and 10.X.0.2. Outside the lab's network namespace those addresses would go
// out through the machine's default route, so refuse to run there. Importing this module is the check;
// it also works as a vitest setupFile for the lab project.
export { LAB_NETNS };

export function inLabNetns(): boolean {
  try {
    return statSync('/proc/self/ns/net').ino === statSync(LAB_NETNS).ino;
  } catch {
    return false;
  }
}

if (!inLabNetns()) {
  throw new Error('lab tests must run inside the lab network namespace: npm run lab:up, then npm run test:lab (or npm run lab:run -- npx vitest run --project lab)');
}
