import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiHarness, type ApiHarness } from '../../helpers/api-harness.js';
import { jsonCall } from '../../helpers/json-call.js';
import { runCli } from '../../helpers/run-cli.js';
import { envOf } from '../../helpers/test-config.js';

const task = { url: 'http://127.0.0.1:9/never' };

/**
 * Durations BullMQ keeps in whole milliseconds: a finer value is refused,
 * never rounded (a rate window of 0.1 ms used to round to 0, BullMQ's "no
 * limit"), and a schedule runs at most once a second.
 */
describe('no duration is rounded silently', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startApiHarness({}, { worker: false });
  });
  afterAll(async () => {
    await h?.close();
  });
  const call = (method: string, path: string, body?: unknown) =>
    jsonCall(h.url, method, path, body, null);

  it.each([0.0001, 0.0015, 0])(
    'PUT /api/queues: rate_limit.per_seconds %s is 400, and the queue keeps no limit',
    async (perSeconds) => {
      const name = `${h.config.queueName}-rate`;
      const answer = await call('PUT', `/api/queues/${name}`, {
        rate_limit: { max: 1, per_seconds: perSeconds },
      });
      expect(answer.status).toBe(400);
      expect(answer.body.issues[0].path).toBe('rate_limit.per_seconds');
      expect((await call('GET', `/api/queues/${name}`)).status).toBe(404);
    },
  );

  it('PUT /api/queues: the shortest window, 1 ms, is kept as given', async () => {
    const name = `${h.config.queueName}-ms`;
    const answer = await call('PUT', `/api/queues/${name}`, {
      rate_limit: { max: 1, per_seconds: 0.001 },
    });
    expect(answer).toMatchObject({
      status: 200,
      body: { rate_limit: { max: 1, per_seconds: 0.001 } },
    });
    await h.api.producer.queues.remove(name, { force: true });
  });

  it.each([0.001, 0.0001, 0.5, 1.0005])(
    'PUT /api/schedules: every_seconds %s is 400, nothing stored',
    async (every) => {
      const id = `${h.config.queueName}-flood`;
      const answer = await call('PUT', `/api/schedules/${id}`, { task, every_seconds: every });
      expect(answer.status).toBe(400);
      expect(answer.body.issues[0].path).toBe('every_seconds');
      expect((await call('GET', `/api/schedules/${id}`)).status).toBe(404);
    },
  );

  it('the CLI refuses the same values with exit 2, naming the field', async () => {
    const env = envOf(h.config);
    const rate = await runCli(
      ['queues', 'set', `${h.config.queueName}-c`, '--rate', '1/0.0001'],
      env,
    );
    expect(rate.code).toBe(2);
    expect(rate.stderr).toMatch(/per_seconds/);
    const every = await runCli(
      [
        'schedules',
        'set',
        `${h.config.queueName}-c`,
        '--every',
        '0.0001',
        '--json',
        JSON.stringify(task),
      ],
      env,
    );
    expect(every.code).toBe(2);
    expect(every.stderr).toMatch(/every_seconds|--every/);
  });
});
