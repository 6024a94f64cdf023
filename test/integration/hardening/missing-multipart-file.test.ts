import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidScheduleError, InvalidTaskError } from '../../../producer/index.js';
import { filesKeyPrefix } from '../../../shared/files/files-store.js';
import type { TaskInput } from '../../../shared/task-schema.js';
import { startApiHarness, type ApiHarness } from '../../helpers/api-harness.js';
import { jsonCall } from '../../helpers/json-call.js';
import { runCli } from '../../helpers/run-cli.js';
import { eventually } from '../../helpers/eventually.js';
import { ownRedis } from '../../helpers/own-redis.js';
import { envOf } from '../../helpers/test-config.js';

const target = 'http://127.0.0.1:9/upload';

/** A multipart task whose second part names `file`. */
function uploadOf(file: string): TaskInput {
  return {
    url: target,
    method: 'post',
    multipart: {
      parts: [
        { name: 'title', value: 'Q3' },
        { name: 'report', file },
      ],
    },
  };
}

const MISSING = 'no file "x.pdf" in the files resource';

/** Rejected with what, or null when it resolved. */
async function refusal(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => null,
    (error: unknown) => error,
  );
}

/**
 * A multipart task that names a file the files resource does not hold is
 * refused when it is enqueued (library, API, CLI, bulk, schedules), naming
 * the part's field, and nothing is stored; a file that is there is looked
 * up in one Redis command per enqueue, and a task without file parts sends
 * none.
 */
