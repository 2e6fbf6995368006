import { stringify } from 'csv-stringify/sync';
import type { Report, ReportRow } from './report';

/**
 * A report as CSV (RFC 4180: comma-separated, CRLF line ends, fields with a comma, quote or line
 * break quoted, quotes doubled). Header: the group columns, then the measures. One line per row,
 * then the total: its first group column says 'Total' (the others empty). A suppressed figure is
 * '*'; a figure that cannot be computed (no denominator) is empty.
 */
export function toCsv(report: Report): string {
  const header = [...report.groupColumns, ...report.measureNames];
  const line = (row: ReportRow, group: string[]) => [
    ...group,
    ...report.measureNames.map((name) => {
      if (row.suppressed.includes(name)) return '*';
      const value = row.measures[name];
      return value === null || value === undefined ? '' : String(value);
    }),
  ];
  const rows = report.rows.map((row) =>
    line(
      row,
      report.groupColumns.map((k) => row.group[k] ?? ''),
    ),
  );
  const total = line(
    report.total,
    report.groupColumns.map((_, i) => (i === 0 ? 'Total' : '')),
  );
  return stringify([header, ...rows, total], {
    record_delimiter: 'windows',
    // csv-stringify quotes fields holding the record delimiter (CRLF); a bare CR or LF must be quoted too.
    quoted_match: /[\r\n]/,
  });
}
