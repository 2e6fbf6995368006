// Equity, unmet demand and data quality on the real stack, figure by figure: the known world
// (support/report-world.ts) through the real Kafka into the analytics service, the practice
// fixture's list sizes as the population, every measure checked against the hand-computed value.
import { AGE_BANDS } from '@sp/contracts';
import { PRACTICE_LOOKUP, type PracticeLookupPort } from '../src/reports/run-report/report-ports';
import {
  startAnalyticsInstance,
  runName,
  type AnalyticsInstance,
  type TokenFor,
} from './support/analytics-instance';
import { importPracticeFixture } from './support/practice-fixture';
import { ODS, PERIOD, runOrganisations, worldEvents, worldIds, type WorldIds } from './support/report-world';
import { rowOf, type ReportBody } from './support/report-types';

jest.setTimeout(180_000);

type Funnel = [referred: number, accepted: number, started: number, completedPositive: number];
const funnel = ([referred, accepted, started, completedPositive]: Funnel) => ({
  referred,
  accepted,
  started,
  completedPositive,
});
const round = (value: number, dp: number) => Math.round(value * 10 ** dp) / 10 ** dp;

describe('equity, unmet demand and data quality reports, end to end', () => {
  let analytics: AnalyticsInstance;
  let ids: WorldIds;

  beforeAll(async () => {
    analytics = await startAnalyticsInstance(runName('an-equity'));
    await importPracticeFixture(analytics.app);
    ids = worldIds();
    await analytics.publish(worldEvents(ids));
    await analytics.caughtUp();
  });

  afterAll(async () => {
    await analytics?.close();
  });

  const ops: TokenFor = { organisationId: 'platform', role: 'ops' };
  const report = async (path: string, who: TokenFor = ops): Promise<ReportBody> => {
    const answer = await analytics.get(path, await analytics.token(who));
    expect({ status: answer.status, body: answer.status === 200 ? 'report' : answer.json }).toEqual({
      status: 200,
      body: 'report',
    });
    return answer.json as ReportBody;
  };

  it("sets two practices' funnel by age band and sex against their registered population", async () => {
    const equity = await report(`/v1/reports/equity?${PERIOD}${runOrganisations(ids, ['A', 'B'])}`);
    const population = await analytics.app
      .get<symbol, PracticeLookupPort>(PRACTICE_LOOKUP, { strict: false })
      .population([ODS.A, ODS.B]);
    expect(population?.total).toBeGreaterThan(0);
    const total = population!.total;

    // Practices A and B: 10 referrals; B2 (submitted v1) has no population codes.
    expect(equity.total.measures).toEqual({
      ...funnel([10, 7, 5, 4]),
      shareOfReferrals: null,
      shareOfPopulation: null,
      ratio: null,
    });
    const ageBands: Partial<Record<string, Funnel>> = {
      '18-24': [1, 1, 1, 1], // B1
      '25-34': [2, 2, 1, 0], // A4, A5
      '45-54': [3, 1, 0, 0], // A6, A7, A8
      '65-74': [2, 2, 2, 2], // A1, A2
      '75-84': [1, 1, 1, 1], // A3
    };
    for (const band of AGE_BANDS) {
      const listed = population!.byAgeBand[band] ?? 0;
      const counts = ageBands[band] ?? [0, 0, 0, 0];
      const row = rowOf(equity, { section: 'ageBand', ageBand: band });
      if (listed === 0 && counts[0] === 0) {
        expect({ band, row }).toEqual({ band, row: undefined });
        continue;
      }
      expect({ band, measures: row?.measures }).toEqual({
        band,
        measures: {
          ...funnel(counts),
          shareOfReferrals: round(counts[0] / 9, 3),
          shareOfPopulation: listed === 0 ? null : round(listed / total, 3),
          ratio: listed === 0 ? null : round(counts[0] / 9 / (listed / total), 2),
        },
      });
    }
    expect(rowOf(equity, { section: 'ageBand', ageBand: 'unknown' })?.measures).toEqual({
      ...funnel([1, 0, 0, 0]),
      shareOfReferrals: null,
      shareOfPopulation: null,
      ratio: null,
    });
    const sexes: Record<string, Funnel> = { female: [6, 5, 4, 3], male: [3, 2, 1, 1] };
    for (const [sex, counts] of Object.entries(sexes)) {
      const listed = population!.bySex[sex as 'female' | 'male']!;
      expect({ sex, measures: rowOf(equity, { section: 'sex', sex })?.measures }).toEqual({
        sex,
        measures: {
          ...funnel(counts),
          shareOfReferrals: round(counts[0] / 9, 3),
          shareOfPopulation: round(listed / total, 3),
          ratio: round(counts[0] / 9 / (listed / total), 2),
        },
      });
    }
  });

  it('breaks the funnel down by deprivation decile and ethnic category (no population shares)', async () => {
    const equity = await report(
      `/v1/reports/equity?${PERIOD}&groupBy=imdDecile,ethnicCategory${runOrganisations(ids, ['A', 'B'])}`,
    );
    const rows = (section: string) =>
      equity.rows.filter((r) => r.group['section'] === section).map((r) => [r.group[section], r.measures]);
    const shares = (counts: Funnel, known: number) => ({
      ...funnel(counts),
      shareOfReferrals: round(counts[0] / known, 3),
      shareOfPopulation: null,
      ratio: null,
    });
    const unknown = (counts: Funnel) => ({
      ...funnel(counts),
      shareOfReferrals: null,
      shareOfPopulation: null,
      ratio: null,
    });
    expect(rows('imdDecile')).toEqual([
      ['1', shares([3, 1, 0, 0], 9)],
      ['2', shares([1, 1, 1, 1], 9)],
      ['3', shares([2, 2, 2, 2], 9)],
      ['5', shares([1, 1, 1, 1], 9)],
      ['7', shares([2, 2, 1, 0], 9)],
      ['unknown', unknown([1, 0, 0, 0])],
    ]);
    expect(rows('ethnicCategory')).toEqual([
      ['A', shares([4, 4, 2, 2], 7)], // A1, A2, A5, A8
      ['B', shares([1, 1, 1, 1], 7)], // A3
      ['H', shares([1, 1, 1, 1], 7)], // B1
      ['Z', shares([1, 0, 0, 0], 7)], // A6 (not stated)
      ['unknown', unknown([3, 1, 1, 0])], // A4, A7 (not recorded), B2 (v1)
    ]);
  });

  it('shows refusals by reason and each service’s waitlist month by month', async () => {
    const demand = await report(`/v1/reports/unmet-demand?${PERIOD}${runOrganisations(ids)}`);
    const refusals = demand.rows.filter((r) => r.group['section'] === 'refusals');
    expect(refusals.map((r) => [r.group['reason'], r.measures['refused']])).toEqual([
      ['no-capacity', 2],
      ['not-eligible', 1],
    ]);
    const months = ['2023-03', '2023-04', '2023-05', '2023-06', '2023-07', '2023-08'];
    const waitlist = (service: string) =>
      demand.rows
        .filter((r) => r.group['section'] === 'waitlist' && r.group['service'] === service)
        .map((r) => [r.group['month'], r.measures['waitlistMax'], r.measures['waitlistEnd']]);
    // S1: 2 waiting from 10 March, 6 from 10 April; S2: none waiting from 21 March.
    expect(waitlist(ids.service.S1)).toEqual(months.map((m, i) => (i === 0 ? [m, 2, 2] : [m, 6, 6])));
    expect(waitlist(ids.service.S2)).toEqual(months.map((m) => [m, 0, 0]));
    expect(demand.total.measures).toEqual({ refused: 3, waitlistMax: null, waitlistEnd: 6 });

    const byNeed = await report(
      `/v1/reports/unmet-demand?${PERIOD}&groupBy=need,practice${runOrganisations(ids)}`,
    );
    expect(
      byNeed.rows
        .filter((r) => r.group['section'] === 'refusals')
        .map((r) => [r.group['reason'], r.group['need'], r.group['practice'], r.measures['refused']]),
    ).toEqual([
      ['no-capacity', 'sp-need-debt', ODS.A, 1],
      ['no-capacity', 'sp-need-loneliness', ODS.A, 1],
      ['not-eligible', 'sp-need-loneliness', ODS.C, 1],
    ]);
  });
  it('shares of referrals missing expected fields, per referring practice and per receiving service', async () => {
    const quality = await report(`/v1/reports/data-quality?${PERIOD}${runOrganisations(ids)}`);
    const shares = (
      referrals: number,
      missingEthnicCategory: number | null,
      startedOrCompleted: number,
      missingBaseline: number | null,
      completed: number,
      missingOutcomeCodes: number | null,
      withDeadline: number,
      noResponseByDeadline: number | null,
    ) => ({
      referrals,
      missingEthnicCategory,
      startedOrCompleted,
      missingBaseline,
      completed,
      missingOutcomeCodes,
      withDeadline,
      noResponseByDeadline,
    });
    // A: no ethnic category for A4, A7; A4 started without a baseline; A5 answered late, A7 never.
    const practiceA = shares(8, 0.25, 4, 0.25, 3, 0, 8, 0.25);
    // B: B2 (submitted v1) has no population codes and no deadline; B1 has a baseline.
    const practiceB = shares(2, 0.5, 1, 0, 1, 0, 1, 0);
    expect(quality.rows).toHaveLength(5);
    expect(rowOf(quality, { perspective: 'practice', practice: ODS.A })?.measures).toEqual(practiceA);
    expect(rowOf(quality, { perspective: 'practice', practice: ODS.B })?.measures).toEqual(practiceB);
    expect(rowOf(quality, { perspective: 'practice', practice: ODS.C })?.measures).toEqual(
      shares(1, 0, 0, null, 0, null, 1, 0),
    );
    expect(rowOf(quality, { perspective: 'service', service: ids.service.S1 })?.measures).toEqual(
      shares(9, 0.222, 4, 0.25, 3, 0, 9, 0.222),
    );
    expect(rowOf(quality, { perspective: 'service', service: ids.service.S2 })?.measures).toEqual(practiceB);
    expect(quality.total.measures).toEqual(shares(11, 0.273, 5, 0.2, 4, 0, 10, 0.2));
  });
});
