import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../../shared/config.js';
import { runCli } from '../../helpers/run-cli.js';
import { startScriptedTarget, type ScriptedTarget } from '../../helpers/scripted-target.js';
import { deleteTestKeys, envOf, testConfig } from '../../helpers/test-config.js';

/**
 * `taskrest enqueue --job-id ID` with an id that names an execution already:
 * nothing is stored, and the command says so rather than printing what
 * looks like a new execution.
 */
describe('taskrest enqueue of a known --job-id', () => {
  let config: Config;
  let target: ScriptedTarget;
  let env: Record<string, string>;

  beforeAll(async () => {
    target = await startScriptedTarget();
    config = testConfig();
    env = envOf(config);
  });
  afterAll(async () => {
    await target?.close();
    await deleteTestKeys(config);
  });

  const enqueue = (...args: string[]) =>
    runCli(['enqueue', '--json', JSON.stringify({ url: `${target.url}/x` }), ...args], env);

  it('prints the existing execution with "duplicate": true and its state, and says so on stderr', async () => {
    const first = await enqueue('--job-id', 'order-17', '--delay', '3600');
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toEqual({
      execution_id: 'order-17',
      queue: config.queueName,
    });
    expect(first.stderr).toBe('');

    const again = await enqueue('--job-id', 'order-17');
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toEqual({
      execution_id: 'order-17',
      queue: config.queueName,
      state: 'delayed',
      duplicate: true,
    });
    expect(again.stderr).toBe(
      'taskrest enqueue: execution order-17 exists already (delayed): nothing new was enqueued\n',
    );
  });

  it('with --wait too: stderr tells that the output is the existing execution’s', async () => {
    expect((await enqueue('--job-id', 'order-18', '--delay', '3600')).code).toBe(0);
    // Nothing runs it: the wait ends with the execution still delayed (exit 3).
    const again = await enqueue('--job-id', 'order-18', '--wait', '0.2');
    expect(again.code).toBe(3);
    expect(JSON.parse(again.stdout)).toMatchObject({ execution_id: 'order-18', state: 'delayed' });
    expect(again.stderr).toBe(
      'taskrest enqueue: execution order-18 exists already (delayed): nothing new was enqueued\n',
    );
  });
});
