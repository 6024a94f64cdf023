import { readFile } from 'node:fs/promises';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../shared/config.js';
import { redisAnswers } from '../../shared/redis-server-process.js';
import { freePort } from '../helpers/free-port.js';
import { runCli } from '../helpers/run-cli.js';
import type { ScriptedTarget } from '../helpers/scripted-target.js';
import { startTargetServer } from '../helpers/target-server.js';
import {
  READY_TIMEOUT_MS,
  startTaskrest,
  type TaskrestProcess,
} from '../helpers/taskrest-process.js';
import { deleteTestKeys, envOf, testConfig } from '../helpers/test-config.js';
import { SEED_OUTPUT_KEYS } from '../helpers/seed-output-keys.js';

/** The `taskrest` command as a user runs it: real processes, real Redis, real target. */
describe('taskrest CLI', () => {
  let target: ScriptedTarget;
  let config: Config | undefined;
  let env: Record<string, string>;
  const processes: TaskrestProcess[] = [];

  beforeAll(async () => {
    target = await startTargetServer();
  });
  afterAll(async () => {
    await target.close();
  });
  afterEach(async () => {
    await Promise.all(processes.splice(0).map((p) => p.stop('SIGKILL')));
    if (config) await deleteTestKeys(config);
    config = undefined;
  });

  function newQueue(): Config {
    const fresh = testConfig();
    config = fresh;
    env = envOf(fresh);
    return fresh;
  }

  async function startWorker(queue: Config): Promise<TaskrestProcess> {
    const worker = startTaskrest(['worker'], envOf(queue, { TASKREST_LOG_LEVEL: 'info' }));
    processes.push(worker);
    await worker.waitFor(/worker started/);
    return worker;
  }

  async function jobKeys(queue: Config): Promise<string[]> {
    const redis = new Redis(queue.redisUrl);
    try {
      return await redis.keys(`${queue.prefix}:*`);
    } finally {
      redis.disconnect();
    }
  }

  it('refuses a bad task with exit 2, names the field on stderr, and enqueues nothing', async () => {
    const queue = newQueue();
    const result = await runCli(
      [
        'enqueue',
        '--json',
        JSON.stringify({ url: `${target.url}/`, connect_timeout: -1, methd: 'get' }),
      ],
      env,
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/connect_timeout: expected a number of seconds >= 0/);
    expect(result.stderr).toMatch(/methd: unknown input \(did you mean method\?\)/);
    expect(result.stdout).toBe('');
    expect(await jobKeys(queue)).toEqual([]);
  });

  it('--help, COMMAND --help and --version print on stdout and exit 0', async () => {
    newQueue();
    const help = await runCli(['--help'], env);
    expect(help).toMatchObject({ code: 0, stderr: '' });
    expect(help.stdout).toMatch(/usage: taskrest/);
    expect(help.stdout).toMatch(/4 no such execution/);
    for (const command of ['dev', 'worker', 'api', 'enqueue', 'status', 'files']) {
      for (const flag of ['--help', '-h']) {
        const result = await runCli([command, flag], env);
        expect(result, `${command} ${flag}`).toMatchObject({ code: 0, stderr: '' });
        expect(result.stdout, `${command} ${flag}`).toMatch(
          new RegExp(`usage: taskrest ${command}`),
        );
      }
    }
    const { version } = JSON.parse(
      await readFile(new URL('../../package.json', import.meta.url), 'utf8'),
    ) as { version: string };
    for (const flag of ['--version', '-V']) {
      expect(await runCli([flag], env)).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
    }
  });

  it('refuses a bad multipart task with exit 2, names the field on stderr, and enqueues nothing', async () => {
    const queue = newQueue();
    const result = await runCli(
      [
        'enqueue',
        '--json',
        JSON.stringify({
          url: `${target.url}/`,
          method: 'POST',
          multipart: {
            'content-type': 'multipart/mixed; boundary=one',
            boundary: 'two',
            parts: [{ name: 'f', file: 'a/../b' }],
          },
        }),
      ],
      env,
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /multipart\.parts\.0\.file: a file name must not contain a "\.\."/,
    );
    expect(result.stderr).toMatch(
      /multipart\.boundary: differs from the boundary in multipart\.content-type/,
    );
    expect(result.stdout).toBe('');
    expect(await jobKeys(queue)).toEqual([]);
  });

  it('exits 2 on usage errors and unreadable input', async () => {
    newQueue();
    expect((await runCli(['enqueue', '--bogus'], env)).code).toBe(2);
    expect((await runCli(['enqueue', '-'], env, '{not json')).code).toBe(2);
    expect((await runCli(['status'], env)).code).toBe(2);
    expect((await runCli(['frobnicate'], env)).code).toBe(2);
    expect((await runCli(['worker'], { ...env, WORKER_CONCURRENCY: 'many' })).stderr).toMatch(
      /WORKER_CONCURRENCY: expected a number/,
    );
  });

  it('enqueues from stdin, prints the execution id, and status says waiting (exit 3) without a worker', async () => {
    newQueue();
    const enqueued = await runCli(
      ['enqueue', '-'],
      env,
      JSON.stringify({ url: `${target.url}/echo` }),
    );
    expect(enqueued.code).toBe(0);
    const { execution_id } = JSON.parse(enqueued.stdout) as { execution_id: number };
    expect(execution_id).toBe(1);
    const status = await runCli(['status', String(execution_id)], env);
    expect(status.code).toBe(3);
    expect(JSON.parse(status.stdout)).toEqual({
      execution_id: 1,
      queue: config!.queueName,
      state: 'waiting',
    });
    const waited = await runCli(
      ['enqueue', '--wait', '0.5', '--json', JSON.stringify({ url: `${target.url}/` })],
      env,
    );
    expect(waited.code).toBe(3);
    expect(JSON.parse(waited.stdout)).toMatchObject({ execution_id: 2, state: 'waiting' });
    const unknown = await runCli(['status', '999'], env);
    expect(unknown.code).toBe(4);
    expect(unknown.stderr).toMatch(/no such execution: 999/);
  });

  it('enqueue --wait prints the output: exit 0 on success, 1 on error; status agrees', async () => {
    const worker = await startWorker(newQueue());
    const ok = await runCli(
      ['enqueue', '--wait', '20', '--json', JSON.stringify({ url: `${target.url}/jokes/random` })],
      env,
    );
    expect(ok.code).toBe(0);
    const output = JSON.parse(ok.stdout) as Record<string, unknown>;
    expect(Object.keys(output).sort()).toEqual(SEED_OUTPUT_KEYS);
    expect(output).toMatchObject({ status: 'success', status_code: 200 });

    const bad = await runCli(
      ['enqueue', '--wait', '--json', JSON.stringify({ url: `${target.url}/status/500` })],
      env,
    );
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout)).toMatchObject({ status: 'error', status_code: 500 });

    const status = await runCli(['status', String(output.execution_id)], env);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({
      state: 'completed',
      output: { status: 'success' },
    });
    expect(await worker.stop('SIGTERM')).toBe(0);
    expect(worker.output()).toMatch(/worker stopped/);
  });

  it(
    'dev: starts a private Redis where none answers, runs tasks, and stops it on exit',
    { timeout: 2 * READY_TIMEOUT_MS },
    async () => {
      const port = await freePort();
      const redisUrl = `redis://127.0.0.1:${port}`;
      // Nothing to clean up afterwards: the private Redis goes away with dev.
      const devConfig = testConfig({ REDIS_URL: redisUrl });
      env = envOf(devConfig);
      const dev = startTaskrest(['dev'], envOf(devConfig, { PORT: String(await freePort()) }));
      processes.push(dev);
      await dev.waitFor(/started a private throwaway redis-server/);
      await dev.waitFor(/Stop with Ctrl-C/);
      // Like worker, dev says that task secrets are stored in clear; and its
      // "try this" names the Redis it runs on, since it is not the default.
      expect(dev.output()).toMatch(/TASKREST_SECRET_KEY is not set/);
      expect(dev.output()).toMatch(
        new RegExp(`\\n  REDIS_URL=${redisUrl} (TASKREST_\\w+=\\S+ )*npx taskrest enqueue`),
      );
      const result = await runCli(
        [
          'enqueue',
          '--wait',
          '20',
          '--json',
          JSON.stringify({ url: `${target.url}/jokes/random` }),
        ],
        env,
      );
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout)).toMatchObject({ status: 'success' });
      expect(await dev.stop('SIGINT')).toBe(0);
      expect(await redisAnswers(redisUrl, 500)).toBe(false);
    },
  );
});
