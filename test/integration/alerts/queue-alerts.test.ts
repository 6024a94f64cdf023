import { Redis } from 'ioredis';
import { afterEach, beforeAll, afterAll, describe, expect, it } from 'vitest';
import type { ApiServer } from '../../../api/create-api-server.js';
import { findConditions } from '../../../api/alert-conditions.js';
import type { Config } from '../../../shared/config.js';
import { queueKeyBase } from '../../../shared/queue-keys.js';
import {
  ALERT_PATH,
  alertConfig,
  alertSecret,
  eventOf,
  startAlertApi,
  verifiedEvent,
} from '../../helpers/alert-kit.js';
import { jsonCall } from '../../helpers/json-call.js';
import { startScriptedTarget, type ScriptedTarget } from '../../helpers/scripted-target.js';
import { deleteTestKeys, TEST_REDIS_URL } from '../../helpers/test-config.js';

describe('queue alerts', () => {
  const secret = alertSecret();
  const redis = new Redis(TEST_REDIS_URL);
  let target: ScriptedTarget;
  let config: Config | undefined;
  let api: ApiServer | undefined;

  beforeAll(async () => {
    target = await startScriptedTarget();
  });

  afterEach(async () => {
    await api?.close();
    if (config) await deleteTestKeys(config);
  });

  afterAll(async () => {
    await target.close();
    await redis.quit();
  });

  it('failure_rate: starts past the rate with enough executions in the window, ends below it', async () => {
    config = alertConfig(target.url, secret.text, { TASKREST_ALERT_WINDOW_SECONDS: '60' });
    const base = queueKeyBase(config);
    const now = Date.now();
    // Finished jobs as BullMQ keeps them: scored by when they finished. 5 of 25 is 20%, not past it.
    for (let i = 0; i < 20; i++) await redis.zadd(`${base}:completed`, now, `c${i}`);
    for (let i = 0; i < 5; i++) await redis.zadd(`${base}:failed`, now, `f${i}`);
    // One that finished before the window does not count.
    await redis.zadd(`${base}:failed`, now - 120_000, 'old');
    // The rate must pass the threshold, not reach it.
    expect(await findConditions(redis, config, config.alerts)).toEqual([]);
    await redis.zadd(`${base}:failed`, Date.now(), 'f5');
    expect(await findConditions(redis, config, config.alerts)).toMatchObject([
      { kind: 'failure_rate', subject: config.queueName },
    ]);
    ({ api } = await startAlertApi(config));
    const [started] = await target.waitFor(1, {
      path: ALERT_PATH,
      where: eventOf('alert.started', config.queueName),
    });
    const event = verifiedEvent(started!, secret.bytes);
    expect(event.alert.kind).toBe('failure_rate');
    expect(event.alert.details).toMatchObject({ failed: 6, completed: 20, window_seconds: 60 });
    await redis.del(`${base}:failed`);
    const [ended] = await target.waitFor(1, {
      path: ALERT_PATH,
      where: eventOf('alert.ended', config.queueName),
    });
    expect(verifiedEvent(ended!, secret.bytes).alert.id).toBe(event.alert.id);
  });

  it('oldest_waiting counts from when a job can have entered the wait list, not from when it was added', async () => {
    config = alertConfig(target.url, secret.text, { TASKREST_ALERT_WAITING_SECONDS: '60' });
    const base = queueKeyBase(config);
    const now = Date.now();
    const addedLongAgo = String(now - 3_600_000);
    // Handed back or parked and promoted: it ran a moment ago, it cannot have waited since it was added.
    await redis.hset(`${base}:1`, { timestamp: addedLongAgo, processedOn: now - 1000, delay: 0 });
    // A callback waits for its execution first: it waits in the list from when the execution finished.
    await redis.hset(`${base}:callback!2`, { timestamp: addedLongAgo, delay: 0 });
    await redis.hset(`${base}:2`, { timestamp: addedLongAgo, finishedOn: now - 1000 });
    await redis.lpush(`${base}:wait`, 'callback!2', '1');
    expect(await findConditions(redis, config, config.alerts, now)).toEqual([]);
    // One added long ago that never ran has waited since.
    await redis.hset(`${base}:3`, { timestamp: addedLongAgo, delay: 0 });
    await redis.zadd(`${base}:prioritized`, 1, '3');
    expect(await findConditions(redis, config, config.alerts, now)).toEqual([
      {
        kind: 'oldest_waiting',
        subject: config.queueName,
        details: {
          execution_id: '3',
          waiting_since: new Date(Number(addedLongAgo)).toISOString(),
          waiting_seconds: 3600,
        },
      },
    ]);
    // A paused queue's executions wait because an operator said so.
    await redis.hset(`${base}:meta`, 'paused', '1');
    expect(await findConditions(redis, config, config.alerts, now)).toEqual([]);
  });

  it('oldest_waiting: starts when an execution waits past the threshold, ends when it is gone', async () => {
    config = alertConfig(target.url, secret.text, { TASKREST_ALERT_WAITING_SECONDS: '0.3' });
    const started = await startAlertApi(config);
    api = started.api;
    // No worker: the execution waits.
    const enqueued = await jsonCall(started.url, 'POST', '/api/tasks', {
      url: `${target.url}/never`,
    });
    expect(enqueued.status).toBe(202);
    const [arrival] = await target.waitFor(1, {
      path: ALERT_PATH,
      where: eventOf('alert.started', config.queueName),
    });
    const event = verifiedEvent(arrival!, secret.bytes);
    expect(event.alert.kind).toBe('oldest_waiting');
    expect(event.alert.details.execution_id).toBe(String(enqueued.body.execution_id));
    expect(Number(event.alert.details.waiting_seconds)).toBeGreaterThanOrEqual(0.3);
    const listed = await jsonCall(started.url, 'GET', '/api/alerts');
    expect(listed.body.alerts).toEqual([event.alert]);
    const removed = await jsonCall(
      started.url,
      'DELETE',
      `/api/tasks/${enqueued.body.execution_id}`,
    );
    expect(removed.status).toBeLessThan(300);
    await target.waitFor(1, {
      path: ALERT_PATH,
      where: eventOf('alert.ended', config.queueName),
    });
    expect(target.arrivalsOf({ path: '/never' })).toHaveLength(0);
  });
});
