import type { ExecutionSummary } from '../shared/history/execution-record.js';

/** The widest a URL column gets; longer URLs are cut with `…`. */
const URL_WIDTH = 60;

const HEADERS = [
  'FINISHED_AT',
  'QUEUE',
  'ID',
  'RUN',
  'STATE',
  'STATUS',
  'METHOD',
  'URL',
  'DURATION',
] as const;

/**
 * The executions as a table for people at a terminal: one line each, the
 * columns padded to their widest cell, the URL cut at URL_WIDTH characters.
 */
export function executionsTable(executions: readonly ExecutionSummary[]): string {
  const rows = [[...HEADERS], ...executions.map(cellsOf)];
  const widths = HEADERS.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows
    .map((row) =>
      row
        .map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!)))
        .join('  ')
        .trimEnd(),
    )
    .map((line) => `${line}\n`)
    .join('');
}

function cellsOf(e: ExecutionSummary): string[] {
  return [
    e.finished_at,
    e.queue,
    String(e.execution_id),
    String(e.run),
    e.state,
    e.status_code === null ? '-' : String(e.status_code),
    e.method ?? '-',
    cut(e.url ?? '-', URL_WIDTH),
    e.duration_ms === null ? '-' : `${e.duration_ms} ms`,
  ];
}

function cut(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, width - 1)}…`;
}
