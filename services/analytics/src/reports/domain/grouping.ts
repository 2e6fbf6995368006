import { AGE_BANDS, ETHNIC_CATEGORIES, SEX_CODES } from '@sp/contracts';
import type { PopulationFact, ReferralFact, RefusalFact } from '../../read-models/domain/referral-fact';
import type { GroupByKey, GroupingContext, ReportGroupKey } from './report';
import { bucketOf } from './time-buckets';

/**
 * Which group(s) a fact falls in for each key. Most keys give one value per fact ('unknown' when
 * the fact lacks it); `need` (and a refusal's `reason`) give one value per code, so a referral
 * with two needs is counted once in each need's row (and once in the total).
 */
export const UNKNOWN = 'unknown';

export type Group = Partial<Record<ReportGroupKey, string>>;

const one = (value: string | number | undefined): string[] => [
  value === undefined || value === '' ? UNKNOWN : String(value),
];
const many = (values: readonly string[] | undefined): string[] =>
  values && values.length > 0 ? [...new Set(values)] : [UNKNOWN];

function populationValue(p: PopulationFact | undefined, key: GroupByKey): string[] | undefined {
  switch (key) {
    case 'ageBand':
      return one(p?.ageBand);
    case 'sex':
      return one(p?.sex);
    case 'imdDecile':
      return one(p?.imdDecile);
    case 'ethnicCategory':
      return one(p?.ethnicCategory);
    default:
      return undefined;
  }
}

const pcn = (ctx: GroupingContext, ods: string | undefined) =>
  one(ods === undefined ? undefined : ctx.pcnOf(ods));

/** Group values of a referral (time keys from submittedAt). */
export function referralValues(fact: ReferralFact, key: GroupByKey, ctx: GroupingContext): string[] {
  switch (key) {
    case 'practice':
      return one(fact.requesterOdsCode);
    case 'pcn':
      return pcn(ctx, fact.requesterOdsCode);
    case 'service':
      return one(fact.targetServiceId);
    case 'organisation':
      return one(fact.ownerOrganisationId);
    case 'need':
      return many(fact.needs);
    case 'month':
    case 'week':
      return one(fact.submittedAt && bucketOf(key, fact.submittedAt));
    default:
      return populationValue(fact.population, key)!;
  }
}

/** Group values of a refusal (time keys from occurredAt; `reason` one per reason code). */
export function refusalValues(fact: RefusalFact, key: GroupByKey | 'reason', ctx: GroupingContext): string[] {
  switch (key) {
    case 'reason':
      return many(fact.reasonCodes);
    case 'practice':
      return one(fact.requesterOdsCode);
    case 'pcn':
      return pcn(ctx, fact.requesterOdsCode);
    case 'service':
      return one(fact.targetServiceId);
    case 'organisation':
      return one(fact.ownerOrganisationId);
    case 'need':
      return many(fact.needs);
    case 'month':
    case 'week':
      return one(bucketOf(key, fact.occurredAt));
    default:
      return populationValue(fact.population, key)!;
  }
}

/** Every combination of one value per key (the cartesian product). */
function combinations<K extends ReportGroupKey>(keys: readonly K[], valuesOf: (key: K) => string[]): Group[] {
  let groups: Group[] = [{}];
  for (const key of keys) {
    const values = valuesOf(key);
    groups = groups.flatMap((g) => values.map((v) => ({ ...g, [key]: v })));
  }
  return groups;
}

export interface Bucket<T> {
  group: Group;
  items: T[];
}

/** Splits items into groups by the given keys; buckets come back in display order (see compareGroups). */
export function groupItems<T, K extends ReportGroupKey>(
  items: readonly T[],
  keys: readonly K[],
  valuesOf: (item: T, key: K) => string[],
): Bucket<T>[] {
  const buckets = new Map<string, Bucket<T>>();
  for (const item of items) {
    for (const group of combinations(keys, (key) => valuesOf(item, key))) {
      const id = JSON.stringify(keys.map((k) => group[k]));
      const bucket = buckets.get(id) ?? { group, items: [] };
      bucket.items.push(item);
      buckets.set(id, bucket);
    }
  }
  return [...buckets.values()].sort((a, b) => compareGroups(a.group, b.group, keys));
}

const ORDERS: Partial<Record<ReportGroupKey, readonly string[]>> = {
  ageBand: AGE_BANDS,
  sex: SEX_CODES,
  ethnicCategory: ETHNIC_CATEGORIES,
};

/** Display order of one key's values: vocabularies in their own order, deciles numerically, others as text; 'unknown' last. */
export function compareValues(key: ReportGroupKey, a: string | undefined, b: string | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return -1;
  if (b === undefined) return 1;
  if (a === UNKNOWN) return 1;
  if (b === UNKNOWN) return -1;
  const order = ORDERS[key];
  if (order) return order.indexOf(a) - order.indexOf(b);
  if (key === 'imdDecile') return Number(a) - Number(b);
  return a < b ? -1 : 1;
}

export function compareGroups(a: Group, b: Group, keys: readonly ReportGroupKey[]): number {
  for (const key of keys) {
    const c = compareValues(key, a[key], b[key]);
    if (c !== 0) return c;
  }
  return 0;
}
