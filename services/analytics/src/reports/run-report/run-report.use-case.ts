import { Inject, Injectable } from '@nestjs/common';
import { DomainError, ErrorCodes, ValidationError } from '@sp/errors';
import type { Principal } from '@sp/identity';
import type { ReferralFact } from '../../read-models/domain/referral-fact';
import {
  READ_MODEL_READER,
  type FactScope,
  type Period,
  type ReadModelReader,
} from '../../read-models/read-model.reader';
import {
  DATA_QUALITY_GROUP_BY,
  EQUITY_GROUP_BY,
  REPORT_NAMES,
  UNMET_DEMAND_GROUP_BY,
  activityReport,
  dataQualityReport,
  equityReport,
  outcomesReport,
  parseReportQuery,
  timelinessReport,
  unmetDemandReport,
  type GroupByKey,
  type GroupingContext,
  type RawReportQuery,
  type Report,
  type ReportName,
} from '../domain';
import {
  PRACTICE_LOOKUP,
  REPORT_CLOCK,
  REPORT_SCOPE,
  type NarrowingParams,
  type PracticeLookupPort,
  type ReportScopePort,
} from './report-ports';

export { REPORT_NAMES, type RawReportQuery, type ReportName };

/** Reports that accept only some groupBy keys, or group by default (the others: none = totals). */
const QUERY_OPTIONS: Partial<
  Record<ReportName, { allowedGroupBy: readonly GroupByKey[]; defaultGroupBy?: readonly GroupByKey[] }>
> = {
  equity: { allowedGroupBy: EQUITY_GROUP_BY, defaultGroupBy: EQUITY_GROUP_BY },
  'unmet-demand': { allowedGroupBy: UNMET_DEMAND_GROUP_BY },
  'data-quality': { allowedGroupBy: DATA_QUALITY_GROUP_BY },
};

export const NARROWING_PARAMS = ['practice', 'pcn', 'icb', 'organisation'] as const;

/** Repeated and/or comma-separated values of one parameter, trimmed, empty ones dropped. */
export function listParam(value: string | string[] | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const values = (Array.isArray(value) ? value : [value])
    .flatMap((v) => String(v).split(','))
    .map((v) => v.trim())
    .filter((v) => v.length > 0);
  return values.length > 0 ? values : undefined;
}

export function narrowingParams(raw: RawReportQuery): NarrowingParams {
  const params: NarrowingParams = {};
  for (const name of NARROWING_PARAMS) {
    const values = listParam(raw[name]);
    if (values) params[name] = values;
  }
  return params;
}

/**
 * One report for one caller: parse the query (400 naming each bad parameter), resolve what the
 * caller may see (403 naming the parameter that asks for more), read the facts of that scope and
 * period, and compute the report (exact figures for ops, small numbers suppressed for everyone
 * else). Used by the report endpoints, the old /v1/stats endpoints and the dashboard.
 */
@Injectable()
export class RunReportUseCase {
  constructor(
    @Inject(READ_MODEL_READER) private readonly reader: ReadModelReader,
    @Inject(REPORT_SCOPE) private readonly scopes: ReportScopePort,
    @Inject(PRACTICE_LOOKUP) private readonly practices: PracticeLookupPort,
    @Inject(REPORT_CLOCK) private readonly now: () => Date,
  ) {}

  async run(name: ReportName, principal: Principal, rawQuery: RawReportQuery): Promise<Report> {
    const parsed = parseReportQuery(rawQuery, this.now(), QUERY_OPTIONS[name]);
    if (!parsed.ok) throw new ValidationError('Invalid report query', parsed.problems);
    const resolved = await this.scopes.resolve(principal, narrowingParams(rawQuery));
    if (!resolved.ok) {
      throw new DomainError(ErrorCodes.AUTH_FORBIDDEN, 'The report asks for data outside your scope', {
        status: 403,
        problems: resolved.problems,
      });
    }
    const q = parsed.query;
    const { scope, policy } = resolved;
    const period: Period = { from: q.from, to: q.to };
    switch (name) {
      case 'activity':
        return this.overFacts(period, scope, (facts, ctx) => activityReport(facts, q, ctx, policy));
      case 'timeliness':
        return this.overFacts(period, scope, (facts, ctx) => timelinessReport(facts, q, ctx, policy));
      case 'outcomes':
        return this.overFacts(period, scope, (facts, ctx) => outcomesReport(facts, q, ctx, policy));
      case 'data-quality':
        return this.overFacts(period, scope, (facts, ctx) => dataQualityReport(facts, q, ctx, policy));
      case 'equity': {
        const facts = await this.reader.referralFacts(period, scope);
        const odsCodes = resolved.practices ?? odsCodesOf(facts);
        const population = odsCodes.length > 0 ? await this.practices.population(odsCodes) : null;
        return equityReport(facts, q, await this.grouping(odsCodesOf(facts)), policy, population);
      }
      case 'unmet-demand': {
        const [refusals, samples] = await Promise.all([
          this.reader.refusals(period, scope),
          this.reader.capacitySamples(period, scope),
        ]);
        const ctx = await this.grouping(unique(refusals.map((r) => r.requesterOdsCode)));
        return unmetDemandReport(refusals, samples, q, ctx, policy);
      }
    }
  }

  private async overFacts(
    period: Period,
    scope: FactScope,
    compute: (facts: ReferralFact[], ctx: GroupingContext) => Report,
  ): Promise<Report> {
    const facts = await this.reader.referralFacts(period, scope);
    return compute(facts, await this.grouping(odsCodesOf(facts)));
  }

  /** The registry answers asynchronously; the pure reports need a synchronous lookup. */
  private async grouping(odsCodes: string[]): Promise<GroupingContext> {
    const pcns = new Map<string, string | undefined>();
    await Promise.all(odsCodes.map(async (ods) => pcns.set(ods, await this.practices.pcnOf(ods))));
    return { pcnOf: (ods: string) => pcns.get(ods) };
  }
}

function unique(values: Array<string | undefined>): string[] {
  return [...new Set(values.filter((v): v is string => typeof v === 'string' && v.length > 0))];
}

function odsCodesOf(facts: ReferralFact[]): string[] {
  return unique(facts.map((f) => f.requesterOdsCode));
}
