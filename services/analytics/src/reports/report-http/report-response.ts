import { DomainError } from '@sp/errors';
import type { Principal } from '@sp/identity';
import type { Request, Response } from 'express';
import { toCsv, type Report } from '../domain';
import type { RawReportQuery, ReportName, RunReportUseCase } from '../run-report/run-report.use-case';

export const JSON_TYPE = 'application/json';
export const CSV_TYPE = 'text/csv';

/**
 * The representation the caller asked for in `Accept` (q-values honoured; no header or any type:
 * JSON), or a 406 problem when it accepts neither JSON nor CSV.
 */
export function negotiate(request: Pick<Request, 'accepts'>): 'json' | 'csv' {
  const chosen = request.accepts([JSON_TYPE, CSV_TYPE]);
  if (chosen === JSON_TYPE) return 'json';
  if (chosen === CSV_TYPE) return 'csv';
  throw new DomainError('REPORT.NOT_ACCEPTABLE', `Reports are available as ${JSON_TYPE} or ${CSV_TYPE}`, {
    status: 406,
  });
}

/** `activity-2025-01-01-to-2026-01-01.csv`: the report and its period (dates of the UTC instants). */
export function csvFilename(report: Pick<Report, 'period'>, name: ReportName): string {
  const day = (iso: string) => iso.slice(0, 10);
  return `${name}-${day(report.period.from)}-to-${day(report.period.to)}.csv`;
}

/**
 * The shared body of every report endpoint: negotiate first (a 406 costs no read), run the report,
 * answer JSON, or CSV as a download named after the report and its period.
 */
export async function respondWithReport(
  reports: RunReportUseCase,
  name: ReportName,
  principal: Principal,
  query: RawReportQuery,
  request: Pick<Request, 'accepts'>,
  response: Pick<Response, 'setHeader'>,
): Promise<Report | string> {
  const representation = negotiate(request);
  const report = await reports.run(name, principal, query);
  response.setHeader('vary', 'Accept');
  if (representation === 'json') return report;
  response.setHeader('content-type', `${CSV_TYPE}; charset=utf-8`);
  response.setHeader('content-disposition', `attachment; filename="${csvFilename(report, name)}"`);
  return toCsv(report);
}
