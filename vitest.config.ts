import { defineConfig } from 'vitest/config';

// `unit` needs nothing but node; `parity` needs OpenSSH's sshd binary (openssh-server); `lab` talks to the lab
// hypervisor (npm run lab:up first; run inside its network namespace by npm run test:lab, and the guard refuses
// anything else); `e2e` drives the built binary.
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['test/**/*.test.{ts,tsx}'], exclude: ['test/lab/**', 'test/e2e/**', 'test/ssh/parity.test.ts', 'node_modules/**'], environment: 'node' } },
      // OpenSSH parity: a throwaway sshd on 127.0.0.1 and ~140 real connections, minutes on a busy machine
      { test: { name: 'parity', include: ['test/ssh/parity.test.ts'], testTimeout: 120_000, hookTimeout: 60_000 } },
      { test: { name: 'lab', include: ['test/lab/**/*.test.{ts,tsx}'], setupFiles: ['test/lab/netns-guard.ts'], testTimeout: 60_000, hookTimeout: 120_000, fileParallelism: false } },
      { test: { name: 'e2e', include: ['test/e2e/**/*.test.{ts,tsx}'], testTimeout: 60_000, hookTimeout: 60_000, fileParallelism: false } },
    ],
  },
});
