import { Umzug, type UmzugStorage } from 'umzug';
import { ALL_MIGRATIONS } from './migrations/all-migrations.js';
import type { SqlMigration } from './migrations/sql-migration.js';
import type { SqlClient } from './sql-client.js';

/**
 * The advisory lock key every taskrest process migrating the history takes
 * (an arbitrary constant: "taskrest" in ASCII, trimmed to an int8).
 */
export const MIGRATION_LOCK_KEY = 0x7461736b72657374n;

/** The table umzug records each migration that ran in. */
const MIGRATIONS_TABLE = 'taskrest_migrations';

/**
 * Runs every pending migration (umzug, with its record kept in
 * `taskrest_migrations`) in one transaction under a PostgreSQL advisory
 * lock: API and recorder processes that start at once all call this, the
 * first migrates, the others wait for its commit and find nothing pending.
 * A failed migration rolls back whole, so a schema is never half made.
 * Returns the names of the migrations it ran.
 */
export async function migrate(
  client: SqlClient,
  migrations: readonly SqlMigration[] = ALL_MIGRATIONS,
): Promise<string[]> {
  return client.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1::bigint)', [MIGRATION_LOCK_KEY.toString()]);
    await tx.query(
      `CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (
        name text PRIMARY KEY,
        migrated_at timestamptz NOT NULL DEFAULT now()
      )`,
    );
    const umzug = new Umzug<SqlClient>({
      migrations: migrations.map((migration) => ({
        name: migration.name,
        up: async ({ context }) => {
          for (const statement of migration.statements) await context.query(statement);
        },
      })),
      context: tx,
      storage: tableStorage,
      logger: undefined,
    });
    const ran = await umzug.up();
    return ran.map((migration) => migration.name);
  });
}

/** umzug's record of what ran, as rows of `taskrest_migrations`, read and written in the migrating transaction. */
const tableStorage: UmzugStorage<SqlClient> = {
  async logMigration({ name, context }) {
    await context.query(`INSERT INTO ${MIGRATIONS_TABLE} (name) VALUES ($1)`, [name]);
  },
  async unlogMigration({ name, context }) {
    await context.query(`DELETE FROM ${MIGRATIONS_TABLE} WHERE name = $1`, [name]);
  },
  async executed({ context }) {
    const rows = await context.query<{ name: string }>(
      `SELECT name FROM ${MIGRATIONS_TABLE} ORDER BY name`,
    );
    return rows.map((row) => row.name);
  },
};
