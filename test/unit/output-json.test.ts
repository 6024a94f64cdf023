import { describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH } from '../../shared/json-depth.js';
import { jsonOfText } from '../../shared/output-json.js';

describe('the output json, derived from text by its readers', () => {
  it('parses any JSON text, whatever its content type said', () => {
    expect(jsonOfText('{"a":[1,{"b":null}]}')).toEqual({ json: { a: [1, { b: null }] } });
    expect(jsonOfText(' [true, 2, "x"]')).toEqual({ json: [true, 2, 'x'] });
    expect(jsonOfText('null')).toEqual({ json: null });
    expect(jsonOfText('-1.5e3')).toEqual({ json: -1500 });
  });

  it('has no json for text that is not JSON, empty or absent', () => {
    expect(jsonOfText('<html></html>')).toEqual({});
    expect(jsonOfText('{"unterminated": ')).toEqual({});
    expect(jsonOfText('')).toEqual({});
    expect(jsonOfText(null)).toEqual({});
  });

  it(`has no json for text nested deeper than ${MAX_JSON_DEPTH} levels`, () => {
    const deep = '['.repeat(MAX_JSON_DEPTH + 1) + ']'.repeat(MAX_JSON_DEPTH + 1);
    expect(jsonOfText(deep)).toEqual({});
  });
});
