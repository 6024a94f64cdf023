import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { watchProgress } from '../../cli/wait-progress.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { startHttpTestServer, type HttpTestServer } from '../helpers/http-test-server.js';
import { CLI, runCli } from '../helpers/run-cli.js';
import { envOf } from '../helpers/test-config.js';

let h: Harness;
let slow: HttpTestServer;

beforeAll(async () => {
  // Answers after a second, so that the execution is seen waiting or active first.
  slow = await startHttpTestServer((_req, res) => {
    setTimeout(() => res.end('done'), 1000).unref();
  });
  h = startHarness();
});

afterAll(async () => {
  await h?.close();
  await slow?.close();
});

describe('enqueue --wait progress', () => {
  it('watchProgress tells each state change once, up to the finished one', async () => {
    const { executionId } = await h.producer.enqueue({ url: slow.url });
    const lines: string[] = [];
    const watch = watchProgress(h.producer, executionId, (line) => lines.push(line), {
      intervalMs: 50,
    });
    await h.producer.waitForResult(executionId, { timeoutMs: 20_000 });
    await watch.stop();
    expect(lines).toContain(`execution ${executionId}: active\n`);
    expect(lines.at(-1)).toBe(`execution ${executionId}: completed\n`);
    expect(new Set(lines).size).toBe(lines.length);
  });

  it('the CLI shows state changes on a terminal and plain JSON otherwise', async () => {
    const env = envOf(h.config);
    const task = JSON.stringify({ url: slow.url });
    const piped = await runCli(['enqueue', '--wait', '20', '--json', task], env);
    expect(piped.code).toBe(0);
    expect(piped.stderr).not.toMatch(/execution \d+: /);
    expect(JSON.parse(piped.stdout)).toMatchObject({ status: 'success' });

    // `script` gives the command a pseudo-terminal as stdout (and stderr).
    const command = `'${process.execPath}' '${CLI}' enqueue --wait 20 --json '${task}'`;
    const { stdout } = await promisify(execFile)('script', ['-qec', command, '/dev/null'], { env });
    expect(stdout).toMatch(/execution \d+: (waiting|active)/);
    expect(stdout).toMatch(/execution \d+: completed/);
    expect(stdout).toMatch(/"status": "success"/);
  });
});
