// Activity, timeliness and outcomes on the real stack, figure by figure: the known world's events
// (support/report-world.ts: known days and demographics) go through the real Kafka into the
// analytics service, and every measure of the reports is checked against the hand-computed value;
// small numbers are suppressed for a practice and exact for ops; CSV carries the same figures.
import { parse } from 'csv-parse/sync';
import {
  startAnalyticsInstance,
  runName,
  type AnalyticsInstance,
  type TokenFor,
} from './support/analytics-instance';
import { importPracticeFixture } from './support/practice-fixture';
import {
  AREA,
  ODS,
  PERIOD,
  runOrganisations,
  worldEvents,
  worldIds,
  type WorldIds,
} from './support/report-world';
import { rowOf, type ReportBody } from './support/report-types';

jest.setTimeout(180_000);

const ATTENDED = 'completed:sp-outcome-attended';

describe('activity, timeliness and outcomes reports, end to end', () => {
  let analytics: AnalyticsInstance;
  let ids: WorldIds;

  beforeAll(async () => {
    analytics = await startAnalyticsInstance(runName('an-activity'));
    await importPracticeFixture(analytics.app);
    ids = worldIds();
    await analytics.publish(worldEvents(ids));
    await analytics.caughtUp();
  });

  afterAll(async () => {
    await analytics?.close();
  });

  const ops: TokenFor = { organisationId: 'platform', role: 'ops' };
  const practiceA = (): TokenFor => ({ organisationId: ids.practice.A, odsCode: ODS.A, role: 'referrer' });
  const report = async (path: string, who: TokenFor): Promise<ReportBody> => {
    const answer = await analytics.get(path, await analytics.token(who));
    expect({ status: answer.status, type: answer.contentType }).toEqual({
      status: 200,
      type: expect.stringContaining('application/json'),
    });
    return answer.json as ReportBody;
  };

  it('counts what happened to every referral (ops: exact)', async () => {
    const activity = await report(`/v1/reports/activity?${PERIOD}${runOrganisations(ids)}`, ops);
    expect(activity).toMatchObject({
      report: 'activity',
      period: { from: '2023-03-01T00:00:00.000Z', to: '2023-09-01T00:00:00.000Z' },
      suppression: 'none',
      rows: [],
    });
    expect(activity.total).toEqual({
      group: {},
      suppressed: [],
      measures: {
        referred: 11,
        accepted: 8, // A1-A5, A8, B1, C1
        rejected: 2, // A6 (no-capacity), B2 (not-eligible); A7's expiry is not a rejection by a person
        'rejected:no-capacity': 1,
        'rejected:not-eligible': 1,
        expiredNoResponse: 1,
        started: 5, // A1-A4, B1
        completed: 4, // A1-A3, B1
        [ATTENDED]: 4,
        cancelled: 1,
        failed: 0,
        onwardReferrals: 0,
        acceptanceRate: 0.727, // 8 / (8 + 2 + 1)
        completionRate: 0.5, // 4 / 8
      },
    });
  });

  it("suppresses a practice's small numbers: 3 debt referrals hidden, 5 loneliness shown; ops sees 3", async () => {
    const own = await report(`/v1/reports/activity?${PERIOD}&groupBy=need`, practiceA());
    expect(own.suppression).toBe('applied');
    expect(own.rows.map((r) => r.group)).toEqual([{ need: 'sp-need-debt' }, { need: 'sp-need-loneliness' }]);
    expect(rowOf(own, { need: 'sp-need-debt' })).toEqual({
      group: { need: 'sp-need-debt' },
      // A6 rejected, A7 expired, A8 accepted then cancelled.
      measures: {
        referred: null,
        accepted: null,
        rejected: null,
        'rejected:no-capacity': null,
        expiredNoResponse: null,
        started: 0,
        completed: 0,
        [ATTENDED]: 0,
        cancelled: null,
        failed: 0,
        onwardReferrals: 0,
        acceptanceRate: null,
        completionRate: null,
      },
      suppressed: [
        'referred',
        'accepted',
        'rejected',
        'rejected:no-capacity',
        'expiredNoResponse',
        'cancelled',
        'acceptanceRate',
        'completionRate',
      ],
    });
    expect(rowOf(own, { need: 'sp-need-loneliness' })).toEqual({
      group: { need: 'sp-need-loneliness' },
      // A1-A5 all accepted; A1-A4 started; A1-A3 completed.
      measures: {
        referred: 5,
        accepted: 5,
        rejected: 0,
        'rejected:no-capacity': 0,
        expiredNoResponse: 0,
        started: null,
        completed: null,
        [ATTENDED]: null,
        cancelled: 0,
        failed: 0,
        onwardReferrals: 0,
        acceptanceRate: 1,
        completionRate: null,
      },
      suppressed: ['started', 'completed', ATTENDED, 'completionRate'],
    });
    expect(own.total.measures).toMatchObject({
      referred: 8,
      accepted: 6,
      acceptanceRate: 0.75,
      completionRate: null,
    });

    const exact = await report(
      `/v1/reports/activity?${PERIOD}&groupBy=need${runOrganisations(ids, ['A'])}`,
      ops,
    );
    expect(rowOf(exact, { need: 'sp-need-debt' })?.measures).toMatchObject({
      referred: 3,
      accepted: 1,
      rejected: 1,
      expiredNoResponse: 1,
      cancelled: 1,
      acceptanceRate: 0.333,
      completionRate: 0,
    });
    expect(rowOf(exact, { need: 'sp-need-debt' })?.suppressed).toEqual([]);
  });

  it('groups by practice, PCN and ISO week', async () => {
    const byPractice = await report(
      `/v1/reports/activity?${PERIOD}&groupBy=pcn,practice${runOrganisations(ids)}`,
      ops,
    );
    const byPracticeRows = byPractice.rows.map((r) => [
      r.group['practice'],
      r.group['pcn'],
      r.measures['referred'],
    ]);
    expect(byPracticeRows.sort()).toEqual([
      [ODS.A, AREA.pcn, 8],
      [ODS.B, AREA.pcn, 2],
      [ODS.C, AREA.otherPcn, 1],
    ]);
    const byWeek = await report(`/v1/reports/activity?${PERIOD}&groupBy=week${runOrganisations(ids)}`, ops);
    expect(byWeek.rows.map((r) => [r.group, r.measures['referred']])).toEqual([[{ week: '2023-W10' }, 11]]);
  });

  it('measures time to first response, first contact and completion, and answers within the deadline', async () => {
    const timeliness = await report(`/v1/reports/timeliness?${PERIOD}${runOrganisations(ids)}`, ops);
    expect(timeliness.total.measures).toEqual({
      referred: 11,
      // Days: A1 1, A2 1, A3 2, A4 1, A5 8, A6 2, A8 1, B1 2, B2 1, C1 1 (A7 never answered).
      firstResponseCount: 10,
      firstResponseMedianDays: 1,
      firstResponseP90Days: 2,
      // A1 3, A2 3, A3 4, A4 5, B1 4.
      firstContactCount: 5,
      firstContactMedianDays: 4,
      firstContactP90Days: 5,
      // A1 20, A2 20, A3 22, B1 30.
      completionCount: 4,
      completionMedianDays: 20,
      completionP90Days: 30,
      // Every v2 referral has a deadline (B2, submitted v1, has none); A5 (8 days) and A7 missed it.
      withDeadline: 10,
      answeredByDeadline: 8,
      respondedWithinDeadline: 0.8,
    });
    const own = await report(`/v1/reports/timeliness?${PERIOD}`, practiceA());
    // Practice A: 7 answered (A1-A6, A8), 4 first contacts, 3 completions: small figures suppressed.
    expect(own.total.measures).toMatchObject({
      referred: 8,
      firstResponseCount: 7,
      firstResponseMedianDays: 1,
      firstContactCount: null,
      firstContactMedianDays: null,
      completionCount: null,
      withDeadline: 8,
      answeredByDeadline: 6,
      respondedWithinDeadline: 0.75,
    });
  });

  it('reports the paired ONS4 change and moves between the ONS thresholds', async () => {
    const outcomes = await report(`/v1/reports/outcomes?${PERIOD}${runOrganisations(ids)}`, ops);
    // Pairs: A1 (4,5,4,7 -> 7,7,6,3), A2 (5,5,5,6 -> 6,6,6,5), A3 unchanged (3,4,3,8); B1 baseline only.
    expect(outcomes.total.measures).toEqual({
      completed: 4,
      pairs: 3,
      baselineWithoutFollowUp: 1,
      'meanChange:lifeSatisfaction': 1.33,
      'improvedBand:lifeSatisfaction': 0.333, // A1 low -> high
      'sameBand:lifeSatisfaction': 0.667,
      'worsenedBand:lifeSatisfaction': 0,
      'meanChange:worthwhile': 1,
      'improvedBand:worthwhile': 0.333, // A1 medium -> high
      'sameBand:worthwhile': 0.667,
      'worsenedBand:worthwhile': 0,
      'meanChange:happiness': 1,
      'improvedBand:happiness': 0.333, // A1 low -> medium
      'sameBand:happiness': 0.667,
      'worsenedBand:happiness': 0,
      'meanChange:anxiety': -1.67,
      'improvedBand:anxiety': 0.667, // A1 high -> low, A2 high -> medium
      'sameBand:anxiety': 0.333,
      'worsenedBand:anxiety': 0,
    });
  });

  it('gives the same figures as CSV, with suppressed cells as *, as a download', async () => {
    const token = await analytics.token(practiceA());
    const json = (await analytics.get(`/v1/reports/activity?${PERIOD}&groupBy=need`, token))
      .json as ReportBody;
    const csv = await analytics.get(`/v1/reports/activity?${PERIOD}&groupBy=need`, token, 'text/csv');
    expect(csv.status).toBe(200);
    expect(csv.contentType).toBe('text/csv; charset=utf-8');
    expect(csv.headers.get('content-disposition')).toBe(
      'attachment; filename="activity-2023-03-01-to-2023-09-01.csv"',
    );
    const [header, ...lines] = parse(csv.text) as string[][];
    expect(header).toEqual([...json.groupColumns, ...json.measureNames]);
    const cell = (row: ReportBody['total'], name: string) =>
      row.suppressed.includes(name) ? '*' : String(row.measures[name] ?? '');
    const expected = json.rows.map((r) => [
      ...json.groupColumns.map((c) => r.group[c] ?? ''),
      ...json.measureNames.map((m) => cell(r, m)),
    ]);
    expect(lines.slice(0, expected.length)).toEqual(expected);
    const total = lines[expected.length]!;
    expect(total.slice(json.groupColumns.length)).toEqual(json.measureNames.map((m) => cell(json.total, m)));
    expect(lines).toHaveLength(expected.length + 1);
  });
});
