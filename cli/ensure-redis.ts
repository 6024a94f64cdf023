import { execFileSync } from 'node:child_process';
import { redisAnswers, startRedisServer } from '../shared/redis-server-process.js';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/**
 * Makes sure a Redis answers at `url` for `taskrest dev`. When nothing does,
 * the address is loopback and `redis-server` is on PATH, starts a private
 * throwaway one listening exactly there (so other terminals' commands find
 * it). Returns how to stop what it started, or null when it could not help.
 */
export async function ensureRedis(
  url: string,
  say: (line: string) => void,
): Promise<{ stop(): Promise<void> } | null> {
  if (await redisAnswers(url)) return { stop: () => Promise.resolve() };
  const parsed = new URL(url);
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  if (!LOOPBACK.has(parsed.hostname) || !onPath('redis-server')) {
    say(
      `No Redis answers at ${url}. Start one (Debian/Ubuntu: apt-get install -y redis-server; ` +
        'or docker compose up redis), or point REDIS_URL at yours.',
    );
    return null;
  }
  const server = await startRedisServer({
    host: host === 'localhost' ? '127.0.0.1' : host,
    port: Number(parsed.port || 6379),
  });
  say(
    `No Redis answered at ${url}: started a private throwaway redis-server there (pid ${server.child.pid}); it stops when taskrest dev exits.`,
  );
  return server;
}

function onPath(command: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
