import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { CallbackBody } from '../../shared/callback.js';
import { TaskProducer } from '../../producer/task-producer.js';
import { producerOptionsOf } from '../../producer/task-producer-options.js';
import { loadConfig } from '../../shared/config.js';
import { eventually } from '../helpers/eventually.js';
import { useFaultScene } from '../helpers/fault-scene.js';
import {
  startScriptedTarget,
  type Arrival,
  type Script,
  type ScriptedTarget,
} from '../helpers/scripted-target.js';
import { envOf } from '../helpers/test-config.js';
import { dumpRedis } from '../helpers/dump-redis.js';

/*
 * Callbacks end to end: real Redis, real `taskrest worker` processes, real
 * receivers on loopback. Signatures are checked here with node:crypto, as a
 * receiver would, never with taskrest's own signing code.
 */

const secret = () => `whsec_${randomBytes(32).toString('base64')}`;
const SECRET_A = secret();
const SECRET_B = secret();

/** The `v1,` signatures of a delivery, in header order. */
function signaturesOf(delivery: Arrival): string[] {
  return String(delivery.headers['webhook-signature'] ?? '')
    .split(' ')
    .filter(Boolean);
}

/** True when `signature` is `v1,` + base64 HMAC-SHA256 of `id.timestamp.body` under the secret's bytes. */
function signedWith(delivery: Arrival, whsec: string, signature: string): boolean {
  const key = Buffer.from(whsec.slice('whsec_'.length), 'base64');
  const id = String(delivery.headers['webhook-id']);
  const timestamp = String(delivery.headers['webhook-timestamp']);
  const expected = Buffer.from(
    `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${delivery.body}`).digest('base64')}`,
  );
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

const receivers: ScriptedTarget[] = [];
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});
/** A receiver answering by `reply` (200 `{}` without), closed after the test. */
async function receiver(reply?: Script): Promise<ScriptedTarget> {
  const started = await startScriptedTarget({ reply });
  receivers.push(started);
  return started;
}

describe('an execution enqueued with a callback', () => {
  const s = useFaultScene({ TASKREST_CALLBACK_SECRETS: SECRET_A });

  /** Waits until the callback execution of `executionId` ended; returns both records. */
  async function bothEnded(executionId: number | string) {
    const original = await s.producer.getExecution(executionId);
    const callbackId = original?.callback_execution_id;
    expect(callbackId).toBe(`callback!${executionId}`);
    const callback = await eventually(
      async () => {
        const execution = await s.producer.getExecution(callbackId!);
        return execution && ['completed', 'failed'].includes(execution.state) ? execution : null;
      },
      `callback execution ${String(callbackId)} ended`,
    );
    return { original: (await s.producer.getExecution(executionId))!, callback };
  }

  it('POSTs the signed result of a completed execution; the callback is an execution of its own', async () => {
    const hook = await receiver();
    await s.worker();
    const { executionId } = await s.producer.enqueue(
      { url: `${s.target.url}/hit/done` },
      { callback: `${hook.url}/hook?source=test` },
    );
    const [delivery] = await hook.waitFor(1);
    const body = JSON.parse(delivery!.body) as CallbackBody;
    expect(body).toMatchObject({
      execution_id: executionId,
      queue: s.config.queueName,
      state: 'completed',
      output: {
        execution_id: executionId,
        status: 'success',
        status_code: 200,
        json: { id: 'done' },
      },
    });
    expect(Object.keys(body).sort()).toEqual(['execution_id', 'output', 'queue', 'state']);
    expect(delivery!.headers['content-type']).toMatch(/^application\/json/);
    expect(delivery!.headers['webhook-id']).toBe(`${s.config.queueName}/callback!${executionId}`);
    const timestamp = Number(delivery!.headers['webhook-timestamp']);
    expect(Math.abs(timestamp - Date.now() / 1000)).toBeLessThan(60);
    const signatures = signaturesOf(delivery!);
    expect(signatures).toHaveLength(1);
    expect(signedWith(delivery!, SECRET_A, signatures[0]!)).toBe(true);
    // Tampering is caught by the same check.
    expect(signedWith({ ...delivery!, body: `${delivery!.body} ` }, SECRET_A, signatures[0]!)).toBe(
      false,
    );

    const { original, callback } = await bothEnded(executionId);
    expect(original).toMatchObject({ state: 'completed', output: { status: 'success' } });
    expect(callback).toMatchObject({
      execution_id: `callback!${executionId}`,
      queue: s.config.queueName,
      state: 'completed',
      output: { status: 'success', status_code: 200 },
    });
    expect(callback.output?.log.join('\n')).toMatch(/POST http:\/\/127\.0\.0\.1:\d+\/hook/);
    // The secret is nowhere in what Redis holds of the callback.
    const job = await s.queue.getJob(`callback!${executionId}`);
    const logs = await s.queue.getJobLogs(`callback!${executionId}`);
    const stored = JSON.stringify([job?.data, job?.returnvalue, logs]);
    expect(stored).not.toContain(SECRET_A.slice(6));
    expect(stored).not.toContain(signaturesOf(delivery!)[0]!.slice(3));
  });

  it('POSTs the result of a failed execution, its output included, once its retries are over', async () => {
    const hook = await receiver();
    await s.worker();
    const { executionId } = await s.producer.enqueue(
      // 200 is not expected here: the execution ends with status error.
      { url: `${s.target.url}/hit/unexpected`, expected_status_code: [201] },
      { callback: `${hook.url}/hook` },
    );
    const [delivery] = await hook.waitFor(1);
    expect(JSON.parse(delivery!.body)).toMatchObject({
      execution_id: executionId,
      queue: s.config.queueName,
      state: 'failed',
      output: { execution_id: executionId, status: 'error', status_code: 200 },
    });
    expect(signedWith(delivery!, SECRET_A, signaturesOf(delivery!)[0]!)).toBe(true);
    const { original, callback } = await bothEnded(executionId);
    expect(original.state).toBe('failed');
    expect(callback.state).toBe('completed');
  });

  it('signs with every secret during a rotation: one valid v1 signature per secret, the first first', async () => {
    const hook = await receiver();
    await s.worker({ TASKREST_CALLBACK_SECRETS: `${SECRET_B}, ${SECRET_A}` });
    await s.producer.enqueue({ url: `${s.target.url}/hit/rotated` }, { callback: hook.url });
    const [delivery] = await hook.waitFor(1);
    const [first, second, ...more] = signaturesOf(delivery!);
    expect(more).toEqual([]);
    expect(signedWith(delivery!, SECRET_B, first!)).toBe(true);
    expect(signedWith(delivery!, SECRET_A, second!)).toBe(true);
    expect(signedWith(delivery!, SECRET_A, first!)).toBe(false);
  });

  it('redelivers after a 503 with the same webhook-id; the callback execution then completes', async () => {
    const hook = await receiver([503, 200]);
    await s.worker();
    const { executionId } = await s.producer.enqueue(
      { url: `${s.target.url}/hit/retried` },
      { callback: `${hook.url}/hook` },
    );
    const [first, second] = await hook.waitFor(2);
    expect(second!.headers['webhook-id']).toBe(first!.headers['webhook-id']);
    expect(second!.body).toBe(first!.body);
    // Each attempt is signed anew, over its own timestamp.
    for (const delivery of [first!, second!]) {
      expect(signedWith(delivery, SECRET_A, signaturesOf(delivery)[0]!)).toBe(true);
    }
    const { callback } = await bothEnded(executionId);
    expect(callback).toMatchObject({ state: 'completed', output: { status_code: 200 } });
    expect(callback.output?.log.join('\n')).toMatch(/retry 1 in .* after HTTP 503/);
    expect(hook.arrivals).toHaveLength(2);
  });

  it('calls back once when its execution parks for a retry and completes later (a park is not an end)', async () => {
    const hook = await receiver();
    const flaky = await receiver([503, 200]);
    await s.worker({ TASKREST_INLINE_RETRY_SECONDS: '0.2' });
    const { executionId } = await s.producer.enqueue(
      { url: `${flaky.url}/flaky`, retry_backoff: { initial: 1, maximum: 1, deadline: 60 } },
      { callback: hook.url },
    );
    const [delivery] = await hook.waitFor(1);
    expect(flaky.arrivals).toHaveLength(2);
    expect(JSON.parse(delivery!.body)).toMatchObject({
      state: 'completed',
      output: {
        status: 'success',
        log: expect.arrayContaining([expect.stringMatching(/retry 1/)]),
      },
    });
    const { original } = await bothEnded(executionId);
    expect(original.state).toBe('completed');
    expect(hook.arrivals).toHaveLength(1);
  });

  it('with the same idempotency key twice: one execution and one callback', async () => {
    const hook = await receiver();
    const task = { url: `${s.target.url}/hit/once` };
    const options = { jobId: 'order-17', callback: hook.url };
    const first = await s.producer.enqueue(task, options);
    const again = await s.producer.enqueue(task, options);
    expect(again).toEqual({ ...first, duplicate: true });
    await s.worker();
    await hook.waitFor(1);
    await bothEnded('order-17');
    // Both jobs of the pair ended and nothing else is queued: no second callback can come.
    expect(await s.queue.getJobCounts()).toMatchObject({
      completed: 2,
      waiting: 0,
      delayed: 0,
      prioritized: 0,
      'waiting-children': 0,
      active: 0,
      failed: 0,
    });
    // And a repeat after the end finds the finished execution, nothing new.
    expect(await s.producer.enqueue(task, options)).toMatchObject({ duplicate: true });
    expect(await s.queue.getJobCounts('waiting', 'waiting-children')).toEqual({
      waiting: 0,
      'waiting-children': 0,
    });
    expect(s.target.counts.get('once')).toBe(1);
    expect(hook.arrivals).toHaveLength(1);
  });

  /** A producer on the scene's queue with `env` over its configuration; closed after the test. */
  function producerWith(env: Record<string, string>): TaskProducer {
    const producer = new TaskProducer(
      producerOptionsOf(loadConfig({ ...envOf(s.config), ...env })),
    );
    producers.push(producer);
    return producer;
  }
  const producers: TaskProducer[] = [];
  afterEach(async () => {
    await Promise.all(producers.splice(0).map((p) => p.close()));
  });

  it('carries the output even when retention removes the execution as it completes', async () => {
    const hook = await receiver();
    // Retention is the worker's: it removes the execution as it completes.
    const producer = producerWith({});
    await s.worker({ TASKREST_KEEP_COMPLETED_COUNT: '0' });
    const { executionId } = await producer.enqueue(
      { url: `${s.target.url}/hit/removed` },
      { callback: hook.url },
    );
    const [delivery] = await hook.waitFor(1);
    expect(JSON.parse(delivery!.body)).toMatchObject({
      execution_id: executionId,
      state: 'completed',
      output: { status: 'success', status_code: 200 },
    });
    // The execution itself is gone, as its retention says.
    expect(await producer.getExecution(executionId)).toBeNull();
  });

  it('keeps a credential in the callback URL sealed at rest, and the signing secret out of Redis', async () => {
    const hook = await receiver();
    const key = { TASKREST_SECRET_KEY: randomBytes(32).toString('hex') };
    const producer = producerWith(key);
    await s.worker(key);
    const token = `tok-${randomBytes(8).toString('hex')}`;
    const { executionId } = await producer.enqueue(
      { url: `${s.target.url}/hit/sealed` },
      { callback: `${hook.url}/hook?access_token=${token}` },
    );
    const [delivery] = await hook.waitFor(1);
    expect(signedWith(delivery!, SECRET_A, signaturesOf(delivery!)[0]!)).toBe(true);
    await bothEnded(executionId);
    const dump = await dumpRedis(s.config);
    expect(dump).toContain(`callback!${String(executionId)}`);
    expect(dump).not.toContain(token);
    expect(dump).not.toContain(SECRET_A.slice('whsec_'.length));
    expect(dump).not.toContain(signaturesOf(delivery!)[0]!.slice(3));
  });

  it('refuses a callback to a denied address like any task: the callback execution fails, nothing is sent', async () => {
    const hook = await receiver();
    await s.worker({ TASKREST_OUTBOUND_DENY_HOSTS: 'denied.localhost' });
    const { executionId } = await s.producer.enqueue(
      { url: `${s.target.url}/hit/denied-callback` },
      { callback: `http://denied.localhost:${hook.port}/hook` },
    );
    const { original, callback } = await bothEnded(executionId);
    expect(original.state).toBe('completed');
    expect(callback).toMatchObject({
      state: 'failed',
      output: { status: 'error', message: expect.stringMatching(/denied/i) },
    });
    expect(hook.arrivals).toHaveLength(0);
  });

  it('enqueueBulk takes a callback per task, beside bare tasks', async () => {
    const hook = await receiver();
    await s.worker();
    const [withCallback, bare] = await s.producer.enqueueBulk([
      { task: { url: `${s.target.url}/hit/bulk-a` }, callback: hook.url },
      { url: `${s.target.url}/hit/bulk-b` },
    ]);
    const [delivery] = await hook.waitFor(1);
    expect(JSON.parse(delivery!.body)).toMatchObject({
      execution_id: withCallback!.executionId,
      state: 'completed',
    });
    await bothEnded(withCallback!.executionId);
    const other = await eventually(async () => {
      const execution = await s.producer.getExecution(bare!.executionId);
      return execution?.state === 'completed' ? execution : null;
    }, 'the bare task completed');
    expect(other.callback_execution_id).toBeUndefined();
    expect(hook.arrivals).toHaveLength(1);
  });

  it('refuses a callback that is not an http(s) URL at enqueue, naming it; nothing is stored', async () => {
    await expect(
      s.producer.enqueue({ url: `${s.target.url}/hit/never` }, { callback: 'ftp://example.com/' }),
    ).rejects.toMatchObject({
      code: 'INVALID_TASK',
      issues: [{ path: 'callback', message: expect.stringMatching(/http/) }],
    });
    expect(await s.queue.count()).toBe(0);
  });
});
