import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobLogWriter } from '../../worker/runtime/job-log-writer.js';
import { TEST_REDIS_URL } from '../helpers/test-config.js';

describe('JobLogWriter', () => {
  const redis = new Redis(TEST_REDIS_URL);
  const job = `{t-${randomUUID().slice(0, 8)}}:q:1`;
  const key = `${job}:logs`;
  beforeAll(async () => {
    await redis.hset(job, 'name', 'rest-task');
  });
  afterAll(async () => {
    await redis.del(key, job);
    redis.disconnect();
  });

  it('writes a quick execution’s lines at close, a long one’s while it runs, in order', async () => {
    const writer = new JobLogWriter(redis, job, undefined, 200);
    writer.add('one');
    writer.add('two');
    expect(await redis.lrange(key, 0, -1)).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(await redis.lrange(key, 0, -1)).toEqual(['one', 'two']);
    writer.add('three');
    await writer.close();
    expect(await redis.lrange(key, 0, -1)).toEqual(['one', 'two', 'three']);
  });

  it('writes nothing for lines kept elsewhere (a quick completed execution), unless some went live', async () => {
    await redis.del(key);
    const quick = new JobLogWriter(redis, job, undefined, 200);
    quick.add('one');
    await quick.close({ kept: true });
    expect(await redis.exists(key)).toBe(0);
    const long = new JobLogWriter(redis, job, undefined, 50);
    long.add('one');
    await new Promise((resolve) => setTimeout(resolve, 300));
    long.add('two');
    await long.close({ kept: true });
    expect(await redis.lrange(key, 0, -1)).toEqual(['one', 'two']);
  });

  it('keeps at most keepLogs lines', async () => {
    await redis.del(key);
    const writer = new JobLogWriter(redis, job, 2);
    for (const line of ['a', 'b', 'c']) writer.add(line);
    await writer.close();
    expect(await redis.lrange(key, 0, -1)).toEqual(['b', 'c']);
  });

  it('writes nothing once the job is gone (its queue removed while it ran)', async () => {
    await redis.del(key, job);
    const writer = new JobLogWriter(redis, job, undefined, 50);
    writer.add('one');
    await writer.close();
    expect(await redis.exists(key)).toBe(0);
  });
});
