import type { Report, ReportRow } from '../../reports/domain';
import { baseSpec, datum, emptySpec, figure, groupValue, rowsWhere, type Chart } from './chart';
import { COUNT_AXIS, horizontalBars } from './funnel-chart';
import { sortGroups } from './equity-charts';

/** The first measure of the report whose name matches (the unmet-demand report names its counts). */
export function measureLike(report: Report, pattern: RegExp): string {
  return report.measureNames.find((m) => pattern.test(m)) ?? report.measureNames[0] ?? '';
}

/** Referrals refused at intake, by coded reason (unmet-demand's 'refusals' rows). */
export function refusalsChart(unmet: Report): Chart {
  const measure = measureLike(unmet, /refus/i);
  const rows = sortGroups(rowsWhere(unmet, 'section', 'refusals'), 'reason');
  const figures = rows.map((row) => ({
    reason: groupValue(row, 'reason'),
    figure: figure(row, measure, 'count'),
  }));
  const summary =
    figures.length === 0
      ? 'No referrals were refused at intake in the period.'
      : `Referrals refused at intake by reason: ${figures.map((f) => `${f.reason} ${f.figure.label}`).join(', ')}.`;
  return {
    id: 'refusals',
    heading: 'Referrals refused at intake, by reason',
    summary,
    spec:
      figures.length === 0
        ? emptySpec(summary, 'No refusals in the period')
        : horizontalBars(
            summary,
            figures.map((f) => datum(f.figure, { category: f.reason })),
            'Refused referrals',
          ),
    table: { columns: ['Reason', 'Refused referrals'], rows: figures.map((f) => [f.reason, f.figure.label]) },
  };
}

/** Waitlist length over time per service (unmet-demand's 'waitlist' rows, by month or week). */
export function waitlistChart(unmet: Report): Chart {
  const measure = measureLike(unmet, /waitlist.*(end|last|length)/i);
  const timeKey = unmet.groupBy.includes('week') ? 'week' : 'month';
  const rows: ReportRow[] = rowsWhere(unmet, 'section', 'waitlist').sort(
    (a, b) =>
      groupValue(a, timeKey).localeCompare(groupValue(b, timeKey)) ||
      groupValue(a, 'service').localeCompare(groupValue(b, 'service')),
  );
  const points = rows.map((row) => ({
    time: groupValue(row, timeKey),
    service: groupValue(row, 'service'),
    figure: figure(row, measure, 'count'),
  }));
  const summary =
    points.length === 0
      ? 'No capacity reports from services in the period.'
      : `Waitlist length by ${timeKey}: ${points.map((p) => `${p.service} ${p.time} ${p.figure.label}`).join('; ')}.`;
  return {
    id: 'waitlist',
    heading: `Waitlist length over time, by service (end of ${timeKey})`,
    summary,
    spec:
      points.length === 0
        ? emptySpec(summary, 'No capacity reports in the period')
        : {
            ...baseSpec(summary),
            height: 220,
            data: { values: points.map((p) => datum(p.figure, { time: p.time, service: p.service })) },
            mark: { type: 'line', point: { size: 60, filled: true }, strokeWidth: 2 },
            encoding: {
              x: {
                field: 'time',
                type: 'ordinal',
                title: timeKey === 'week' ? 'ISO week' : 'Month',
                sort: null,
                axis: { labelAngle: 0 },
              },
              y: { field: 'value', type: 'quantitative', title: 'People waiting', axis: COUNT_AXIS },
              color: { field: 'service', type: 'nominal', title: 'Service' },
            },
          },
    table: {
      columns: ['Service', timeKey === 'week' ? 'Week' : 'Month', 'Waitlist length'],
      rows: points.map((p) => [p.service, p.time, p.figure.label]),
    },
  };
}
