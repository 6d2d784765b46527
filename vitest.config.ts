import { defineConfig } from 'vitest/config';

// `unit` needs nothing but node; `lab` talks to the lab hypervisor (npm run lab:up first; run inside its
// network namespace by npm run test:lab, and the guard refuses anything else); `e2e` drives the built binary.
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['test/**/*.test.{ts,tsx}'], exclude: ['test/lab/**', 'test/e2e/**', 'node_modules/**'], environment: 'node' } },
      { test: { name: 'lab', include: ['test/lab/**/*.test.{ts,tsx}'], setupFiles: ['test/lab/netns-guard.ts'], testTimeout: 60_000, hookTimeout: 120_000, fileParallelism: false } },
      { test: { name: 'e2e', include: ['test/e2e/**/*.test.{ts,tsx}'], testTimeout: 60_000, hookTimeout: 60_000, fileParallelism: false } },
    ],
  },
});
