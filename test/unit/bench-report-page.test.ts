/**
 * `npm run bench` writes its table into docs/performance.md, between the
 * page's bench markers. A page that lost its markers would be left stale.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { replaceBenchTable, REPORT_PAGE } from '../../bench/report.js';

const root = new URL('../../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');

describe('the benchmark report page', () => {
  it('is docs/performance.md, and it has the bench markers', () => {
    expect(REPORT_PAGE).toBe('docs/performance.md');
    const page = read(REPORT_PAGE);
    expect(page.indexOf('<!-- bench:start -->')).toBeGreaterThan(-1);
    expect(page.indexOf('<!-- bench:end -->')).toBeGreaterThan(
      page.indexOf('<!-- bench:start -->'),
    );
  });

  it('replaces only the text between the markers', () => {
    const page = read(REPORT_PAGE);
    const replaced = replaceBenchTable(page, '| new | table |');
    expect(replaced).not.toBeNull();
    const [before] = page.split('<!-- bench:start -->');
    const [, after] = page.split('<!-- bench:end -->');
    expect(replaced).toBe(
      `${before}<!-- bench:start -->\n| new | table |\n<!-- bench:end -->${after}`,
    );
  });

  it('says so (null) when the markers are missing', () => {
    expect(replaceBenchTable('# no markers here\n', '| t |')).toBeNull();
    expect(replaceBenchTable('<!-- bench:end --> <!-- bench:start -->', '| t |')).toBeNull();
  });

  it('is no longer the README', () => {
    expect(read('README.md')).not.toContain('<!-- bench:start -->');
  });
});
