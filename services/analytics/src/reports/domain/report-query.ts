import type { FieldProblem } from '@sp/errors';
import { GROUP_BY_KEYS, type GroupByKey, type ReportQuery } from './report';

/**
 * Parses a report's query parameters (strings from the URL) into a ReportQuery, or lists every
 * problem found (one FieldProblem per problem, `field` the parameter name), never both.
 *
 * - from, to: a date 'YYYY-MM-DD' (midnight UTC) or an ISO date-time with Z or an offset
 *   ('2026-01-01T09:00:00Z'); `to` is exclusive. Defaults: to = now; from = to minus 12 months.
 * - from must be before to, and the period at most 5 years (to <= from + 5 calendar years).
 * - groupBy: comma-separated and/or repeated (?groupBy=need,month or ?groupBy=need&groupBy=month);
 *   order kept, duplicates dropped; empty = totals only (or the report's default). Each unknown
 *   key and each key the report does not allow is its own problem; month and week exclude each
 *   other.
 */
export type RawReportQuery = Record<string, string | string[] | undefined>;

export type ParsedReportQuery = { ok: true; query: ReportQuery } | { ok: false; problems: FieldProblem[] };

export interface ParseReportQueryOptions {
  /** Keys this report accepts (default: all of GROUP_BY_KEYS). */
  allowedGroupBy?: readonly GroupByKey[];
  /** Grouping when the caller gives none (default: none). */
  defaultGroupBy?: readonly GroupByKey[];
}

export const MAX_PERIOD_YEARS = 5;
const DEFAULT_PERIOD_MONTHS = 12;

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

function parseInstant(text: string): Date | undefined {
  const m = DATE_ONLY.exec(text) ?? DATE_TIME.exec(text);
  if (!m) return undefined;
  const [, y, mo, d] = m;
  // Reject impossible calendar dates (2026-02-30), which Date would roll over into March.
  const day = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
  if (
    day.getUTCFullYear() !== Number(y) ||
    day.getUTCMonth() !== Number(mo) - 1 ||
    day.getUTCDate() !== Number(d)
  ) {
    return undefined;
  }
  const at = new Date(DATE_ONLY.test(text) ? `${text}T00:00:00Z` : text);
  return Number.isNaN(at.getTime()) ? undefined : at;
}

function addUtcMonths(at: Date, months: number): Date {
  const d = new Date(at.getTime());
  d.setUTCMonth(d.getUTCMonth() + months);
  return d;
}

function single(
  raw: RawReportQuery,
  name: 'from' | 'to',
  problems: FieldProblem[],
): { given: false } | { given: true; at?: Date } {
  const value = raw[name];
  if (value === undefined || value === '') return { given: false };
  if (Array.isArray(value)) {
    if (value.length > 1) {
      problems.push({ field: name, code: 'repeated', message: `${name} may be given once` });
      return { given: true };
    }
    return value[0] === undefined || value[0] === '' ? { given: false } : parseOne(name, value[0], problems);
  }
  return parseOne(name, value, problems);
}

function parseOne(name: string, text: string, problems: FieldProblem[]) {
  const at = parseInstant(text);
  if (!at) {
    problems.push({
      field: name,
      code: 'format',
      message: `${name} must be a date (YYYY-MM-DD) or a date-time with a time zone (e.g. 2026-01-31T09:00:00Z); got "${text}"`,
    });
  }
  return { given: true as const, at };
}

function parseGroupBy(
  raw: RawReportQuery,
  opts: ParseReportQueryOptions,
  problems: FieldProblem[],
): GroupByKey[] {
  const value = raw['groupBy'];
  const parts = (Array.isArray(value) ? value : value === undefined ? [] : [value])
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v !== '');
  if (parts.length === 0) return [...(opts.defaultGroupBy ?? [])];
  const allowed = opts.allowedGroupBy ?? GROUP_BY_KEYS;
  const keys: GroupByKey[] = [];
  for (const part of new Set(parts)) {
    if (!(GROUP_BY_KEYS as readonly string[]).includes(part)) {
      problems.push({
        field: 'groupBy',
        code: 'unknown',
        message: `unknown groupBy key "${part}"; use any of ${allowed.join(', ')}`,
      });
    } else if (!allowed.includes(part as GroupByKey)) {
      problems.push({
        field: 'groupBy',
        code: 'notAllowed',
        message: `this report cannot be grouped by "${part}"; use any of ${allowed.join(', ')}`,
      });
    } else {
      keys.push(part as GroupByKey);
    }
  }
  if (keys.includes('month') && keys.includes('week')) {
    problems.push({
      field: 'groupBy',
      code: 'conflict',
      message: 'groupBy may have month or week, not both',
    });
  }
  return keys;
}

export function parseReportQuery(
  raw: RawReportQuery,
  now: Date,
  opts: ParseReportQueryOptions = {},
): ParsedReportQuery {
  const problems: FieldProblem[] = [];
  const fromParam = single(raw, 'from', problems);
  const toParam = single(raw, 'to', problems);
  const to = toParam.given ? toParam.at : now;
  const from = fromParam.given ? fromParam.at : to && addUtcMonths(to, -DEFAULT_PERIOD_MONTHS);
  if (from && to) {
    if (from.getTime() >= to.getTime()) {
      problems.push({ field: 'from', code: 'order', message: 'from must be before to (to is exclusive)' });
    } else if (to.getTime() > addUtcMonths(from, 12 * MAX_PERIOD_YEARS).getTime()) {
      problems.push({
        field: 'to',
        code: 'maxRange',
        message: `the period from..to may be at most ${MAX_PERIOD_YEARS} years`,
      });
    }
  }
  const groupBy = parseGroupBy(raw, opts, problems);
  if (problems.length > 0 || !from || !to) return { ok: false, problems };
  return { ok: true, query: { from, to, groupBy, asOf: now } };
}
