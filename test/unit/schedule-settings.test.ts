import { describe, expect, it } from 'vitest';
import { InvalidScheduleError } from '../../shared/errors/invalid-schedule-error.js';
import {
  checkScheduleId,
  optionsOfSettings,
  scheduleIssues,
  settingsOfOptions,
} from '../../shared/schedule-settings.js';

const task = { url: 'https://a.example/' };
const paths = (input: unknown) => scheduleIssues(input).issues.map((i) => i.path);

describe('the schedule schema', () => {
  it('takes a cron schedule in a zone, or an interval, with start, end and limit', () => {
    expect(paths({ task, cron: '0 9 * * 1-5', tz: 'Europe/Vienna' })).toEqual([]);
    expect(paths({ task, cron: '*/10 * * * * *' })).toEqual([]);
    expect(
      paths({
        task,
        every_seconds: 1.5,
        start_at: '2027-01-01T00:00:00+01:00',
        end_at: '2099-01-01T00:00:00Z',
        limit: 3,
        queue: 'reports',
      }),
    ).toEqual([]);
  });

  it.each([
    [{ task, cron: '* * * * *', every_seconds: 1 }, ['every_seconds']],
    [{ task }, ['cron']],
    [{ task, cron: 'every day' }, ['cron']],
    [{ task, cron: '0 0 31 2 *' }, ['cron']],
    [{ task, cron: '0 9 * * *', tz: 'Europe/Viena' }, ['tz']],
    [{ task, every_seconds: 5, tz: 'UTC' }, ['tz']],
    [{ task, every_seconds: 0 }, ['every_seconds']],
    // Below the 1 s minimum, or finer than BullMQ's milliseconds: refused, never rounded.
    [{ task, every_seconds: 0.001 }, ['every_seconds']],
    [{ task, every_seconds: 0.0001 }, ['every_seconds']],
    [{ task, every_seconds: 0.999 }, ['every_seconds']],
    [{ task, every_seconds: 1.0005 }, ['every_seconds']],
    [{ task, every_seconds: 5, start_at: '2027-01-01' }, ['start_at']],
    [{ task, every_seconds: 5, end_at: '2001-01-01T00:00:00Z' }, ['end_at']],
    [
      { task, every_seconds: 5, start_at: '2099-06-01T00:00:00Z', end_at: '2099-01-01T00:00:00Z' },
      ['end_at'],
    ],
    [{ task, every_seconds: 5, limit: 1.5 }, ['limit']],
    [
      {
        task,
        cron: '0 0 1 1 *',
        start_at: '2098-02-01T00:00:00Z',
        end_at: '2098-12-01T00:00:00Z',
      },
      ['end_at'],
    ],
    [{ task: 'https://a.example/', every_seconds: 5 }, ['task']],
    [{ task, every_seconds: 5, queue: '../x' }, ['queue']],
    [{ task, every_seconds: 5, cronn: '* * * * *' }, ['cronn']],
  ])('%j is refused naming %j', (input, expected) => {
    expect(paths(input)).toEqual(expected);
  });

  it('the library names fields the JavaScript way; both spellings meet in the schema', () => {
    const startAt = new Date('2027-01-01T00:00:00Z');
    const settings = settingsOfOptions({
      task,
      everySeconds: 5,
      startAt,
      endAt: '2099-01-01T00:00:00Z',
    });
    expect(settings).toEqual({
      task,
      every_seconds: 5,
      start_at: '2027-01-01T00:00:00.000Z',
      end_at: '2099-01-01T00:00:00Z',
    });
    expect(paths(settingsOfOptions('every 5 s' as never))).toEqual(['']);
    expect(paths(settingsOfOptions([] as never))).toEqual(['']);
    expect(optionsOfSettings({ task, every_seconds: 5, evry: 1 })).toEqual({
      task,
      everySeconds: 5,
      evry: 1,
    });
  });

  it('ids: letters, digits, _ . - (they become part of BullMQ job ids)', () => {
    expect(checkScheduleId('nightly-report_2.v1')).toBe('nightly-report_2.v1');
    for (const bad of ['', 'a:b', 'a b', 'x'.repeat(201)]) {
      expect(() => checkScheduleId(bad)).toThrow(InvalidScheduleError);
    }
  });
});
