import type { ServerResponse } from 'node:http';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApiServer, type ApiServer } from '../../../api/create-api-server.js';
import type { TaskProducer } from '../../../producer/task-producer.js';
import { NotFailedError } from '../../../shared/errors/index.js';
import { createLogger } from '../../../shared/logger.js';
import { jobKey } from '../../../shared/task-queue.js';
import { eventually } from '../../helpers/eventually.js';
import { useFaultScene } from '../../helpers/fault-scene.js';
import { jsonCall } from '../../helpers/json-call.js';
import { startScriptedTarget, type ScriptedTarget } from '../../helpers/scripted-target.js';

/** Failed executions each race is run over. */
const EXECUTIONS = 50;
/** Bulk replays of the queue sent at once. */
const BULK_REPLAYS = 10;
/** Replays of one execution sent at once (for each of the executions). */
const SINGLE_REPLAYS = 5;
/** Each race is repeated this often (every round replays every failed execution again). */
const ROUNDS = 3;

/**
 * Holds the target's answers while a race is being started. A replayed
 * execution that reaches the target waits here until every replay of it in
 * the race has started (has read what it replays), then fails at once: so
 * every replay of a race means the same failure, and the execution fails
 * again while the slower replays are still at work, which is when replays
 * that check and move in separate steps run it twice.
 */
class Gate {
  readonly #closed = new Set<string>();
  readonly #held = new Map<string, ServerResponse[]>();

