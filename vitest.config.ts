import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Integration tests start real servers and worker processes; two cores do not
    // take more than a couple of files at once without timing noise.
    maxWorkers: 2,
    globalSetup: ['test/helpers/global-setup.ts'],
  },
});
