import { existsSync } from 'node:fs';
import { redisAnswers } from '../../shared/redis-server-process.js';
import { CLI } from './run-cli.js';
import { TEST_REDIS_URL } from './test-config.js';

/** Fails the run early, with the fix, when what every integration test needs is missing. */
export default async function setup(): Promise<void> {
  if (!(await redisAnswers(TEST_REDIS_URL, 2000))) {
    throw new Error(
      `No Redis answers at ${TEST_REDIS_URL}: start redis-server (bash .ci/run does).`,
    );
  }
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run "npm run build" (npm test does).`);
}
