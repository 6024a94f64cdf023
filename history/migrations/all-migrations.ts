import { executionsTable } from './0001-executions.js';
import { originStatsIndex } from './0002-origin-stats-index.js';
import { outputLz4 } from './0003-output-lz4.js';
import type { SqlMigration } from './sql-migration.js';

/** Every migration of the history's schema, oldest first: a new one is appended here. */
export const ALL_MIGRATIONS: readonly SqlMigration[] = [
  executionsTable,
  originStatsIndex,
  outputLz4,
];
