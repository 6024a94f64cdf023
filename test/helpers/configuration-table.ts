import { configurationRows } from '../../shared/config-variables.js';

/** One row as the docs show it: its names (a row may list several), default cell, meaning. */
export interface DocumentedRow {
  names: string[];
  defaults: string;
  meaning: string;
}

/** The markdown table of configurationRows(), one row per variable (run prettier over it). */
export function renderConfigurationTable(): string {
  const lines = ['| variable | default | meaning |', '| --- | --- | --- |'];
  for (const row of configurationRows()) {
    lines.push(`| \`${row.name}\` | ${row.default} | ${row.meaning.replace(/\|/g, '\\|')} |`);
  }
  return lines.join('\n');
}

/**
 * The rows of the first `variable | default | meaning` table in `markdown`.
 * A row may name several variables (`` `HOST`, `PORT` ``); `` `_COUNT` `` after
 * `` `TASKREST_KEEP_FAILED_SECONDS` `` stands for `TASKREST_KEEP_FAILED_COUNT`.
 */
export function documentedRows(markdown: string): DocumentedRow[] {
  const lines = markdown.split('\n');
  const header = lines.findIndex((l) =>
    /^\|\s*variable\s*\|\s*default\s*\|\s*meaning\s*\|$/.test(l),
  );
  if (header === -1) return [];
  const rows: DocumentedRow[] = [];
  for (const line of lines.slice(header + 2)) {
    if (!line.startsWith('|')) break;
    const [, nameCell = '', defaults = '', meaning = ''] = line
      .split(/(?<!\\)\|/)
      .map((cell) => cell.trim());
    const names: string[] = [];
    for (const [, name = ''] of nameCell.matchAll(/`([A-Z_]+)`/g)) {
      const previous = names.at(-1);
      names.push(
        name.startsWith('_') && previous
          ? previous.slice(0, previous.lastIndexOf('_')) + name
          : name,
      );
    }
    rows.push({ names, defaults, meaning });
  }
  return rows;
}

/**
 * The default a documented row gives each of its variables: one per name
 * when the cell lists as many (`` `127.0.0.1`, `3000` ``), else the cell for
 * all; a note in parentheses after `unset` (`unset (any host)`) is dropped.
 */
export function documentedDefaults(row: DocumentedRow): Map<string, string> {
  const cell = row.defaults.replace(/^unset \([^)]*\)$/, 'unset');
  const parts = cell.split(/,\s+(?=`|unset)/);
  const each = parts.length === row.names.length ? parts : row.names.map(() => cell);
  return new Map(row.names.map((name, i) => [name, (each[i] ?? '').trim()]));
}
