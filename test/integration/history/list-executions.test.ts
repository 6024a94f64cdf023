import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HistoryStore } from '../../../history/history-store.js';
import { openHistory } from '../../../history/open-history.js';
import { TaskProducer } from '../../../producer/task-producer.js';
import { ConfigError } from '../../../shared/errors/config-error.js';
import { InvalidOptionsError } from '../../../shared/errors/invalid-options-error.js';
import type { ExecutionFilter } from '../../../shared/history/execution-filter.js';
import type { ExecutionHistory } from '../../../shared/history/execution-history.js';
import type { ExecutionSummary } from '../../../shared/history/execution-record.js';
import { startApiHarness, type ApiHarness } from '../../helpers/api-harness.js';
import { finishExecutions } from '../../helpers/finished-executions.js';
import {
  freshPostgresDatabase,
  type TestHistoryDatabase,
} from '../../helpers/history-databases.js';
import { makeRecord } from '../../helpers/history-records.js';

async function all(iterable: AsyncIterable<ExecutionSummary>): Promise<ExecutionSummary[]> {
  const out: ExecutionSummary[] = [];
  for await (const execution of iterable) out.push(execution);
  return out;
}

/** The library's `listExecutions`: an async iterable across pages, its filter checked at once. */
describe('producer.listExecutions', () => {
  let h: ApiHarness;
  let ids: string[];
  let producer: TaskProducer;
  let database: TestHistoryDatabase;
  let store: HistoryStore;

  beforeAll(async () => {
    h = await startApiHarness();
    ids = await finishExecutions(h.url, { ok: 3, failing: 2 });
    producer = new TaskProducer({
      redisUrl: h.config.redisUrl,
      queue: h.config.queueName,
      prefix: h.config.prefix,
    });
    database = await freshPostgresDatabase();
    store = await openHistory(database.location);
  });

  afterAll(async () => {
    await producer.close();
    await store.close();
    await database.destroy();
    await h.close();
  });

  it('iterates what Redis holds across pages, newest first', async () => {
    const listed = await all(producer.listExecutions({ limit: 2 }));
    expect(listed.map((e) => String(e.execution_id))).toEqual([...ids].reverse());
    const failed = await all(producer.listExecutions({ state: 'failed', limit: 1 }));
    expect(failed.map((e) => String(e.execution_id))).toEqual(ids.slice(3).reverse());
  });

  it('reads the history it is given, a page per list call, following next_cursor', async () => {
    const now = Date.now();
    await store.write(
      Array.from({ length: 7 }, (_, i) =>
        makeRecord(now - i * 1000, { queue: 'lib-q', execution_id: i + 1 }),
      ),
    );
    const calls: unknown[] = [];
    const counting: ExecutionHistory = {
      source: 'history',
      list: (query) => {
        calls.push(query.cursor);
        return store.list(query);
      },
      runs: (queue, id) => store.runs(queue, id),
      stats: (query) => store.stats(query),
    };
    const withHistory = new TaskProducer({
      redisUrl: h.config.redisUrl,
      prefix: h.config.prefix,
      history: counting,
    });
    try {
      const listed = await all(withHistory.listExecutions({ queue: 'lib-q', limit: 2 }));
      expect(listed.map((e) => e.execution_id)).toEqual([1, 2, 3, 4, 5, 6, 7]);
      expect(calls).toHaveLength(4);
      expect(calls[0]).toBeUndefined();
      // Read lazily: breaking off after the first page asks no second one.
      calls.length = 0;
      for await (const _ of withHistory.listExecutions({ queue: 'lib-q', limit: 2 })) break;
      expect(calls).toHaveLength(1);
    } finally {
      await withHistory.close();
    }
  });

  it('refuses an unknown filter key with the closest name, before reading anything', () => {
    const call = () => producer.listExecutions({ stat: 'failed' } as ExecutionFilter);
    expect(call).toThrow(InvalidOptionsError);
    expect(call).toThrow(/stat.*did you mean state/);
    expect(() => producer.listExecutions({ status_code: 42 })).toThrow(/status_code/);
    expect(() => producer.listExecutions({ since: 'yesterday' })).toThrow(/since/);
  });

  it('refuses a history option that is none', () => {
    expect(() => new TaskProducer({ history: {} as ExecutionHistory })).toThrow(ConfigError);
  });
});
