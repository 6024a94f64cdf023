import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** The file list `npm pack` would publish (scripts skipped: the tests build dist/ first). */
async function packList(): Promise<string[]> {
  const { stdout } = await run(NPM, ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: ROOT,
    maxBuffer: 16 * 1024 * 1024,
  });
  const [pack] = JSON.parse(stdout) as [{ files: { path: string }[] }];
  return pack.files.map((f) => f.path);
}

describe('the npm package', () => {
  it('ships dist/ with .js and .d.ts for the library, the CLI and what they import; no tests, bench or maps', async () => {
    const files = await packList();
    for (const path of [
      'dist/producer/index.js',
      'dist/producer/index.d.ts',
      'dist/shared/errors/index.js',
      'dist/shared/errors/index.d.ts',
      'dist/bin/taskrest.js',
      'dist/bundle/taskrest.js',
      'dist/api/create-api-server.js',
      'dist/cli/worker-command.js',
      'dist/worker/runtime/task-worker.js',
      'dist/api/console-route.js',
      'dist/console/index.html',
      'package.json',
      'README.md',
    ]) {
      expect(files, path).toContain(path);
    }
    const unwanted = files.filter(
      (f) => /(^|\/)(test|bench)\//.test(f) || f.endsWith('.map') || f.endsWith('.ts.map'),
    );
    expect(unwanted).toEqual([]);
    // The console's bundle: its scripts and styles, never its sources.
    expect(files.some((f) => /^dist\/console\/assets\/.+\.js$/.test(f))).toBe(true);
    expect(files.filter((f) => f.startsWith('console/') || f.endsWith('.tsx'))).toEqual([]);
    expect(files.every((f) => /^(dist|docs)\//.test(f) || !f.includes('/'))).toBe(true);
  });

  it('ships docs/: every page the README links and the --help texts name is in the package', async () => {
    const files = await packList();
    expect(files).toContain('docs/tasks.md');
    const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
    const linked = [...readme.matchAll(/\]\((docs\/[^)#]+)/g)].map(([, path]) => path!);
    expect(linked.length).toBeGreaterThan(10);
    const { stdout: help } = await run(process.execPath, ['dist/bundle/taskrest.js', '--help'], {
      cwd: ROOT,
    });
    const named = [...help.matchAll(/docs\/[a-z-]+\.md/g)].map(([path]) => path);
    expect(named).toContain('docs/configuration.md');
    for (const path of [...linked, ...named]) expect(files, path).toContain(path);
  });

  it('names its repository, homepage and issue tracker', async () => {
    const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as {
      repository: { type: string; url: string };
      homepage: string;
      bugs: { url: string };
    };
    expect(pkg.repository).toEqual({
      type: 'git',
      url: 'git+https://github.com/taskrest/taskrest.git',
    });
    expect(pkg.homepage).toMatch(/^https:\/\/github\.com\/taskrest\/taskrest\b/);
    expect(pkg.bugs.url).toBe('https://github.com/taskrest/taskrest/issues');
  });

  it('exports point at files that exist, types first', async () => {
    const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as {
      name: string;
      private?: boolean;
      exports: Record<string, Record<string, string> | string>;
      bin: Record<string, string>;
    };
    expect(pkg.name).toBe('taskrest');
    expect(pkg.private).toBeUndefined();
    const main = pkg.exports['.'] as Record<string, string>;
    expect(Object.keys(main)[0]).toBe('types');
    // The library is taskrest-client's, re-exported (library/index.ts).
    expect(main.types).toBe('./dist/library/index.d.ts');
    expect(main.import).toBe('./dist/library/index.js');
    const files = await packList();
    for (const target of [main.types!, main.import!, pkg.bin.taskrest!]) {
      expect(files).toContain(target.replace(/^\.\//, ''));
    }
  });

  it("resolves `import … from 'taskrest'` through its own exports (self-reference)", async () => {
    const { stdout } = await run(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const m = await import('taskrest');
         const e = new m.TaskTooLargeError(2, 1);
         console.log(JSON.stringify({
           producer: typeof m.TaskProducer, fromEnv: typeof m.TaskProducer.fromEnv,
           code: m.ErrorCode.TASK_TOO_LARGE, base: e instanceof m.TaskrestError,
         }));`,
      ],
      { cwd: ROOT },
    );
    expect(JSON.parse(stdout)).toEqual({
      producer: 'function',
      fromEnv: 'function',
      code: 'TASK_TOO_LARGE',
      base: true,
    });
  });

  describe('installed from the packed tarball', () => {
    let dir: string;

    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'taskrest-pack-'));
      const { stdout } = await run(
        NPM,
        ['pack', '--json', '--ignore-scripts', '--pack-destination', dir],
        { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 },
      );
      const [{ filename }] = JSON.parse(stdout) as [{ filename: string }];
      const installed = join(dir, 'node_modules', 'taskrest');
      await mkdir(installed, { recursive: true });
      await run('tar', ['-xzf', join(dir, filename), '-C', installed, '--strip-components=1']);
      // The dependencies come from this checkout (no registry in tests): linked, not copied.
      const pkg = JSON.parse(await readFile(join(installed, 'package.json'), 'utf8')) as {
        dependencies: Record<string, string>;
      };
      for (const dep of [...Object.keys(pkg.dependencies), '@types/node']) {
        const link = join(dir, 'node_modules', dep);
        await mkdir(dirname(link), { recursive: true });
        await symlink(join(ROOT, 'node_modules', dep), link, 'dir');
      }
    }, 120_000);

    afterAll(async () => {
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it('a consumer imports the library by name', async () => {
      await writeFile(
        join(dir, 'consumer.mjs'),
        `import {
           TaskProducer, ErrorCode, TaskrestError, ConfigError, OutputStatus, ExecutionState,
         } from 'taskrest';
         let caught;
         try { new TaskProducer({ queue: 'no spaces allowed' }); } catch (error) { caught = error; }
         console.log(JSON.stringify({
           code: caught.code, isBase: caught instanceof TaskrestError,
           isConfig: caught instanceof ConfigError, codes: Object.keys(ErrorCode).length,
           success: OutputStatus.SUCCESS, completed: ExecutionState.COMPLETED,
         }));`,
      );
      const { stdout } = await run(process.execPath, ['consumer.mjs'], { cwd: dir });
      const result = JSON.parse(stdout) as Record<string, unknown>;
      expect(result).toMatchObject({
        code: 'INVALID_CONFIG',
        isBase: true,
        isConfig: true,
        success: 'success',
        completed: 'completed',
      });
      expect(result.codes).toBeGreaterThan(20);
    });

    it('a TypeScript consumer gets the types from the package', async () => {
      await writeFile(
        join(dir, 'consumer.ts'),
        `import { TaskProducer, ErrorCode, type TaskProducerOptions, type Execution } from 'taskrest';
         const options: TaskProducerOptions = { queue: 'billing', keepCompleted: { count: 10 } };
         const code: 'TASK_TOO_LARGE' = ErrorCode.TASK_TOO_LARGE;
         export async function main(): Promise<Execution | null> {
           const producer = new TaskProducer(options);
           const { executionId } = await producer.enqueue({ url: 'https://example.com/' });
           void code;
           return producer.waitForResult(executionId);
         }
         // @ts-expect-error: the queue is not part of the public surface.
         void new TaskProducer().queue;
        `,
      );
      // Every type a public method answers (and takes) is named here, so that
      // dropping one of its exports, or widening one to string, fails the check.
      await writeFile(
        join(dir, 'consumer-types.ts'),
        `import {
           TaskProducer, OutputStatus, ExecutionState,
           type Enqueued, type BulkEnqueued, type BulkItem, type EnqueueOptions, type JobTiming,
           type Cancelled, type Retried, type RetriedCount, type Removed,
           type QueueOption, type CancelOptions, type RetryFailedOptions, type WaitOptions,
           type Execution, type TaskOutput, type TaskInput,
           type QueueAdmin, type QueueInfo, type QueueSettings, type RateLimit,
           type RemoveQueueOptions,
           type ScheduleAdmin, type Schedule, type ScheduleExecution, type ScheduleOptions,
           type SetScheduleOptions,
           type FilesStore, type FileInfo, type FileStored,
         } from 'taskrest';
         export async function everyType(producer: TaskProducer): Promise<boolean> {
           const task: TaskInput = { url: 'https://example.com/' };
           const timing: JobTiming = { priority: 1 };
           const enqueueOptions: EnqueueOptions = { ...timing, queue: 'billing' };
           const enqueued: Enqueued = await producer.enqueue(task, enqueueOptions);
           const duplicate: boolean | undefined = enqueued.duplicate;
           const item: BulkItem = { task, delay: 1000 };
           const bulk: BulkEnqueued[] = await producer.enqueueBulk([task, item]);
           const id = enqueued.executionId;
           const inQueue: QueueOption = { queue: 'billing' };
           const cancelOptions: CancelOptions = { ...inQueue, by: 'consumer' };
           const cancelled: Cancelled = await producer.cancel(id, cancelOptions);
           const retried: Retried = await producer.retry(id, inQueue);
           const since: RetryFailedOptions = { since: new Date(0) };
           const count: RetriedCount = await producer.retryFailed(since);
           const removed: Removed = await producer.remove(id, inQueue);
           const wait: WaitOptions = { timeoutMs: 1000 };
           const read: Execution | null = await producer.getExecution(id, inQueue);
           const execution = await producer.waitForResult(id, wait);
           const state: ExecutionState | undefined = execution?.state;
           const output: TaskOutput | undefined = read?.output;
           const queues: QueueAdmin = producer.queues;
           const settings: QueueSettings = { paused: false };
           const queue: QueueInfo = await queues.set('billing', settings);
           const listed: QueueInfo[] = await queues.list();
           const limit: RateLimit | null = queue.rate_limit;
           const removeQueue: RemoveQueueOptions = { force: false };
           await queues.remove('billing', removeQueue);
           const schedules: ScheduleAdmin = producer.schedules;
           const scheduleOptions: ScheduleOptions = { task, everySeconds: 60 };
           const user: SetScheduleOptions = { user: 'consumer' };
           const schedule: Schedule = await schedules.set('nightly', scheduleOptions, user);
           const all: Schedule[] = await schedules.list();
           const runs: ScheduleExecution[] = schedule.executions ?? [];
           const files: FilesStore = producer.files;
           const stored: FileStored = await files.put('a.txt', Buffer.from('a'));
           const infos: FileInfo[] = await files.list();
           void [duplicate, bulk, cancelled, retried, count, removed, state, listed, limit, all];
           void [runs, stored.size, infos];
           return output?.status === OutputStatus.SUCCESS && state === ExecutionState.COMPLETED;
         }
        `,
      );
      await writeFile(
        join(dir, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: {
            module: 'NodeNext',
            moduleResolution: 'NodeNext',
            target: 'ES2022',
            strict: true,
            noEmit: true,
            types: ['node'],
            skipLibCheck: true,
          },
          files: ['consumer.ts', 'consumer-types.ts'],
        }),
      );
      await writeFile(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
      const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
      const result = await run(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: dir }).then(
        () => ({ code: 0, out: '' }),
        (error: { code: number; stdout: string }) => ({ code: error.code, out: error.stdout }),
      );
      expect(result).toEqual({ code: 0, out: '' });
    }, 120_000);
  });
});
