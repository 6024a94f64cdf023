import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../shared/config.js';
import { runCli } from '../helpers/run-cli.js';
import type { ScriptedTarget } from '../helpers/scripted-target.js';
import { startTargetServer } from '../helpers/target-server.js';
import {
  CAN_RUN_ON_TERMINAL,
  startTaskrest,
  type TaskrestProcess,
} from '../helpers/taskrest-process.js';
import { deleteTestKeys, envOf, testConfig } from '../helpers/test-config.js';

/** The secrets the task's URL carries: neither may reach what dev prints. */
const PASSWORD = 'pw-dev-7c1e93';
const TOKEN = 'tok-dev-4b8d20';

/** The terminal's colours and cursor codes, which pino-pretty writes on a TTY. */
const ANSI = /\x1b\[[0-9;]*m/g;

/** How long `taskrest dev` may take to be ready: its embedded history starts on a loaded machine. */
const READY_MS = 120_000;

/**
 * What `taskrest dev` prints: the console's URL in its banner, and one line
 * per ended execution, for people (pino-pretty) on a terminal and as JSON
 * lines elsewhere; never a secret of the task's URL.
 */
describe('taskrest dev output', () => {
  let target: ScriptedTarget;
  let folder: string;
  let config: Config;
  let dev: TaskrestProcess | undefined;

  beforeAll(async () => {
    target = await startTargetServer();
  });
  afterAll(async () => {
    await target.close();
  });
  afterEach(async () => {
    await dev?.stop('SIGKILL');
    dev = undefined;
    await deleteTestKeys(config);
    await rm(folder, { recursive: true, force: true });
  });

  /** Starts dev (its history in a folder of the test's own) and waits for its banner. */
  async function startDev(terminal: boolean): Promise<{ origin: string }> {
    folder = await mkdtemp(join(tmpdir(), 'taskrest-dev-output-'));
    config = testConfig({ TASKREST_LOG_LEVEL: 'info' });
    const env = envOf(config, { HOST: '127.0.0.1', PORT: '0' });
    dev = startTaskrest(['dev'], env, { cwd: folder, terminal });
    await dev.waitFor(/Stop with Ctrl-C/, READY_MS);
    return { origin: /HTTP API on (http:\/\/127\.0\.0\.1:\d+)\/api/.exec(dev.output())![1]! };
  }

  /** Runs one task whose URL carries a password and a token, to the loopback target. */
  async function runTask(): Promise<string> {
    const host = new URL(target.url).host;
    const url = `http://robot:${PASSWORD}@${host}/jokes/random?token=${TOKEN}&page=2`;
    const result = await runCli(
      ['enqueue', '--wait', '60', '--json', JSON.stringify({ url })],
      envOf(config),
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/"status": "success"/);
    return `http://REDACTED@${host}/jokes/random?token=%5BREDACTED%5D&page=2`;
  }

  it.skipIf(!CAN_RUN_ON_TERMINAL)(
    'on a terminal: pretty lines, the console URL, a line per execution without its secrets',
    async () => {
      const { origin } = await startDev(true);
      const shown = () => dev!.output().replace(ANSI, '').replace(/\r\n/g, '\n');
      expect(dev!.output()).toMatch(ANSI);
      expect(shown()).toContain(`\nconsole: ${origin}/\n`);
      expect(shown()).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: Server listening at /m);

      const redacted = await runTask();
      const line = new RegExp(
        `^\\[\\d\\d:\\d\\d:\\d\\d\\.\\d{3}\\] INFO: ${config.queueName} #1 GET ${escape(redacted)} 200 in \\d+ ms$`,
        'm',
      );
      await expect.poll(shown, { timeout: 30_000 }).toMatch(line);
      expect(shown()).not.toMatch(/^\{"level"/m);
      expect(dev!.output()).not.toContain(PASSWORD);
      expect(dev!.output()).not.toContain(TOKEN);

      // Ctrl-C, as typed: dev stops and exits 0.
      expect(await dev!.stop('SIGINT')).toBe(0);
    },
    240_000,
  );

  it('piped: JSON lines, the execution line as fields without its secrets', async () => {
    const { origin } = await startDev(false);
    expect(dev!.output()).toContain(`\nconsole: ${origin}/\n`);
    expect(dev!.output()).not.toMatch(ANSI);

    const redacted = await runTask();
    const finished = () => logLines(dev!.output()).find((l) => l.msg === 'execution finished');
    await expect.poll(finished, { timeout: 30_000 }).toBeDefined();
    expect(finished()).toEqual({
      level: 'info',
      time: expect.any(String),
      msg: 'execution finished',
      queue: config.queueName,
      id: 1,
      state: 'completed',
      method: 'GET',
      url: redacted,
      status_code: 200,
      duration_ms: expect.any(Number),
    });
    expect(dev!.output()).not.toContain(PASSWORD);
    expect(dev!.output()).not.toContain(TOKEN);
  }, 240_000);
});

/** The log lines of an output: every line that starts with `{` is one JSON object. */
function logLines(output: string): Record<string, unknown>[] {
  return output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** `text` as a regular expression that matches it literally. */
function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
