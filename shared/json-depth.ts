/**
 * How deep JSON may nest in a task body. Serialising a value (JSON.stringify,
 * which BullMQ uses to store a job) recurses once per level and overflows the
 * stack at a few thousand; no API needs more than a few dozen.
 */
export const MAX_JSON_DEPTH = 1000;

/**
 * Whether `value` nests arrays and objects deeper than `maxDepth` levels.
 * Iterative, so that measuring a hostile value cannot overflow the stack
 * itself; stops at the first path that is too deep.
 */
export function nestsDeeperThan(value: unknown, maxDepth: number): boolean {
  const pending: [unknown, number][] = [[value, 0]];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [current, depth] = next;
    if (current === null || typeof current !== 'object') continue;
    if (depth + 1 > maxDepth) return true;
    for (const child of Object.values(current)) {
      if (child !== null && typeof child === 'object') pending.push([child, depth + 1]);
    }
  }
  return false;
}
