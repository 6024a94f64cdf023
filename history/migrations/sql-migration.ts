/**
 * One versioned change of the history's schema: a TS module exporting its
 * SQL, so that it is compiled into dist/ with the rest and needs no file
 * lookup at run time. Migrations only go up: the history is a cache of
 * what ended, so a schema is never rolled back, only followed by a newer
 * migration (which may drop what it replaces).
 */
export interface SqlMigration {
  /** Sorts in the order migrations run (`0001-…`); recorded in `taskrest_migrations` once run. */
  readonly name: string;
  /** Statements run in order, in the one transaction that runs every pending migration. */
  readonly statements: readonly string[];
}