  /** The target's reply to a request for `path`: a failure now, or once its gate opens. */
  reply(path: string, res: ServerResponse): { status: number; body: object } | undefined {
    if (!this.#closed.has(path)) return { status: 418, body: { no: 'tea' } };
    this.#held.set(path, [...(this.#held.get(path) ?? []), res]);
    return undefined;
  }

  close(paths: readonly string[]): void {
    for (const path of paths) this.#closed.add(path);
  }

  open(paths: readonly string[]): void {
    for (const path of paths) {
      this.#closed.delete(path);
      for (const res of this.#held.get(path) ?? []) {
        res.writeHead(418, { 'content-type': 'application/json' }).end('{"no":"tea"}');
      }
      this.#held.delete(path);
    }
  }
}

/**
 * Replays that race: however many replays of one failure arrive together,
 * the execution runs again exactly once, the replays' counts add up to the
 * executions that failed, none answers 500, and the output of the run that
 * follows is never erased by a replay that lost. A real worker process runs
 * the executions against a target that fails every request and counts the
 * arrivals of each execution.
 */
describe('replays that race run each failed execution again exactly once', () => {
  const s = useFaultScene();
  let api: ApiServer;
  let url: string;
  let target: ScriptedTarget;
  const gate = new Gate();
  /**
   * The race being started: for each execution id (`*` for bulk replays),
   * how many of its replays have yet to start, and what to do once none has.
   */
  const starting = new Map<string, { left: number; allStarted: () => void }>();

  /** Counts each replay call of `producer` as it starts. */
  function countStarts(producer: TaskProducer): void {
    const retry = producer.retry.bind(producer);
    const retryFailed = producer.retryFailed.bind(producer);
    const started = (key: string) => {
      const race = starting.get(key);
      if (race && --race.left === 0) race.allStarted();
    };
    producer.retry = (executionId, ...rest) => {
      started(String(executionId));
      return retry(executionId, ...rest);
    };
    producer.retryFailed = (...args) => {
      started('*');
      return retryFailed(...args);
    };
  }

  beforeEach(async () => {
    target = await startScriptedTarget({ reply: (arrival, res) => gate.reply(arrival.path, res) });
    api = await createApiServer(s.config, createLogger(s.config));
    url = await api.listen({ host: '127.0.0.1', port: 0 });
    countStarts(api.producer);
    countStarts(s.producer);
    await s.worker();
  });
  afterEach(async () => {
    gate.open(paths);
    await api.close();
    await target.close();
  });

  const call = (method: string, path: string, body?: unknown) => jsonCall(url, method, path, body);
  const paths = Array.from({ length: EXECUTIONS }, (_, i) => `/run/${i}`);
  const arrivalsPerPath = () => paths.map((path) => target.arrivalsOf({ path }).length);

  /**
   * Starts replays at once (`start` sends them) and answers what they
   * answered. `replays` names, per execution id (`*` for bulk replays), how
   * many there are and the paths their executions run on: those executions
   * are held at the target until all of that id's replays have started. A
   * replay reads what it replays in the tick it starts.
   */
  async function race<T>(
    replays: Map<string, { count: number; paths: string[] }>,
    start: () => Promise<T>[],
  ): Promise<T[]> {
    const opened: Promise<void>[] = [];
    for (const [key, { count, paths: held }] of replays) {
      gate.close(held);
      opened.push(
        new Promise<void>((resolve) => {
          starting.set(key, { left: count, allStarted: resolve });
        }).then(async () => {
          await new Promise((resolve) => setImmediate(resolve));
          gate.open(held);
        }),
      );
    }
    const answers = await Promise.all(start());
    await Promise.all(opened);
    starting.clear();
    return answers;
  }

  /** The replays of a bulk race: `count` of them, every execution held. */
  const bulk = (count: number) => new Map([['*', { count, paths }]]);
  /** The replays of a race of single replays: SINGLE_REPLAYS of each id, its execution held. */
  const singles = (ids: string[]) =>
    new Map(ids.map((id, i) => [id, { count: SINGLE_REPLAYS, paths: [paths[i]!] }]));

  /** Waits until every execution failed and nothing is left to run. */
  async function allFailed(): Promise<void> {
    await eventually(
      async () => {
        const c = await s.queue.getJobCounts('failed', 'waiting', 'active', 'prioritized');
        const left = (c.waiting ?? 0) + (c.active ?? 0) + (c.prioritized ?? 0);
        return c.failed === EXECUTIONS && left === 0 && c;
      },
      (c) => `${EXECUTIONS} executions failed, none left to run (${JSON.stringify(c)})`,
      { timeoutMs: 30_000 },
    );
  }

  /** Enqueues the executions, one per path, and waits until each failed once. */
  async function failedExecutions(): Promise<string[]> {
    const enqueued = await s.producer.enqueueBulk(
      paths.map((path) => ({ url: target.url + path })),
    );
    await target.waitFor(EXECUTIONS, { prefix: '/run/', timeoutMs: 30_000 });
    await allFailed();
    return enqueued.map((e) => String(e.executionId));
  }

  /**
   * After a round: what went wrong in it (empty when nothing did): the
   * `answerIssues` the caller found, executions that did not run exactly once
   * more, and failed outputs a losing replay erased (made from the reason
   * alone, without the 418).
   */
  async function roundIssues(
    round: number,
    before: number[],
    answerIssues: string[],
    ids: string[],
  ): Promise<string[]> {
    await allFailed();
    const issues = [...answerIssues];
    const runs = arrivalsPerPath().map((n, i) => n - before[i]!);
    issues.push(...runs.flatMap((n, i) => (n === 1 ? [] : [`${paths[i]} ran ${n} times`])));
    for (const id of ids) {
      const output = (await s.producer.getExecution(id))?.output;
      if (output?.status_code !== 418) issues.push(`the output of ${id} was erased`);
    }
    return issues.map((issue) => `round ${round}: ${issue}`);
  }

  /** What is wrong with the outcomes of the replays of each id: one 200, the others 409. */
  function singleIssues(ids: string[], outcomes: (number | string)[]): string[] {
    const wanted = String([200, ...Array<number>(SINGLE_REPLAYS - 1).fill(409)]);
    return ids.flatMap((id, i) => {
      const mine = outcomes.slice(i * SINGLE_REPLAYS, (i + 1) * SINGLE_REPLAYS).map(String);
      return String(mine.sort()) === wanted ? [] : [`${id} answered ${String(mine)}`];
    });
  }

  /** Every id `SINGLE_REPLAYS` times, in order. */
  const eachTimes = (ids: string[]) => ids.flatMap((id) => Array<string>(SINGLE_REPLAYS).fill(id));

  it(`POST /api/queues/:queue/retry ${BULK_REPLAYS} times at once: each of ${EXECUTIONS} failed executions runs once more, the counts add up to ${EXECUTIONS}, no 500`, async () => {
    const ids = await failedExecutions();
    const issues: string[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const before = arrivalsPerPath();
      const answers = await race(bulk(BULK_REPLAYS), () =>
        Array.from({ length: BULK_REPLAYS }, () =>
          call('POST', `/api/queues/${s.config.queueName}/retry`, { state: 'failed' }),
        ),
      );
      const wrong = answers.filter((a) => a.status !== 200).map((a) => `answered ${a.status}`);
      const sum = answers.reduce(
        (n, a) => n + (a.status === 200 ? (a.body.count as number) : 0),
        0,
      );
      if (sum !== EXECUTIONS) wrong.push(`counts add up to ${sum}`);
      issues.push(...(await roundIssues(round, before, wrong, ids)));
    }
    expect(issues).toEqual([]);
  }, 180_000);

  it(`POST …/tasks/:id/retry ${SINGLE_REPLAYS} times at once for each of ${EXECUTIONS} failed executions: one answers 200 and it runs once more, the others 409`, async () => {
    const ids = await failedExecutions();
    const issues: string[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const before = arrivalsPerPath();
      const answers = await race(singles(ids), () =>
        eachTimes(ids).map((id) => call('POST', `/api/tasks/${id}/retry`)),
      );
      const statuses = answers.map((a) => a.status);
      issues.push(...(await roundIssues(round, before, singleIssues(ids, statuses), ids)));
    }
    expect(issues).toEqual([]);
  }, 180_000);

  it(`the library: retry ${SINGLE_REPLAYS} times at once for each of ${EXECUTIONS} failed executions, and retryFailed ${BULK_REPLAYS} times at once: each runs once more`, async () => {
    const ids = await failedExecutions();
    const issues: string[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      let before = arrivalsPerPath();
      const outcomes = await race(singles(ids), () =>
        eachTimes(ids).map((id) =>
          s.producer.retry(id).then(
            () => 200,
            (error: unknown) => (error instanceof NotFailedError ? 409 : String(error)),
          ),
        ),
      );
      issues.push(...(await roundIssues(round, before, singleIssues(ids, outcomes), ids)));

      before = arrivalsPerPath();
      const counts = await race(bulk(BULK_REPLAYS), () =>
        Array.from({ length: BULK_REPLAYS }, () =>
          s.producer.retryFailed().then(
            ({ count }) => count,
            (error: unknown) => String(error),
          ),
        ),
      );
      const wrong = counts.filter((c) => typeof c === 'string');
      const sum = counts.reduce<number>((n, c) => n + (typeof c === 'number' ? c : 0), 0);
      if (sum !== EXECUTIONS) wrong.push(`retryFailed counts add up to ${sum}`);
      issues.push(...(await roundIssues(round, before, wrong, ids)));
    }
    expect(issues).toEqual([]);
  }, 180_000);

  it('a failure taken by a replay that died before moving it: refused while the take is fresh, taken again after 30 s', async () => {
    const [id] = await failedExecutions();
    const key = jobKey({ prefix: s.config.prefix, queueName: s.config.queueName }, id!);
    const finishedOn = (await s.queue.getJob(id!))!.finishedOn!;
    // What a replay leaves when its process dies between taking the failure and moving the job.
    const redis = new Redis(s.config.redisUrl);
    try {
      await redis.hset(key, 'taskrestReplay', `${finishedOn}:${Date.now()}`);
      const refused = await s.producer.retry(id!).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(NotFailedError);
      expect((refused as NotFailedError).message).toMatch(/another replay/);
      await redis.hset(key, 'taskrestReplay', `${finishedOn}:${Date.now() - 31_000}`);
    } finally {
      redis.disconnect();
    }
    const before = arrivalsPerPath()[0]!;
    expect(await s.producer.retry(id!)).toMatchObject({ executionId: Number(id) });
    await target.waitFor(before + 1, { path: paths[0] });
  });
});