describe('a multipart file that is not in the files resource', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    // No worker: what matters is what an enqueue stores.
    h = await startApiHarness({}, { worker: false });
    await h.api.producer.files.put('reports/q3.pdf', Buffer.from('%PDF-1.7 q3'));
  });
  afterAll(async () => {
    await h?.close();
  });

  const stored = async () => {
    const counts = await h.queue.getJobCounts();
    return Object.values(counts).reduce((sum, n) => sum + n, 0);
  };

  it('library enqueue: InvalidTaskError naming the part, nothing stored', async () => {
    const error = await refusal(h.api.producer.enqueue(uploadOf('x.pdf')));
    expect(error).toBeInstanceOf(InvalidTaskError);
    expect((error as InvalidTaskError).issues).toEqual([
      { path: 'multipart.parts.1.file', message: MISSING },
    ]);
    expect(await stored()).toBe(0);
  });

  it('library enqueueBulk: every missing file named by index, nothing stored', async () => {
    const error = await refusal(
      h.api.producer.enqueueBulk([
        uploadOf('reports/q3.pdf'),
        uploadOf('x.pdf'),
        { task: uploadOf('x.pdf'), priority: 1 },
      ]),
    );
    expect(error).toBeInstanceOf(InvalidTaskError);
    expect((error as InvalidTaskError).issues).toEqual([
      { path: '1.multipart.parts.1.file', message: MISSING },
      { path: '2.task.multipart.parts.1.file', message: MISSING },
    ]);
    expect(await stored()).toBe(0);
  });

  it('POST /api/tasks and /api/tasks/bulk: 400 naming the part, nothing stored', async () => {
    const single = await jsonCall(h.url, 'POST', '/api/tasks', uploadOf('x.pdf'));
    expect(single.status).toBe(400);
    expect(single.body).toEqual({
      error: 'invalid task',
      issues: [{ path: 'multipart.parts.1.file', message: MISSING }],
    });
    const bulk = await jsonCall(h.url, 'POST', '/api/tasks/bulk', [
      uploadOf('reports/q3.pdf'),
      uploadOf('x.pdf'),
    ]);
    expect(bulk.status).toBe(400);
    expect(bulk.body.issues).toEqual([{ path: '1.multipart.parts.1.file', message: MISSING }]);
    expect(await stored()).toBe(0);
  });

  it('taskrest enqueue: exit 2 naming the part on stderr, nothing stored', async () => {
    const result = await runCli(
      ['enqueue', '--json', JSON.stringify(uploadOf('x.pdf'))],
      envOf(h.config),
    );
    expect(result).toMatchObject({ code: 2, stdout: '' });
    expect(result.stderr).toBe(`invalid task:\n  multipart.parts.1.file: ${MISSING}\n`);
    expect(await stored()).toBe(0);
  });

  it('schedules.set and PUT /api/schedules: refused naming task.multipart…, nothing stored', async () => {
    const id = `${h.config.queueName}-upload`;
    const error = await refusal(
      h.api.producer.schedules.set(id, { everySeconds: 60, task: uploadOf('x.pdf') }),
    );
    expect(error).toBeInstanceOf(InvalidScheduleError);
    expect((error as InvalidScheduleError).issues).toEqual([
      { path: 'task.multipart.parts.1.file', message: MISSING },
    ]);
    const put = await jsonCall(h.url, 'PUT', `/api/schedules/${id}`, {
      every_seconds: 60,
      task: uploadOf('x.pdf'),
    });
    expect(put.status).toBe(400);
    expect(put.body.issues).toEqual([{ path: 'task.multipart.parts.1.file', message: MISSING }]);
    expect((await jsonCall(h.url, 'GET', `/api/schedules/${id}`)).status).toBe(404);
    expect(await stored()).toBe(0);
  });

  it('a file that is there is accepted, in one Redis command; a task without file parts sends none', async () => {
    // On a Redis of its own, monitored before any other client connects: a command that
    // reached Redis between MONITOR's answer and ioredis' switch into monitor mode would
    // arrive on the monitor connection as a reply to nothing (ioredis' "Command queue
    // state error"); with no other client yet, none can.
    const own = await ownRedis();
    const base = new Redis(own.url);
    const monitor = await base.monitor();
    const scene = await startApiHarness({ REDIS_URL: own.url }, { worker: false });
    try {
      const { producer } = scene.api;
      const index = `${filesKeyPrefix(scene.config)}index`;
      const lookups: string[][] = [];
      monitor.on('monitor', (_time: string, args: string[]) => {
        if (args.includes(index)) lookups.push(args);
      });
      await producer.files.put('reports/q3.pdf', Buffer.from('%PDF-1.7 q3'));
      // The monitor may tell of the put's own write a little later: counted from after it.
      await eventually(() => lookups.some((args) => args[0] === 'hset'), 'the put seen');
      lookups.length = 0;
      const plain = await producer.enqueue({ url: target, method: 'post', json: { a: 1 } });
      const upload = await producer.enqueue(uploadOf('reports/q3.pdf'));
      await producer.enqueueBulk([uploadOf('reports/q3.pdf'), uploadOf('reports/q3.pdf')]);
      await producer.schedules.set(`${scene.config.queueName}-ok`, {
        everySeconds: 60,
        task: uploadOf('reports/q3.pdf'),
      });
      // A command on a marker key, after the others: once MONITOR shows it, it showed them.
      const marker = `${scene.config.prefix}:monitor-marker`;
      const seen = new Promise<void>((resolve) =>
        monitor.on('monitor', (_time: string, args: string[]) => {
          if (args.includes(marker)) resolve();
        }),
      );
      await producer.files.size('reports/q3.pdf');
      await base.get(marker);
      await seen;
      expect(plain.state).toBe('waiting');
      expect(upload.state).toBe('waiting');
      // enqueue, enqueueBulk, schedules.set: one each; then the size read above.
      expect(lookups.map((args) => args[0]?.toLowerCase())).toEqual([
        'hmget',
        'hmget',
        'hmget',
        'hget',
      ]);
      expect(lookups[2]).toEqual(['hmget', index, 'reports/q3.pdf']);
    } finally {
      monitor.disconnect();
      base.disconnect();
      await scene.close();
      await own.destroy();
    }
  });
});
