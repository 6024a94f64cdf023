/** Reads the soak's history back from PostgreSQL for the accounting. */
import pg from 'pg';
import type { HistoryOf } from './soak-accounting.js';

/** Every execution of `queue` in the history: its runs (one entry per row), last state and message, attempts summed. */
export async function historyOf(url: string, queue: string): Promise<Map<string, HistoryOf>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{
      execution_id: string;
      run: number;
      state: string;
      attempts: number;
      message: string;
    }>(
      'SELECT execution_id, run, state, attempts, message FROM executions WHERE queue = $1 ORDER BY execution_id, run, finished_at',
      [queue],
    );
    const out = new Map<string, { -readonly [K in keyof HistoryOf]: HistoryOf[K] }>();
    for (const row of rows) {
      const h = out.get(row.execution_id) ?? { runs: [], lastState: '', message: '', attempts: 0 };
      h.runs.push(row.run);
      h.lastState = row.state;
      h.message = row.message;
      h.attempts += row.attempts;
      out.set(row.execution_id, h);
    }
    return out;
  } finally {
    await client.end();
  }
}
