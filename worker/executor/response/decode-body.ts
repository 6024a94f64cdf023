import { TextDecoder } from 'node:util';
import { JSON_TOO_DEEP, tooDeepForJson } from '../../../shared/output-json.js';
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
  const { text, encoding } = decodeText(body, contentType);
  return tooDeepForJson(text) ? { text, encoding, jsonOmitted: JSON_TOO_DEEP } : { text, encoding };
}

/**
 * Decodes with the first charset the bytes are valid in: the declared one,
 * the one the body names (looked for only when the declared one is absent
 * or fails), UTF-8, then windows-1252.
 */
function decodeText(body: Buffer, contentType: string | undefined): Decoded {
  return (
    decodeAs(body, charsetOf(contentType)) ??
    decodeAs(body, sniffCharset(body, contentType)) ??
    decodeAs(body, 'utf-8') ??
    // Every byte is a character in windows-1252 (WHATWG): nothing is lost.
    (decodeAs(body, 'windows-1252') as Decoded)
  );
}

interface Decoded {
  text: string;
  encoding: string;
}

/** The body decoded in `label`'s charset; null for an unknown label or bytes not valid in it. */
function decodeAs(body: Buffer, label: string | undefined): Decoded | null {
  const decoder = label === undefined ? null : decoderFor(label);
  if (!decoder) return null;
  try {
    return { text: decoder.decode(body), encoding: decoder.encoding };
  } catch {
    // Not valid in this charset: decoding anyway would replace bytes with U+FFFD.
    return null;
  }
}

/**
 * One fatal TextDecoder per charset label, made once: a decode() that does
 * not stream starts afresh every time, so one decoder serves every response
 * (making one per response was most of decoding a 1 KiB body). Labels come
 * from servers: the cache is bounded. windows-1252 decodes any byte, so its
 * decoder is not fatal.
 */
const decoders = new Map<string, TextDecoder | null>();

function decoderFor(label: string): TextDecoder | null {
  let decoder = decoders.get(label);
  if (decoder === undefined) {
    try {
      decoder = new TextDecoder(label, { fatal: label !== 'windows-1252' });
    } catch {
      decoder = null; // An unknown charset label: the next rule decides.
    }
    if (decoders.size >= 256) decoders.clear();
    decoders.set(label, decoder);
  }
  return decoder;
}

function charsetOf(contentType: string | undefined): string | undefined {
  const match = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType ?? '');
  return match?.[1]?.toLowerCase();
}
