import { existsSync } from 'node:fs';
import { CLI } from './run-cli.js';
import type { RunService } from './run-redis.js';
import { redisForRun } from './run-redis.js';
import { postgresForRun } from './run-postgres.js';
import { TEST_POSTGRES_URL, TEST_REDIS_URL, testPostgresDatabaseUrl } from './test-config.js';

const say = (line: string) => process.stdout.write(`${line}\n`);

/**
 * Gives the run what every integration test needs: a build, a Redis and a
 * PostgreSQL. What does not answer is started for the run (its address set
 * in the environment the test workers inherit) and stopped at the end, or
 * when the run is interrupted. Returns vitest's teardown.
 */
export default async function setup(): Promise<() => Promise<void>> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run "npm run build" (npm test does).`);
  const started: RunService[] = [];
  const teardown = async () => {
    for (const service of started.reverse()) await service.stop();
  };
  try {
    const redis = await redisForRun(TEST_REDIS_URL, say);
    if (redis) started.push(redis);
    const postgres = await postgresForRun(
      TEST_POSTGRES_URL,
      testPostgresDatabaseUrl('postgres'),
      say,
    );
    if (postgres) started.push(postgres);
  } catch (error) {
    await teardown();
    throw error;
  }
  return teardown;
}
