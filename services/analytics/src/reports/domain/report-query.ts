import type { FieldProblem } from '@sp/errors';
import type { GroupByKey, ReportQuery } from './report';

export type RawReportQuery = Record<string, string | string[] | undefined>;

export type ParsedReportQuery = { ok: true; query: ReportQuery } | { ok: false; problems: FieldProblem[] };

export function parseReportQuery(
  _raw: RawReportQuery,
  _now: Date,
  _opts?: { allowedGroupBy?: readonly GroupByKey[]; defaultGroupBy?: readonly GroupByKey[] },
): ParsedReportQuery {
  throw new Error('not implemented');
}
