/** How many names of the queues added (and of those removed) one log line lists. */
export const LISTED_NAMES = 20;

/** What a change of the consumed queues logs: how many there are now, and which came and went. */
export interface QueueChangeFields {
  /** How many queues are consumed now. */
  readonly queues: number;
  /** The queues consumed from now on (at most LISTED_NAMES of them, sorted). */
  readonly added?: readonly string[];
  /** How many more were added than `added` lists. */
  readonly addedNotListed?: number;
  /** The queues let go (at most LISTED_NAMES of them, sorted). */
  readonly removed?: readonly string[];
  /** How many more were removed than `removed` lists. */
  readonly removedNotListed?: number;
}

/**
 * The log fields of a change from the queues `before` to those `after`: the
 * names that came and went, a few of each, never the whole list (with many
 * queues that list would make every change one very long line).
 */
export function queueChangeFields(
  before: readonly string[],
  after: readonly string[],
): QueueChangeFields {
  const was = new Set(before);
  const is = new Set(after);
  const added = after.filter((name) => !was.has(name)).sort();
  const removed = before.filter((name) => !is.has(name)).sort();
  return {
    queues: is.size,
    ...listed('added', added),
    ...listed('removed', removed),
  };
}

function listed(field: 'added' | 'removed', names: readonly string[]): Partial<QueueChangeFields> {
  if (names.length === 0) return {};
  const shown = names.slice(0, LISTED_NAMES);
  const more = names.length - shown.length;
  return { [field]: shown, ...(more > 0 ? { [`${field}NotListed`]: more } : {}) };
}
