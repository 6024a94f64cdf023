import { jsonDepthOver, MAX_JSON_DEPTH } from './json-depth.js';

/**
 * An output's `json` is the body's `text` parsed, whenever it parses and
 * nests no deeper than MAX_JSON_DEPTH. It is therefore not stored: the
 * worker writes the output without it (a JSON body would otherwise be kept
 * twice, as text and as parsed JSON, and parsed by the worker for nothing),
 * and every reader (API, library, CLI, dashboard) adds it back
 * (shared/stored-output.ts). docs/performance.md gives what it saves per
 * retained job.
 */

const JSON_START = /^\s*[{["\-0-9tfn]/;

/** Why `json` stays absent although the text may be JSON: nested too deep (a line for the log). */
export const JSON_TOO_DEEP = `json left out: nested deeper than ${MAX_JSON_DEPTH} levels (text has the body)`;

/** Whether `text` looks like JSON but nests too deep to be kept as `json` (found without parsing). */
export function tooDeepForJson(text: string | null): boolean {
  return text !== null && JSON_START.test(text) && jsonDepthOver(text, MAX_JSON_DEPTH);
}

/** `{ json }` when `text` parses as JSON that is not nested too deep; `{}` otherwise. */
export function jsonOfText(text: string | null): { json?: unknown } {
  if (text === null || text.length === 0 || !JSON_START.test(text)) return {};
  // Deeper than this, JSON.stringify (answering with the output) overflows the stack.
  if (jsonDepthOver(text, MAX_JSON_DEPTH)) return {};
  try {
    return { json: JSON.parse(text) as unknown };
  } catch {
    return {}; // Not JSON after all: `json` stays absent, `text` is there.
  }
}
