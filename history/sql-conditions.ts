/**
 * A WHERE clause being built from a filter: its conditions and their
 * parameters ($1…). Values always travel as parameters, never in the SQL
 * text, so a filter's text cannot change the statement.
 */
export class SqlConditions {
  readonly params: unknown[] = [];
  readonly #parts: string[] = [];

  /** The placeholder of `value`, added as the next parameter. */
  param(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }

  /** The placeholder of an epoch-ms instant, as a timestamptz. */
  time(at: number): string {
    return `${this.param(new Date(at).toISOString())}::timestamptz`;
  }

  add(condition: string): void {
    this.#parts.push(condition);
  }

  /** `column = $n` when `value` is given. */
  equals(column: string, value: string | number | undefined): void {
    if (value !== undefined) this.add(`${column} = ${this.param(value)}`);
  }

  /** `WHERE …` of every condition added (AND), or nothing. */
  toSql(): string {
    return this.#parts.length === 0 ? '' : `WHERE ${this.joined()}`;
  }

  /** Every condition added, joined by AND (`true` when none), to be combined with others. */
  joined(): string {
    return this.#parts.length === 0 ? 'true' : this.#parts.join(' AND ');
  }
}
