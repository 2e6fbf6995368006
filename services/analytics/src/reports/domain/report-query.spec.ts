import { parseReportQuery } from './report-query';

const now = new Date('2026-12-03T19:00:00.000Z');

function ok(
  raw: Record<string, string | string[] | undefined>,
  opts?: Parameters<typeof parseReportQuery>[2],
) {
  const parsed = parseReportQuery(raw, now, opts);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return parsed.query;
}

function problems(
  raw: Record<string, string | string[] | undefined>,
  opts?: Parameters<typeof parseReportQuery>[2],
) {
  const parsed = parseReportQuery(raw, now, opts);
  if (parsed.ok) throw new Error('expected problems');
  return parsed.problems.map((p) => [p.field, p.code]);
}

describe('parseReportQuery', () => {
  it('defaults to the 12 months up to now, no grouping, figures as of now', () => {
    expect(ok({})).toEqual({
      from: new Date('2025-12-03T19:00:00.000Z'),
      to: now,
      groupBy: [],
      asOf: now,
    });
  });

  it('reads dates as midnight UTC and date-times with their zone; from defaults to 12 months before to', () => {
    const q = ok({ from: '2026-01-01', to: '2026-04-01T10:30:00+01:00' });
    expect(q.from.toISOString()).toBe('2026-01-01T00:00:00.000Z');
    expect(q.to.toISOString()).toBe('2026-04-01T09:30:00.000Z');
    expect(ok({ to: '2026-07-01' }).from.toISOString()).toBe('2025-07-01T00:00:00.000Z');
  });

  it('reads groupBy comma-separated and repeated, in order, without duplicates', () => {
    expect(ok({ groupBy: 'need, month' }).groupBy).toEqual(['need', 'month']);
    expect(ok({ groupBy: ['practice,need', 'need', 'sex'] }).groupBy).toEqual(['practice', 'need', 'sex']);
    expect(ok({ groupBy: '' }).groupBy).toEqual([]);
    expect(ok({}, { defaultGroupBy: ['service'] }).groupBy).toEqual(['service']);
  });

  it.each([
    'practice',
    'pcn',
    'service',
    'organisation',
    'need',
    'ageBand',
    'sex',
    'imdDecile',
    'ethnicCategory',
    'month',
    'week',
  ])('accepts groupBy=%s', (key) => {
    expect(ok({ groupBy: key }).groupBy).toEqual([key]);
  });

  it('refuses malformed and impossible dates, and date-times without a zone', () => {
    expect(problems({ from: '01/02/2026' })).toEqual([['from', 'format']]);
    expect(problems({ from: '2026-02-30' })).toEqual([['from', 'format']]);
    expect(problems({ to: '2026-02-01T10:00:00' })).toEqual([['to', 'format']]);
    expect(problems({ from: ['2026-01-01', '2026-02-01'] })).toEqual([['from', 'repeated']]);
  });

  it('refuses from at or after to', () => {
    expect(problems({ from: '2026-03-01', to: '2026-03-01' })).toEqual([['from', 'order']]);
    expect(problems({ from: '2026-03-02', to: '2026-03-01' })).toEqual([['from', 'order']]);
  });

  it('accepts exactly 5 years and refuses more', () => {
    expect(ok({ from: '2021-01-01', to: '2026-01-01' }).from.toISOString()).toBe('2021-01-01T00:00:00.000Z');
    expect(problems({ from: '2021-01-01', to: '2026-01-01T00:00:01Z' })).toEqual([['to', 'maxRange']]);
  });

  it('names each unknown or disallowed key, and month with week, all at once with bad dates', () => {
    expect(
      problems(
        { from: 'yesterday', groupBy: 'need,colour,sex,shoeSize,month,week' },
        { allowedGroupBy: ['need', 'month', 'week'] },
      ),
    ).toEqual([
      ['from', 'format'],
      ['groupBy', 'unknown'],
      ['groupBy', 'notAllowed'],
      ['groupBy', 'unknown'],
      ['groupBy', 'conflict'],
    ]);
    const parsed = parseReportQuery({ groupBy: 'colour' }, now);
    expect(!parsed.ok && parsed.problems[0]!.message).toContain('"colour"');
  });
});
