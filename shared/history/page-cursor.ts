/**
 * Where a page of the execution list ends: the sort key of its last record.
 * The list is newest first by (finished_at, queue, execution_id, run), a
 * total order, so the next page starts strictly after it: records that
 * arrive meanwhile (newer ones) never shift a page, and none is listed twice.
 */
export interface PageCursor {
  /** finished_at, epoch ms. */
  readonly finishedAt: number;
  readonly queue: string;
  readonly executionId: string;
  readonly run: number;
}

/** The cursor as the opaque `next_cursor` text (base64url of a JSON array). */
export function encodeCursor(cursor: PageCursor): string {
  const fields = [cursor.finishedAt, cursor.queue, cursor.executionId, cursor.run];
  return Buffer.from(JSON.stringify(fields)).toString('base64url');
}

/** The cursor `text` encodes, or undefined when it is not one of ours. */
export function decodeCursor(text: string): PageCursor | undefined {
  let fields: unknown;
  try {
    fields = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(fields) || fields.length !== 4) return undefined;
  const [finishedAt, queue, executionId, run] = fields as unknown[];
  if (
    typeof finishedAt !== 'number' ||
    !Number.isFinite(finishedAt) ||
    typeof queue !== 'string' ||
    typeof executionId !== 'string' ||
    typeof run !== 'number' ||
    !Number.isInteger(run)
  ) {
    return undefined;
  }
  return { finishedAt, queue, executionId, run };
}

/**
 * Whether a record sorted by (finishedAt, queue, executionId, run) comes
 * after `cursor` in the newest-first list (strictly older). What the SQL
 * row comparison `(…) < (…)` does, for lists kept in memory.
 */
export function isAfterCursor(
  record: { finishedAt: number; queue: string; executionId: string; run: number },
  cursor: PageCursor,
): boolean {
  if (record.finishedAt !== cursor.finishedAt) return record.finishedAt < cursor.finishedAt;
  if (record.queue !== cursor.queue) return record.queue < cursor.queue;
  if (record.executionId !== cursor.executionId) return record.executionId < cursor.executionId;
  return record.run < cursor.run;
}
