/**
 * How deep a response's JSON may nest for taskrest to keep it as `json`.
 * JSON.parse copes with any depth, but JSON.stringify (BullMQ storing the
 * output, the API answering with it) recurses and overflows the stack a few
 * thousand levels down. Deeper bodies keep `text` and leave `json` out.
 */
export const MAX_JSON_DEPTH = 512;

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
