import { findProgram, lineFor, PREREQUISITES } from '../prerequisites.mjs';
import { freePort, redisAnswers, startRedisServer } from '../../shared/redis-server-process.js';
import { stopOnExit } from './run-exit.js';

/** What the run started for itself, to stop at its end. */
export interface RunService {
  stop(): Promise<void>;
}

/**
 * Makes sure the tests have a Redis. When nothing answers at `url` (REDIS_URL
 * or the default), starts a private redis-server on a free loopback port for
 * the run and sets REDIS_URL to it: the test workers, started after the
 * global setup, inherit the variable and every test file reads it.
 */
export async function redisForRun(
  url: string,
  say: (line: string) => void,
): Promise<RunService | undefined> {
  if (await redisAnswers(url, 2000)) return undefined;
  if (!findProgram('redis-server')) {
    throw new Error(
      `No Redis answers at ${url} (REDIS_URL), and ` +
        lineFor(PREREQUISITES.filter((p) => p.apt === 'redis-server')),
    );
  }
  const server = await startRedisServer({ port: await freePort() });
  const forget = stopOnExit(() => server.child.kill('SIGKILL'));
  process.env.REDIS_URL = server.url;
  say(
    `No Redis answered at ${url}: started a private redis-server at ${server.url} ` +
      `(pid ${server.child.pid}) for this run; it stops when the run ends.`,
  );
  return {
    async stop() {
      await server.stop();
      forget();
    },
  };
}
