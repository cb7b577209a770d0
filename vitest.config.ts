import { defineConfig } from 'vitest/config';

// Tests that measure timing run last and alone: on this 2-core machine, another test file's
// child processes starting up would otherwise be measured as poll jitter.
const TIMING = ['test/edge/rtu-dead-device.test.ts'];

export default defineConfig({
  test: {
    // Integration tests start real services (InfluxDB, Mosquitto, PostgreSQL, socat, pymodbus):
    // generous timeouts, and at most two files at once on this 2-core machine.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
    reporters: ['default'],
    projects: [
      {
        extends: true,
        test: { name: 'main', include: ['test/**/*.test.ts'], exclude: TIMING, sequence: { groupOrder: 0 } },
      },
      {
        extends: true,
        test: { name: 'timing', include: TIMING, fileParallelism: false, sequence: { groupOrder: 1 } },
      },
    ],
  },
});
