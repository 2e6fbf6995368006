import type { CapacitySample, RefusalFact } from '../../read-models/domain/referral-fact';
import { count, plain, type Cell } from './disclosure';
import { groupItems, refusalValues, type Group } from './grouping';
import {
  GROUP_BY_KEYS,
  type DisclosurePolicy,
  type GroupByKey,
  type GroupingContext,
  type Report,
  type ReportGroupKey,
  type ReportQuery,
} from './report';
import { assembleReport, NEEDS_NOTE, type NamedCells } from './report-builder';
import { bucketsBetween, type TimeUnit } from './time-buckets';

/** Refusals may be grouped by every key; waitlist rows use service and month/week only. */
export const UNMET_DEMAND_GROUP_BY: readonly GroupByKey[] = GROUP_BY_KEYS;

/**
 * Unmet demand, in two sections of rows:
 * - section 'refusals': referrals refused at intake in the period, always split by reason code
 *   (a refusal with two reasons counts once under each; the total counts it once), then by the
 *   query's groupBy (time keys from occurredAt). Measure `refused`.
 * - section 'waitlist': per service and per month (or week, when groupBy has week), the waitlist
 *   length the service reported: `waitlistMax` the largest length in force during the bucket
 *   (including the length carried in from before it), `waitlistEnd` the length in force at the
 *   end of the bucket (or of the period, for the last bucket). Buckets before a service's first
 *   known sample are left out. Waitlist lengths count people, so they are suppressed like counts.
 * The total row has `refused` (each refusal once) and `waitlistEnd`, the sum over services of the
 * length in force at the end of the period.
 */
export function unmetDemandReport(
  refusals: RefusalFact[],
  samples: CapacitySample[],
  q: ReportQuery,
  ctx: GroupingContext,
  policy: DisclosurePolicy,
): Report {
  const unit: TimeUnit = q.groupBy.includes('week') ? 'week' : 'month';
  const refusalKeys: Array<GroupByKey | 'reason'> = ['reason', ...q.groupBy];
  const groupColumns: ReportGroupKey[] = ['section', ...refusalKeys];
  if (!q.groupBy.includes('service')) groupColumns.push('service');
  if (!q.groupBy.includes(unit)) groupColumns.push(unit);

  const refusalRows = groupItems(refusals, refusalKeys, (r, key) => refusalValues(r, key, ctx)).map((b) => ({
    group: { section: 'refusals', ...b.group } as Group,
    cells: measures(count(b.items.length), plain(null), plain(null)),
  }));
  const waitlist = waitlistRows(samples, q, unit);
  const endTotal = waitlist.ends.reduce((sum, n) => sum + n, 0);
  return assembleReport({
    report: 'unmet-demand',
    query: q,
    policy,
    groupColumns,
    rows: [...refusalRows, ...waitlist.rows],
    total: measures(
      count(refusals.length),
      plain(null),
      waitlist.ends.length === 0 ? plain(null) : { value: endTotal, basis: [endTotal] },
    ),
    notes: [
      'A refusal with several reasons (or needs) is counted once under each; totals count it once.',
      ...(q.groupBy.includes('need') ? [NEEDS_NOTE] : []),
    ],
  });
}

function measures(refused: Cell, waitlistMax: Cell, waitlistEnd: Cell): NamedCells {
  return [
    ['refused', refused],
    ['waitlistMax', waitlistMax],
    ['waitlistEnd', waitlistEnd],
  ];
}

function waitlistRows(samples: readonly CapacitySample[], q: ReportQuery, unit: TimeUnit) {
  const byService = new Map<string, CapacitySample[]>();
  for (const s of samples) {
    if (s.occurredAt.getTime() >= q.to.getTime()) continue;
    const list = byService.get(s.serviceId) ?? [];
    list.push(s);
    byService.set(s.serviceId, list);
  }
  const buckets = bucketsBetween(unit, q.from, q.to);
  const rows: Array<{ group: Group; cells: NamedCells }> = [];
  const ends: number[] = [];
  for (const service of [...byService.keys()].sort()) {
    const list = byService.get(service)!.sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime());
    let i = 0;
    let current: number | undefined;
    for (const bucket of buckets) {
      const start = Math.max(bucket.start.getTime(), q.from.getTime());
      const end = Math.min(bucket.end.getTime(), q.to.getTime());
      while (i < list.length && list[i]!.occurredAt.getTime() < start) current = list[i++]!.waitlistLength;
      let max = current;
      while (i < list.length && list[i]!.occurredAt.getTime() < end) {
        current = list[i++]!.waitlistLength;
        max = Math.max(max ?? current, current);
      }
      if (current === undefined || max === undefined) continue;
      rows.push({
        group: { section: 'waitlist', service, [unit]: bucket.label },
        cells: measures(plain(null), count(max), count(current)),
      });
    }
    if (current !== undefined) ends.push(current);
  }
  return { rows, ends };
}
