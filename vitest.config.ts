import { defineConfig } from 'vitest/config';

// One run covers unit, integration (real PostgreSQL + Redis, and PGlite) and end-to-end tests (real
// processes, real Chromium). Each test isolates itself (own database, own queue prefix), so files run in
// parallel on the two cores we have.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/support/setup-network.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    maxWorkers: 2,
    reporters: ['default'],
  },
});
