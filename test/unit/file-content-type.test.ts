import { describe, expect, it } from 'vitest';
import {
  DEFAULT_FILE_CONTENT_TYPE,
  fileContentType,
} from '../../worker/executor/request/file-content-type.js';

describe('fileContentType', () => {
  it.each([
    ['report.txt', 'text/plain; charset=utf-8'],
    ['REPORT.TXT', 'text/plain; charset=utf-8'],
    ['page.html', 'text/html; charset=utf-8'],
    ['data.csv', 'text/csv; charset=utf-8'],
    ['data.json', 'application/json'],
    ['photo.JPG', 'image/jpeg'],
    ['archive.tar', 'application/x-tar'],
    ['dir/sub/image.png', 'image/png'],
    ['module.wasm', 'application/wasm'],
  ])('%s is %s', (name, type) => {
    expect(fileContentType(name)).toBe(type);
  });

  it.each(['all-bytes.bin', 'README', '.hidden', 'name.unknown-extension'])(
    '%s is application/octet-stream',
    (name) => {
      expect(fileContentType(name)).toBe(DEFAULT_FILE_CONTENT_TYPE);
    },
  );
});
