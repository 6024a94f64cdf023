import type { ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import type { Execution } from '../../../producer/index.js';
import { jobKey } from '../../../shared/task-queue.js';
import { eventually } from '../../helpers/eventually.js';
import { useFaultScene, type FaultScene } from '../../helpers/fault-scene.js';
import {
  startScriptedTarget,
  type Script,
  type ScriptedTarget,
} from '../../helpers/scripted-target.js';

/*
 * A callback's answer counts by its status code alone: its body is read up to
 * 64 KiB and kept that far, never read whole, never a failure. Real worker
 * processes, real receivers on loopback that answer far too much.
 */

const KiB = 1024;
const MiB = 1024 * KiB;
/** What a callback keeps of its receiver's answer. */
const KEPT = 64 * KiB;

const receivers: ScriptedTarget[] = [];
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});
async function receiver(reply: Script): Promise<ScriptedTarget> {
  const started = await startScriptedTarget({ reply });
  receivers.push(started);
  return started;
}

/** `n` bytes of text; with `announced`, a Content-Length says how many. */
function big(status: number, n: number, announced = true) {
  const body = Buffer.alloc(n, 'a');
  return { status, body, headers: announced ? { 'content-length': String(n) } : {} };
}

/** Sends 200 and a body that never ends, as fast as the reader takes it, until the connection closes. */
function endless(_arrival: unknown, res: ServerResponse): undefined {
  const chunk = Buffer.alloc(64 * KiB, 'z');
  res.writeHead(200, { 'content-type': 'text/plain' });
  const pump = () => {
    while (!res.destroyed && res.write(chunk));
  };
  res.on('drain', pump);
  pump();
  return undefined;
}

/** Waits until the callback execution of `executionId` ended; returns it. */
async function callbackOf(s: FaultScene, executionId: number | string): Promise<Execution> {
  return eventually(
    async () => {
      const execution = await s.producer.getExecution(`callback!${executionId}`);
      return execution && ['completed', 'failed'].includes(execution.state) ? execution : null;
    },
    `callback execution of ${executionId} ended`,
    { timeoutMs: 25_000, intervalMs: 100 },
  );
}

/** The size of the callback's return value as Redis holds it. */
async function storedBytes(s: FaultScene, executionId: number | string): Promise<number> {
  const redis = new Redis(s.config.redisUrl);
  try {
    const ref = { prefix: s.config.prefix, queueName: s.config.queueName };
    return await redis.hstrlen(jobKey(ref, `callback!${executionId}`), 'returnvalue');
  } finally {
    redis.disconnect();
  }
}

/** Enqueues an execution that completes at once, with a callback to `hook`. */
async function withCallback(s: FaultScene, hook: ScriptedTarget, name: string) {
  return s.producer.enqueue(
    { url: `${s.target.url}/hit/${name}` },
    { callback: `${hook.url}/hook` },
  );
}

describe("a callback receiver's large answer", () => {
  const s = useFaultScene();

  it('12 MB after a 200: the callback completed, delivered once, 64 KiB kept, the log says it was cut', async () => {
    const hook = await receiver(big(200, 12 * MiB));
    await s.worker();
    const { executionId } = await withCallback(s, hook, 'twelve');
    const callback = await callbackOf(s, executionId);
    // Before the fix: failed, "response body larger than 10485760 bytes", after it was delivered.
    expect(callback).toMatchObject({
      state: 'completed',
      output: { status: 'success', status_code: 200 },
    });
    expect(callback.output?.text?.length).toBe(KEPT);
    expect(/^a*$/.test(callback.output?.text ?? '')).toBe(true);
    expect(callback.output?.log).toContainEqual(
      expect.stringMatching(
        /response body cut at 65536 bytes: the rest is not read, its status is what counts$/,
      ),
    );
    expect(hook.arrivals).toHaveLength(1);
  });

  it('5 MB after a 200: Redis keeps at most 64 KiB of it as the callback output', async () => {
    const hook = await receiver(big(200, 5 * MiB, false));
    await s.worker();
    const { executionId } = await withCallback(s, hook, 'five');
    const callback = await callbackOf(s, executionId);
    expect(callback.state).toBe('completed');
    // Before the fix: the whole 5 MB were stored.
    expect(await storedBytes(s, executionId)).toBeLessThan(KEPT + 4 * KiB);
  });

  it('a body that never ends: the callback completes', async () => {
    const hook = await receiver(endless);
    await s.worker();
    const { executionId } = await withCallback(s, hook, 'endless');
    const callback = await callbackOf(s, executionId);
    // Before the fix: failed at the 10 MiB response limit.
    expect(callback).toMatchObject({ state: 'completed', output: { status_code: 200 } });
    expect(callback.output?.text).toHaveLength(KEPT);
  });

  it('a 200 whose body stalls: acknowledged by its status, the callback completes', async () => {
    const hook = await receiver((_arrival, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"received":');
      return undefined;
    });
    await s.worker({ TASKREST_CALLBACK_READ_TIMEOUT_SECONDS: '1' });
    const { executionId } = await withCallback(s, hook, 'stalled');
    const callback = await callbackOf(s, executionId);
    // Before the fix: no timeout at all, the callback never ended.
    expect(callback).toMatchObject({ state: 'completed', output: { status_code: 200 } });
    expect(callback.output?.text).toBe('{"received":');
    expect(callback.output?.log.join('\n')).toMatch(/response body cut at 12 bytes/);
    expect(hook.arrivals).toHaveLength(1);
  });

  it('a gzip answer is kept decoded, up to 64 KiB', async () => {
    const text = JSON.stringify({ items: Array.from({ length: 50_000 }, (_, i) => ({ i })) });
    const hook = await receiver({
      status: 200,
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: gzipSync(text),
    });
    await s.worker();
    const { executionId } = await withCallback(s, hook, 'gzip');
    const callback = await callbackOf(s, executionId);
    expect(callback.state).toBe('completed');
    // Compared by length and prefix: a failure message of 400 kB says nothing.
    const kept = callback.output?.text ?? '';
    expect(kept.length).toBe(KEPT);
    expect(text.startsWith(kept)).toBe(true);
  });

  it('a 500 with a 12 MB body is retried by its status, and the next 200 completes it', async () => {
    const hook = await receiver([big(500, 12 * MiB), 200]);
    await s.worker();
    const { executionId } = await withCallback(s, hook, 'retried');
    const callback = await callbackOf(s, executionId);
    // Before the fix: failed as too large, not retried.
    expect(callback).toMatchObject({ state: 'completed', output: { status_code: 200 } });
    expect(hook.arrivals).toHaveLength(2);
    expect(callback.output?.log.join('\n')).toMatch(/retry 1 in .* after HTTP 500/);
  });
});
