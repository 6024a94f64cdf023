import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { redisAnswers } from '../../shared/redis-server-process.js';
import { findProgram } from '../prerequisites.mjs';
import { freePort } from '../helpers/free-port.js';
import {
  cleanUpNestedRun,
  isRunning,
  portOpen,
  ROOT,
  startedPostgres,
  startedRedis,
  startNestedRun,
  type NestedRun,
} from '../helpers/nested-run.js';

/** What the fixture test found, as it writes it to TEST_SETUP_OUT. */
interface Found {
  redisUrl: string;
  redisPid: number;
  postgresUrl: string;
  dataDirectory: string;
}

/**
 * `npm test` sets itself up: the global setup starts a private Redis and a
 * throwaway PostgreSQL when none answers, and leaves neither behind; a
 * missing program stops the run at once, in one line. Each case runs vitest
 * on one fixture file (test/fixtures/test-setup/) in a process of its own.
 */
// Each case is a whole vitest run (vite's start, the global setup) on a loaded machine.
describe('the run starts what does not answer, and stops it', { timeout: 120_000 }, () => {
  let dir: string;
  let run: NestedRun | undefined;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'taskrest-test-setup-'));
  });

  afterEach(async () => {
    await cleanUpNestedRun(run);
    run = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  const found = async (): Promise<Found> =>
    JSON.parse(await readFile(join(dir, 'found.json'), 'utf8')) as Found;

  /** Gone: the process, and nothing answers on its port any more. */
  async function expectRedisGone(redis: { url: string; pid: number }): Promise<void> {
    await expect.poll(() => isRunning(redis.pid), { timeout: 15_000 }).toBe(false);
    expect(await redisAnswers(redis.url, 500)).toBe(false);
  }

  async function expectPostgresGone(postgres: { port: number; dir: string }): Promise<void> {
    await expect.poll(() => portOpen(postgres.port), { timeout: 15_000 }).toBe(false);
    expect(existsSync(postgres.dir)).toBe(false);
  }

  it('with nothing at REDIS_URL: a private redis-server the test files reach, gone afterwards', async () => {
    const closed = `redis://127.0.0.1:${await freePort()}`;
    run = startNestedRun({ REDIS_URL: closed, TEST_SETUP_OUT: join(dir, 'found.json') });
    expect(await run.exited, run.output()).toBe(0);
    const [redis, ...more] = startedRedis(run.output());
    expect(more).toEqual([]);
    expect(run.output()).toContain(
      `No Redis answered at ${closed}: started a private redis-server`,
    );
    expect(await found()).toMatchObject({ redisUrl: redis?.url, redisPid: redis?.pid });
    await expectRedisGone(redis!);
  });

  it('a failing run with neither answering: a throwaway PostgreSQL too, both gone afterwards', async () => {
    const port = await freePort();
    run = startNestedRun({
      REDIS_URL: `redis://127.0.0.1:${port}`,
      TEST_POSTGRES_URL: `postgres://postgres@127.0.0.1:${port}`,
      TEST_SETUP_OUT: join(dir, 'found.json'),
      TEST_SETUP_MODE: 'fail',
    });
    expect(await run.exited, run.output()).toBe(1);
    expect(run.output()).toContain('fails on purpose');
    const [redis] = startedRedis(run.output());
    const [postgres] = startedPostgres(run.output());
    expect(await found()).toMatchObject({
      redisPid: redis?.pid,
      postgresUrl: `postgres://postgres@127.0.0.1:${postgres?.port}`,
      dataDirectory: join(postgres?.dir ?? '?', 'data'),
    });
    await expectRedisGone(redis!);
    await expectPostgresGone(postgres!);
  });

  it('a run interrupted with Ctrl-C (SIGINT) leaves neither behind', async () => {
    const port = await freePort();
    run = startNestedRun({
      REDIS_URL: `redis://127.0.0.1:${port}`,
      TEST_POSTGRES_URL: `postgres://postgres@127.0.0.1:${port}`,
      TEST_SETUP_OUT: join(dir, 'found.json'),
      TEST_SETUP_MODE: 'hang',
    });
    // The fixture writes what it found, then waits: the run is in the middle of its test.
    await expect
      .poll(() => existsSync(join(dir, 'found.json')), { timeout: 90_000, interval: 200 })
      .toBe(true);
    run.child.kill('SIGINT');
    expect(await run.exited, run.output()).toBe(130);
    const [redis] = startedRedis(run.output());
    const [postgres] = startedPostgres(run.output());
    expect((await found()).redisPid).toBe(redis?.pid);
    await expectRedisGone(redis!);
    await expectPostgresGone(postgres!);
  });
});

describe("npm test's first step: the prerequisite check", () => {
  const pretest = (
    JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    }
  ).scripts.pretest;
  const firstStep = pretest?.split(' && ')[0] ?? '';
  let bin: string | undefined;

  afterEach(async () => {
    if (bin) await rm(bin, { recursive: true, force: true });
    bin = undefined;
  });

  /** Runs the first step of "pretest" with PATH `path`, as npm does (sh -c). */
  async function check(path: string) {
    const started = Date.now();
    const child = spawn('/bin/sh', ['-c', firstStep], { cwd: ROOT, env: { PATH: path } });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    return { code, output, ms: Date.now() - started };
  }

  it('comes before the build, and needs none', () => {
    expect(firstStep).toBe('node test/check-prerequisites.mjs');
    expect(pretest).toBe(`${firstStep} && npm run build`);
  });

  it('passes, silent, where everything is installed', async () => {
    expect(await check(process.env.PATH ?? '')).toEqual({
      code: 0,
      output: '',
      ms: expect.any(Number),
    });
  });

  it('without chromium on PATH: exits non-zero at once, in one line with its install command', async () => {
    // A PATH of links to node and to what the check looks for, but chromium.
    bin = await mkdtemp(join(tmpdir(), 'taskrest-path-'));
    await symlink(process.execPath, join(bin, 'node'));
    for (const name of ['redis-server', 'openssl', 'initdb', 'pg_ctl']) {
      const found = findProgram(name);
      if (found) await symlink(found, join(bin, basename(found)));
    }
    const { code, output, ms } = await check(bin);
    expect(code).not.toBe(0);
    expect(ms).toBeLessThan(10_000);
    const lines = output.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^npm test needs chromium \(not on PATH\)/);
    expect(lines[0]).toContain('apt-get install -y chromium');
    expect(output).not.toMatch(/\n\s+at /);
  });
});
