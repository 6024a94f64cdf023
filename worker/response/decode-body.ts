import { TextDecoder } from 'node:util';

/**
 * Response decoding: the body's text in the charset the response declares,
 * and its JSON when it parses. Decompression already happened in the transport.
 */
export interface DecodedBody {
  text: string;
  /** Present only when the text parses as JSON. */
  json?: unknown;
  /** The charset used to decode `text` (WHATWG label, lower case). */
  encoding: string;
}

const JSON_START = /^[\s]*[{["\-0-9tfn]/;

export function decodeBody(body: Buffer, contentType: string | undefined): DecodedBody {
  const declared = charsetOf(contentType);
  const { decoder, encoding } = decoderFor(declared ?? sniffBom(body) ?? 'utf-8');
  const text = decoder.decode(body);
  const decoded: DecodedBody = { text, encoding };
  if (text.length > 0 && JSON_START.test(text)) {
    try {
      decoded.json = JSON.parse(text) as unknown;
    } catch {
      // Not JSON after all: `json` stays absent, `text` is there (docs/tasks.md#output).
    }
  }
  return decoded;
}

function charsetOf(contentType: string | undefined): string | undefined {
  const match = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType ?? '');
  return match?.[1]?.toLowerCase();
}

function sniffBom(body: Buffer): string | undefined {
  if (body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf) return 'utf-8';
  if (body[0] === 0xff && body[1] === 0xfe) return 'utf-16le';
  if (body[0] === 0xfe && body[1] === 0xff) return 'utf-16be';
  return undefined;
}

function decoderFor(label: string): { decoder: TextDecoder; encoding: string } {
  try {
    const decoder = new TextDecoder(label);
    return { decoder, encoding: decoder.encoding };
  } catch {
    // An unknown charset label: decode as UTF-8 rather than fail the execution.
    return { decoder: new TextDecoder('utf-8'), encoding: 'utf-8' };
  }
}
