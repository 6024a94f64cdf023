import { describe, expect, it } from 'vitest';
import { parseSchedulesArgs } from '../../cli/schedules-args.js';
import { UsageError } from '../../cli/usage-error.js';

describe('taskrest schedules: its command line', () => {
  it('lists without arguments or with ls; get and rm take an ID', () => {
    expect(parseSchedulesArgs([])).toEqual({ action: 'ls' });
    expect(parseSchedulesArgs(['ls'])).toEqual({ action: 'ls' });
    expect(parseSchedulesArgs(['get', 'nightly'])).toEqual({ action: 'get', id: 'nightly' });
    expect(parseSchedulesArgs(['rm', 'nightly'])).toEqual({ action: 'rm', id: 'nightly' });
  });

  it('set: the flags become the library options; the task comes from FILE, - or --json', () => {
    expect(
      parseSchedulesArgs([
        'set',
        'nightly',
        '--cron',
        '0 3 * * *',
        '--tz',
        'Europe/Vienna',
        '--queue',
        'reports',
        '--start-at',
        '2027-01-01T00:00:00Z',
        '--end-at',
        '2028-01-01T00:00:00Z',
        '--limit',
        '10',
        'task.json',
      ]),
    ).toEqual({
      action: 'set',
      id: 'nightly',
      source: { file: 'task.json' },
      options: {
        cron: '0 3 * * *',
        tz: 'Europe/Vienna',
        queue: 'reports',
        startAt: '2027-01-01T00:00:00Z',
        endAt: '2028-01-01T00:00:00Z',
        limit: 10,
      },
    });
    expect(parseSchedulesArgs(['set', 'ping', '--every', '30', '--json', '{}'])).toMatchObject({
      source: { json: '{}' },
      options: { everySeconds: 30 },
    });
    expect(parseSchedulesArgs(['set', 'ping', '--every', '0.5', '-'])).toMatchObject({
      source: { file: '-' },
    });
  });

  it.each([
    [['set', 'x', 'task.json'], /either --cron or --every/],
    [['set', 'x', '--cron', '* * * * *', '--every', '5', 'task.json'], /either --cron or --every/],
    [['set', 'x', '--every'], /--every needs a value/],
    [['set', 'x', '--every', 'soon'], /--every: expected a number/],
    [['set', 'x', '--every', '5', 'a.json', 'b.json'], /unexpected argument b.json/],
    [['set', 'x', '--every', '5', '--wait'], /unexpected argument --wait/],
    [['set'], /takes ID/],
    [['rm'], /takes ID/],
    [['rm', 'x', 'y'], /usage: taskrest schedules/],
    [['pause', 'x'], /unknown action pause/],
  ])('%j is a usage error', (args, message) => {
    expect(() => parseSchedulesArgs(args)).toThrow(UsageError);
    expect(() => parseSchedulesArgs(args)).toThrow(message);
  });
});
