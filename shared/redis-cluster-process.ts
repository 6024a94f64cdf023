import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort, startRedisServer, type RedisServerProcess } from './redis-server-process.js';

/** A Redis Cluster of masters on loopback, as child processes (for tests and the benchmark). */
export interface RedisClusterProcess {
  /** `redis://127.0.0.1:P` of each master, in the order `redis-cli --cluster create` got them. */
  readonly urls: readonly string[];
  readonly nodes: readonly RedisServerProcess[];
  /** Stops every node and removes their directory. */
  stop(): Promise<void>;
}

/**
 * Starts `masters` `redis-server --cluster-enabled yes` nodes on free ports,
 * each with its own nodes file in one temporary directory, joins them with
 * `redis-cli --cluster create … --cluster-replicas 0 --cluster-yes` (which
 * gives each master an equal range of slots, in the order given), and
 * resolves once every node reports `cluster_state:ok`.
 */
export async function startRedisCluster(masters = 3): Promise<RedisClusterProcess> {
  const dir = await mkdtemp(join(tmpdir(), 'taskrest-cluster-'));
  const nodes: RedisServerProcess[] = [];
  const stop = async () => {
    await Promise.all(nodes.map((node) => node.stop()));
    await rm(dir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < masters; i += 1) {
      const port = await freePort();
      nodes.push(
        await startRedisServer({
          port,
          args: [
            '--cluster-enabled',
            'yes',
            '--cluster-config-file',
            join(dir, `nodes-${port}.conf`),
            '--dir',
            dir,
            '--dbfilename',
            `dump-${port}.rdb`,
          ],
        }),
      );
    }
    await run('redis-cli', [
      '--cluster',
      'create',
      ...nodes.map((node) => `127.0.0.1:${node.port}`),
      '--cluster-replicas',
      '0',
      '--cluster-yes',
    ]);
    await Promise.all(nodes.map((node) => waitForClusterOk(node.url)));
  } catch (error) {
    await stop();
    throw error;
  }
  return { urls: nodes.map((node) => node.url), nodes, stop };
}

function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${command} exited ${code}:\n${output}`)),
    );
  });
}

async function waitForClusterOk(url: string, timeoutMs = 15_000): Promise<void> {
  const client = new Redis(url);
  try {
    const until = Date.now() + timeoutMs;
    while (!/cluster_state:ok/.test(await client.cluster('INFO'))) {
      if (Date.now() > until)
        throw new Error(`no cluster_state:ok at ${url} within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    client.disconnect();
  }
}
