import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Integration tests start sshd, demo apps and git repos: two cores, so two forks.
    pool: 'forks',
    maxWorkers: 2,
  },
});
