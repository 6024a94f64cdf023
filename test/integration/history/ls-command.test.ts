import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HistoryStore } from '../../../history/history-store.js';
import { openHistory } from '../../../history/open-history.js';
import type { ExecutionSummary } from '../../../shared/history/execution-record.js';
import { startApiHarness, type ApiHarness } from '../../helpers/api-harness.js';
import { finishExecutions } from '../../helpers/finished-executions.js';
import {
  freshPostgresDatabase,
  type TestHistoryDatabase,
} from '../../helpers/history-databases.js';
import { makeRecord } from '../../helpers/history-records.js';
import { runCli } from '../../helpers/run-cli.js';
import { envOf } from '../../helpers/test-config.js';

const lines = (stdout: string): ExecutionSummary[] =>
  stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as ExecutionSummary);

/** `taskrest ls` (the built CLI): JSON lines when asked or piped, filters checked. */
describe('taskrest ls', () => {
  let h: ApiHarness;
  let ids: string[];

  beforeAll(async () => {
    h = await startApiHarness();
    ids = await finishExecutions(h.url, { ok: 2, failing: 3 });
  });

  afterAll(async () => {
    await h.close();
  });

  it('--state failed --json prints one JSON line per failed execution, newest first', async () => {
    const { code, stdout, stderr } = await runCli(
      ['ls', '--state', 'failed', '--json'],
      envOf(h.config),
    );
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const listed = lines(stdout);
    expect(listed.map((e) => String(e.execution_id))).toEqual(ids.slice(2).reverse());
    for (const execution of listed) {
      expect(execution).toMatchObject({ state: 'failed', status_code: 404, method: 'GET' });
      expect(execution).not.toHaveProperty('output');
    }
  });

  it('prints JSON lines when stdout is not a terminal, at most --limit', async () => {
    const { code, stdout } = await runCli(['ls', '--limit=2'], envOf(h.config));
    expect(code).toBe(0);
    expect(lines(stdout).map((e) => String(e.execution_id))).toEqual(ids.slice(3).reverse());
  });

  it('exits 2 naming a bad filter or flag', async () => {
    const bad = await runCli(['ls', '--state', 'bogus'], envOf(h.config));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/state/);
    const unknown = await runCli(['ls', '--stat', 'failed'], envOf(h.config));
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/usage: taskrest ls/);
  });

  describe('with TASKREST_HISTORY_URL', () => {
    let database: TestHistoryDatabase;
    let store: HistoryStore;

    beforeAll(async () => {
      database = await freshPostgresDatabase();
      store = await openHistory(database.location);
      await store.write([
        makeRecord(Date.now() - 1000, {
          queue: 'from-history',
          execution_id: 'h-1',
          state: 'failed',
        }),
        makeRecord(Date.now(), { queue: 'from-history', execution_id: 'h-2' }),
      ]);
    });

    afterAll(async () => {
      await store.close();
      await database.destroy();
    });

    it('lists the history', async () => {
      const url = (database.location as { url: string }).url;
      const { code, stdout } = await runCli(
        ['ls', '--state', 'failed', '--json'],
        envOf(h.config, { TASKREST_HISTORY_URL: url }),
      );
      expect(code).toBe(0);
      expect(lines(stdout).map((e) => e.execution_id)).toEqual(['h-1']);
    });
  });
});
