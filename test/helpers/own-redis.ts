import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRedisServer, type RedisServerProcess } from '../../shared/redis-server-process.js';
import { freePort } from './free-port.js';

/** A redis-server owned by one test, with AOF in a directory of its own. */
export interface OwnRedis {
  readonly url: string;
  readonly port: number;
  /** Stops the server: SIGTERM (AOF flushed), or SIGKILL (a crash). */
  stop(signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
  /** Freezes the server (SIGSTOP): connections stay open, nothing answers. */
  freeze(): void;
  /** Lets a frozen server run on (SIGCONT); nothing when it is not running. */
  thaw(): void;
  /** Starts it again on the same port and directory (it replays its AOF). */
  start(): Promise<void>;
  /** Stops it and deletes its directory. */
  destroy(): Promise<void>;
}

/**
 * Starts a private redis-server on a free loopback port, `--appendonly yes
 * --appendfsync always` in a temporary directory, so that a restart (even a
 * SIGKILL) keeps every acknowledged write. With `running: false` only the
 * port is chosen: the test starts it later (Redis down at start).
 */
export async function ownRedis({ running = true } = {}): Promise<OwnRedis> {
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'taskrest-redis-'));
  const args = ['--appendonly', 'yes', '--appendfsync', 'always', '--dir', dir];
  let server: RedisServerProcess | undefined;
  const stop = async (signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM') => {
    const current = server;
    server = undefined;
    if (!current) return;
    // A frozen server would never see the SIGTERM.
    current.child.kill('SIGCONT');
    if (signal === 'SIGTERM') return current.stop();
    const exited = new Promise((resolve) => current.child.once('exit', resolve));
    current.child.kill('SIGKILL');
    await exited;
  };
  const start = async () => {
    server ??= await startRedisServer({ port, args });
  };
  if (running) await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop,
    start,
    freeze: () => {
      if (!server) throw new Error('own redis-server is not running');
      server.child.kill('SIGSTOP');
    },
    thaw: () => server?.child.kill('SIGCONT'),
    async destroy() {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
