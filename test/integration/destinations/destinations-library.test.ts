import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DestinationNotFoundError,
  ErrorCode,
  FlowKeyNotFoundError,
  InvalidDestinationError,
  InvalidFlowKeyError,
  TaskProducer,
  TaskrestError,
} from '../../../producer/index.js';
import { producerOptionsOf } from '../../../producer/task-producer-options.js';
import { DEST_FIELDS as F, subjectKeys } from '../../../shared/destinations/gate-keys.js';
import type { Config } from '../../../shared/config.js';
import { GateRedis } from '../../helpers/gate-redis.js';
import { runCli } from '../../helpers/run-cli.js';
import { deleteTestKeys, envOf, testConfig } from '../../helpers/test-config.js';

/** producer.destinations and producer.flowKeys, and the CLI over them, against the real Redis. */
describe('destinations and flow keys: the library and the CLI', () => {
  let config: Config;
  let producer: TaskProducer;
  let redis: GateRedis;

  beforeAll(() => {
    config = testConfig();
    producer = new TaskProducer(producerOptionsOf(config));
    redis = new GateRedis(config);
  });
  afterAll(async () => {
    await producer?.close();
    redis?.disconnect();
    await deleteTestKeys(config);
  });

  it('producer.destinations: set, pause, resume, close, reset, list, get', async () => {
    const { destinations } = producer;
    const origin = 'http://lib.example';
    await expect(destinations.get(origin)).rejects.toBeInstanceOf(DestinationNotFoundError);
    expect(
      await destinations.set(origin, { rate_limit: { max: 2, per_seconds: 0.5 } }),
    ).toMatchObject({
      origin: 'http://lib.example:80',
      rate_limit: { max: 2, per_seconds: 0.5 },
      paused: false,
    });
    expect((await destinations.pause(origin)).paused).toBe(true);
    expect((await destinations.resume(origin)).paused).toBe(false);
    await redis.hset(subjectKeys(config.prefix, 'dest', 'http://lib.example:80').state, {
      [F.circuit]: 'open',
      [F.failures]: 12,
    });
    expect(await destinations.get('http://lib.example:80')).toMatchObject({ circuit: 'open' });
    expect(await destinations.close(origin)).toMatchObject({
      circuit: 'closed',
      consecutive_failures: 0,
    });
    expect((await destinations.list()).map((d) => d.origin)).toEqual(['http://lib.example:80']);
    expect(await destinations.reset(origin)).toMatchObject({ rate_limit: null, paused: false });
    expect(await destinations.list()).toEqual([]);
  });

  it('producer.destinations refuses bad input with InvalidDestinationError (INVALID_DESTINATION)', async () => {
    const { destinations } = producer;
    const bad = await destinations.set('https://x.example/path').catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(InvalidDestinationError);
    expect(bad).toBeInstanceOf(TaskrestError);
    expect(bad).toMatchObject({
      code: ErrorCode.INVALID_DESTINATION,
      issues: [{ path: 'origin' }],
    });
    await expect(
      destinations.set('https://x.example', { max_concurrency: -1 }),
    ).rejects.toMatchObject({
      code: ErrorCode.INVALID_DESTINATION,
      issues: [{ path: 'max_concurrency', message: 'expected a whole number >= 1' }],
    });
    await expect(destinations.get('https://nowhere.example')).rejects.toMatchObject({
      code: ErrorCode.DESTINATION_NOT_FOUND,
    });
    expect(await redis.gateKeys()).toEqual([]);
  });

  it('producer.flowKeys: set, pause, resume, reset, list, get; bad input throws INVALID_FLOW_KEY', async () => {
    const { flowKeys } = producer;
    await expect(flowKeys.get('acme')).rejects.toBeInstanceOf(FlowKeyNotFoundError);
    expect(await flowKeys.set('acme', { max_concurrency: 3 })).toEqual({
      flow_key: 'acme',
      rate_limit: null,
      max_concurrency: 3,
      paused: false,
      in_flight: 0,
      held: 0,
    });
    expect((await flowKeys.pause('acme')).paused).toBe(true);
    expect((await flowKeys.resume('acme')).paused).toBe(false);
    expect((await flowKeys.list()).map((k) => k.flow_key)).toEqual(['acme']);
    expect(await flowKeys.reset('acme')).toMatchObject({ max_concurrency: null });
    expect(await flowKeys.list()).toEqual([]);
    await expect(flowKeys.set('')).rejects.toBeInstanceOf(InvalidFlowKeyError);
    await expect(flowKeys.set('k'.repeat(201))).rejects.toMatchObject({
      code: ErrorCode.INVALID_FLOW_KEY,
      issues: [{ path: 'flow_key' }],
    });
    await expect(
      flowKeys.set('acme', { rate_limit: { max: 1, per_seconds: 0 } }),
    ).rejects.toMatchObject({
      code: ErrorCode.INVALID_FLOW_KEY,
      issues: [{ path: 'rate_limit.per_seconds' }],
    });
    expect(await redis.gateKeys()).toEqual([]);
  });

  it('taskrest destinations set/pause/close/reset and the list, JSON out; a bad origin exits 2', async () => {
    const env = envOf(config);
    const set = await runCli(
      ['destinations', 'set', 'https://cli.example', '--rate', '5/1', '--concurrency', '2'],
      env,
    );
    expect(set).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(set.stdout)).toMatchObject({
      origin: 'https://cli.example:443',
      rate_limit: { max: 5, per_seconds: 1 },
      max_concurrency: 2,
    });
    const paused = await runCli(['destinations', 'pause', 'https://cli.example:443'], env);
    expect(JSON.parse(paused.stdout)).toMatchObject({ paused: true });
    const closed = await runCli(['destinations', 'close', 'https://cli.example'], env);
    expect(JSON.parse(closed.stdout)).toMatchObject({ circuit: 'closed', paused: true });
    const listed = await runCli(['destinations'], env);
    expect(JSON.parse(listed.stdout)).toMatchObject([{ origin: 'https://cli.example:443' }]);
    const reset = await runCli(['destinations', 'reset', 'https://cli.example'], env);
    expect(JSON.parse(reset.stdout)).toMatchObject({ rate_limit: null, paused: false });
    const bad = await runCli(['destinations', 'pause', 'https://cli.example/v1'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('origin');
    const badRate = await runCli(
      ['destinations', 'set', 'https://cli.example', '--rate', 'x'],
      env,
    );
    expect(badRate.code).toBe(2);
    expect((await runCli(['destinations', 'open', 'https://cli.example'], env)).code).toBe(2);
  });

  it('taskrest flow-keys set/rm and the list, JSON out; a bad key exits 2', async () => {
    const env = envOf(config);
    const set = await runCli(['flow-keys', 'set', 'cli-key', '--concurrency', '4'], env);
    expect(set.code).toBe(0);
    expect(JSON.parse(set.stdout)).toMatchObject({ flow_key: 'cli-key', max_concurrency: 4 });
    const listed = await runCli(['flow-keys'], env);
    expect(JSON.parse(listed.stdout)).toMatchObject([{ flow_key: 'cli-key' }]);
    const removed = await runCli(['flow-keys', 'rm', 'cli-key'], env);
    expect(JSON.parse(removed.stdout)).toMatchObject({
      flow_key: 'cli-key',
      max_concurrency: null,
    });
    expect(JSON.parse((await runCli(['flow-keys'], env)).stdout)).toEqual([]);
    const bad = await runCli(['flow-keys', 'set', 'k'.repeat(201), '--concurrency', '1'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('flow_key');
  });
});
