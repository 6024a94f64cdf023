import { TextDecoder } from 'node:util';
import { JSON_TOO_DEEP, tooDeepForJson } from '../../shared/output-json.js';
import { sniffCharset } from './sniff-charset.js';

/**
 * Response decoding: the body's text, never losing a byte. Decompression
 * already happened in the transport; the output's `json` is the text parsed,
 * by its readers (shared/output-json.ts).
 *
 * The charset, first that decodes the body without error: the one the
 * Content-Type declares, else a BOM, an HTML `<meta charset>` or an XML
 * declaration; else UTF-8; else windows-1252 (which maps every byte to a
 * character, so nothing is lost). A declared charset the bytes are not valid
 * in falls through to the next rule rather than turning bytes into U+FFFD.
 */
export interface DecodedBody {
  text: string;
  /** The charset used to decode `text` (WHATWG name, lower case). */
  encoding: string;
  /** Why readers will find no `json` although the text looks like JSON (for the log). */
  jsonOmitted?: string;
}

export function decodeBody(body: Buffer, contentType: string | undefined): DecodedBody {
  const { text, encoding } = decodeText(body, [
    charsetOf(contentType),
    sniffCharset(body, contentType),
  ]);
  return tooDeepForJson(text) ? { text, encoding, jsonOmitted: JSON_TOO_DEEP } : { text, encoding };
}

/** Decodes with the first candidate charset the bytes are valid in; UTF-8, then windows-1252, last. */
function decodeText(
  body: Buffer,
  candidates: (string | undefined)[],
): { text: string; encoding: string } {
  for (const label of [...candidates, 'utf-8']) {
    if (!label) continue;
    let decoder: TextDecoder;
    try {
      decoder = new TextDecoder(label, { fatal: true });
    } catch {
      continue; // An unknown charset label: the next rule decides.
    }
    try {
      return { text: decoder.decode(body), encoding: decoder.encoding };
    } catch {
      // Not valid in this charset: decoding anyway would replace bytes with U+FFFD.
    }
  }
  // Every byte is a character in windows-1252 (WHATWG): nothing is lost.
  const decoder = new TextDecoder('windows-1252');
  return { text: decoder.decode(body), encoding: decoder.encoding };
}

function charsetOf(contentType: string | undefined): string | undefined {
  const match = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType ?? '');
  return match?.[1]?.toLowerCase();
}
