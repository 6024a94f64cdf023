import { describe, expect, it } from 'vitest';
import { decodeBody } from '../../worker/executor/response/decode-body.js';
import { jsonOfText } from '../../shared/output-json.js';
import { jsonDepthOver, MAX_JSON_DEPTH } from '../../shared/json-depth.js';

/** "Grüße aus Köln" in ISO-8859-1 (ü = FC, ß = DF, ö = F6): not valid UTF-8. */
const LATIN1 = Buffer.from('Grüße aus Köln', 'latin1');
const bytes = (...parts: (string | Buffer)[]) =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : p)));

describe('decodeBody: the charset, and never a lost byte', () => {
  it('uses the charset the Content-Type declares', () => {
    expect(decodeBody(LATIN1, 'text/plain; charset=ISO-8859-1')).toMatchObject({
      text: 'Grüße aus Köln',
      // WHATWG: the iso-8859-1 label is windows-1252, and that is the decoder used.
      encoding: 'windows-1252',
    });
    expect(decodeBody(Buffer.from('Grüße', 'utf8'), 'text/plain; charset="utf-8"')).toMatchObject({
      text: 'Grüße',
      encoding: 'utf-8',
    });
  });

  it('without a charset: UTF-8 when the body is valid UTF-8', () => {
    expect(decodeBody(Buffer.from('Grüße aus Köln', 'utf8'), 'text/plain')).toEqual({
      text: 'Grüße aus Köln',
      encoding: 'utf-8',
    });
  });

  it('without a charset: windows-1252 when the body is not valid UTF-8 (no U+FFFD)', () => {
    for (const type of ['text/plain', 'text/html', undefined]) {
      const decoded = decodeBody(LATIN1, type);
      expect(decoded).toEqual({ text: 'Grüße aus Köln', encoding: 'windows-1252' });
    }
  });

  it('keeps every byte 0x00-0xFF of a body no charset fits', () => {
    const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const decoded = decodeBody(all, 'application/octet-stream');
    expect(decoded.text).not.toContain('\uFFFD');
    expect(decoded.text).toHaveLength(256);
    expect(decoded.encoding).toBe('windows-1252');
  });

  it('a declared charset the bytes are not valid in falls through instead of losing bytes', () => {
    expect(decodeBody(LATIN1, 'text/plain; charset=utf-8')).toEqual({
      text: 'Grüße aus Köln',
      encoding: 'windows-1252',
    });
  });

  it('an unknown declared charset: the next rule decides', () => {
    expect(decodeBody(LATIN1, 'text/plain; charset=x-no-such-charset')).toMatchObject({
      text: 'Grüße aus Köln',
      encoding: 'windows-1252',
    });
  });

  it('a BOM names the charset (and is not part of the text)', () => {
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Grüße', 'utf16le')]);
    expect(decodeBody(le, 'text/plain')).toEqual({ text: 'Grüße', encoding: 'utf-16le' });
    const utf8 = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('Köln', 'utf8')]);
    expect(decodeBody(utf8, undefined)).toEqual({ text: 'Köln', encoding: 'utf-8' });
  });

  it('an HTML <meta charset> names the charset', () => {
    const html = bytes(
      '<html><head><meta charset="iso-8859-2"></head><body>',
      Buffer.from([0xb1]),
      '</body></html>',
    );
    const decoded = decodeBody(html, 'text/html');
    expect(decoded.encoding).toBe('iso-8859-2');
    expect(decoded.text).toContain('ą'); // 0xB1 in ISO-8859-2
  });

  it('an HTML <meta http-equiv content="…charset=…"> names the charset', () => {
    const html = bytes(
      '<html><head><meta http-equiv="Content-Type" content="text/html; charset=koi8-r"></head><body>',
      Buffer.from([0xc1]),
      '</body></html>',
    );
    const decoded = decodeBody(html, 'text/html');
    expect(decoded.encoding).toBe('koi8-r');
    expect(decoded.text).toContain('а'); // 0xC1 in KOI8-R: Cyrillic a
  });

  it('an XML declaration names the charset', () => {
    const xml = bytes(
      '<?xml version="1.0" encoding="ISO-8859-2"?><a>',
      Buffer.from([0xb1]),
      '</a>',
    );
    expect(decodeBody(xml, 'application/xml')).toEqual({
      text: '<?xml version="1.0" encoding="ISO-8859-2"?><a>ą</a>',
      encoding: 'iso-8859-2',
    });
  });

  it('the Content-Type charset wins over what the body says of itself', () => {
    const html = bytes('<meta charset="iso-8859-2">', Buffer.from([0xe9]));
    expect(decodeBody(html, 'text/html; charset=windows-1252')).toMatchObject({
      text: '<meta charset="iso-8859-2">é',
      encoding: 'windows-1252',
    });
  });
});

describe('decodeBody: json', () => {
  it('leaves the parsing to the readers', () => {
    expect(decodeBody(Buffer.from('{"a":[1]}'), 'application/json')).toEqual({
      text: '{"a":[1]}',
      encoding: 'utf-8',
    });
  });

  it(`says why json will be absent when the text nests deeper than ${MAX_JSON_DEPTH}`, () => {
    const deep = '['.repeat(10_000) + ']'.repeat(10_000);
    const decoded = decodeBody(Buffer.from(deep), 'application/json');
    expect(decoded.text).toBe(deep);
    expect(decoded.jsonOmitted).toMatch(/nested deeper than 1000 levels/);
    expect(jsonOfText(decoded.text)).toEqual({});
    const atLimit = '['.repeat(MAX_JSON_DEPTH) + ']'.repeat(MAX_JSON_DEPTH);
    expect(decodeBody(Buffer.from(atLimit), 'application/json')).not.toHaveProperty('jsonOmitted');
    expect(jsonOfText(atLimit)).toHaveProperty('json');
  });

  it('counts only brackets outside strings', () => {
    expect(jsonDepthOver(`["${'['.repeat(50)}\\"${'{'.repeat(50)}"]`, 3)).toBe(false);
    expect(jsonDepthOver('{"a":{"b":[[1]]}}', 3)).toBe(true);
    expect(jsonDepthOver('{"a":{"b":[1]}}', 3)).toBe(false);
  });
});
