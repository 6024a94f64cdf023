import { basename } from 'node:path';
import { configDefaults, defineConfig } from 'vitest/config';

/**
 * Tests that measure rates at a target (requests per second through the
 * destinations' gate): their figures depend on the CPU the workers get, so
 * each runs alone, after the rest of the suite, rather than beside another
 * file that starts servers and processes on the same two cores.
 */
const MEASURED_ALONE = [
  'test/integration/destinations/destination-holds.test.ts',
  'test/integration/destinations/destination-limits.test.ts',
];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Integration tests start real servers and worker processes; two cores do not
    // take more than a couple of files at once without timing noise.
    maxWorkers: 2,
    globalSetup: ['test/helpers/global-setup.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'suite',
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...MEASURED_ALONE],
        },
      },
      ...MEASURED_ALONE.map((file, i) => ({
        extends: true as const,
        test: {
          name: basename(file, '.test.ts'),
          include: [file],
          sequence: { groupOrder: i + 1 },
        },
      })),
    ],
  },
});
