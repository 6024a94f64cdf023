import type { SqlMigration } from './sql-migration.js';

/**
 * The output (a few KiB of JSON a record, the one value large enough to be
 * compressed) is compressed with lz4 rather than PostgreSQL's default pglz:
 * compressing every inserted output with pglz is a sizeable part of what
 * the recorder's writes cost the server (batches of 1,000 written one after
 * another into an empty table: 4,700 records/s with pglz, 5,500 with lz4),
 * for about the same size. Only values written from now on
 * use it; older rows stay readable as they are. A server built without lz4
 * (and the embedded PGlite) keeps pglz: the block swallows only that error.
 */
export const outputLz4: SqlMigration = {
  name: '0003-output-lz4',
  statements: [
    `DO $$
    BEGIN
      ALTER TABLE executions ALTER COLUMN output SET COMPRESSION lz4;
    EXCEPTION WHEN feature_not_supported OR invalid_parameter_value THEN
      RAISE NOTICE 'lz4 is not available: the output stays compressed with pglz';
    END $$`,
  ],
};
