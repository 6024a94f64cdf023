import { startRedisCluster } from '../../shared/redis-cluster-process.js';

/** A Redis Cluster of masters on loopback, owned by one test. */
export interface OwnRedisCluster {
  /** `redis://127.0.0.1:P` of each node. */
  readonly urls: readonly string[];
  destroy(): Promise<void>;
}

/** Starts a cluster of `masters` masters (shared/redis-cluster-process.ts) for one test. */
export async function ownRedisCluster(masters = 3): Promise<OwnRedisCluster> {
  const cluster = await startRedisCluster(masters);
  return { urls: cluster.urls, destroy: () => cluster.stop() };
}
