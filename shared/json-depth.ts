/**
 * How deep JSON may nest in a task body, and in a response for taskrest to
 * keep it as `json`. JSON.parse copes with any depth, but JSON.stringify
 * (BullMQ storing a job or an output, the API answering with it) recurses
 * once per level and overflows the stack between 3,000 and 5,000 levels here;
 * no API needs more than a few dozen.
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

/**
 * Whether the JSON text nests arrays and objects deeper than `limit`, found
 * without parsing (so without recursion): brackets inside strings do not count.
 */
export function jsonDepthOver(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return true;
    } else if (c === 0x5d || c === 0x7d) {
      depth--;
    }
  }
  return false;
}
