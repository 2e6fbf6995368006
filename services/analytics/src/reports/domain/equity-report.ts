import type { ReferralFact } from '../../read-models/domain/referral-fact';
import { count, plain, rate, roundTo, type Cell } from './disclosure';
import { UNKNOWN, compareValues, referralValues, type Group } from './grouping';
import type {
  DisclosurePolicy,
  GroupByKey,
  GroupingContext,
  PracticePopulation,
  Report,
  ReportQuery,
} from './report';
import { assembleReport, type NamedCells } from './report-builder';

/** Equity groups by population codes only; each key asked is a section (default: all four). */
export const EQUITY_GROUP_BY = [
  'ageBand',
  'sex',
  'imdDecile',
  'ethnicCategory',
] as const satisfies readonly GroupByKey[];
type EquityKey = (typeof EQUITY_GROUP_BY)[number];

/**
 * Equity: the funnel (referred, accepted, started, completedPositive) of the cohort by each
 * population dimension, as separate sections (row group {section: 'ageBand', ageBand: '25-34'}).
 * shareOfReferrals is over the referrals whose value is known in that dimension ('unknown' rows:
 * referrals without population codes or with sex 'unknown' get none); shareOfPopulation comes from
 * the practice list sizes (age band and sex only; null without them), and ratio = shareOfReferrals /
 * shareOfPopulation (1 = referred in proportion; below 1 = under-referred). Age bands and sexes
 * present in the population but never referred appear with 0 referrals: the most under-served
 * group is the one with no referrals at all.
 */
export function equityReport(
  facts: ReferralFact[],
  q: ReportQuery,
  ctx: GroupingContext,
  policy: DisclosurePolicy,
  population: PracticePopulation | null,
): Report {
  const asked = q.groupBy.filter((k): k is EquityKey => (EQUITY_GROUP_BY as readonly string[]).includes(k));
  const sections: EquityKey[] = asked.length > 0 ? asked : [...EQUITY_GROUP_BY];
  const rows = sections.flatMap((section) => sectionRows(section, facts, ctx, population));
  return assembleReport({
    report: 'equity',
    query: q,
    policy,
    groupColumns: ['section', ...sections],
    rows,
    total: [
      ...funnel(facts),
      ['shareOfReferrals', plain(null)],
      ['shareOfPopulation', plain(null)],
      ['ratio', plain(null)],
    ],
    notes: [
      'completedPositive: referrals completed (the work done), as opposed to cancelled, failed, rejected or still open.',
    ],
  });
}

function funnel(facts: readonly ReferralFact[]): NamedCells {
  const n = (pred: (f: ReferralFact) => boolean) => count(facts.filter(pred).length);
  return [
    ['referred', count(facts.length)],
    ['accepted', n((f) => f.acceptedAt !== undefined)],
    ['started', n((f) => f.startedAt !== undefined)],
    ['completedPositive', n((f) => f.completedAt !== undefined)],
  ];
}

function populationShare(
  section: EquityKey,
  value: string,
  population: PracticePopulation | null,
): number | null {
  if (!population || population.total <= 0 || value === UNKNOWN) return null;
  const counts: Partial<Record<string, number>> | undefined =
    section === 'ageBand' ? population.byAgeBand : section === 'sex' ? population.bySex : undefined;
  const n = counts?.[value];
  return n === undefined ? null : n / population.total;
}

function sectionRows(
  section: EquityKey,
  facts: readonly ReferralFact[],
  ctx: GroupingContext,
  population: PracticePopulation | null,
): Array<{ group: Group; cells: NamedCells }> {
  const byValue = new Map<string, ReferralFact[]>();
  const populationCounts = !population
    ? {}
    : section === 'ageBand'
      ? population.byAgeBand
      : section === 'sex'
        ? population.bySex
        : {};
  for (const [value, n] of Object.entries(populationCounts)) {
    if ((n ?? 0) > 0) byValue.set(value, []);
  }
  for (const f of facts) {
    const [value] = referralValues(f, section, ctx);
    const list = byValue.get(value!) ?? [];
    list.push(f);
    byValue.set(value!, list);
  }
  const known = facts.length - (byValue.get(UNKNOWN)?.length ?? 0);
  const values = [...byValue.keys()].sort((a, b) => compareValues(section, a, b));
  return values.map((value) => {
    const group = byValue.get(value)!;
    const shareOfReferrals: Cell = value === UNKNOWN ? plain(null) : rate(group.length, known);
    const shareOfPopulation = populationShare(section, value, population);
    // The ratio uses the unrounded shares.
    const ratio: Cell = {
      value:
        shareOfReferrals.value === null || !shareOfPopulation
          ? null
          : roundTo(group.length / known / shareOfPopulation, 2),
      basis: shareOfReferrals.basis,
    };
    return {
      group: { section, [section]: value },
      cells: [
        ...funnel(group),
        ['shareOfReferrals', shareOfReferrals],
        ['shareOfPopulation', plain(shareOfPopulation === null ? null : roundTo(shareOfPopulation, 3))],
        ['ratio', ratio],
      ],
    };
  });
}
