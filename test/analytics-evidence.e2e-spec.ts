/**
 * Analytics evidence across the platform, as a commissioner, a practice and a VCS organisation
 * rely on it: the four compiled services as processes on the real Kafka, SecantusDB and Redis.
 *
 * The run registers its own network (two practices with the GP registration fixture's ODS codes,
 * a link-worker organisation with a service that has capacity and one that has none), imports the
 * deprivation table and the practice registry into its own databases with the compiled commands,
 * refers seven patients with known demographics through the referrals API (JSON and FHIR), moves
 * them through the lifecycle with the link workers' token, and has one referral refused at intake.
 * Then every report answers exactly what was done: ops' exact figures (narrowed to the run's
 * organisations, so other runs on the shared topics never count), the practice's suppressed
 * figures, CSV, a refused scope; and no patient identifier is on Kafka or in analytics.
 */
import { randomUUID } from 'node:crypto';
import { testInfra, uniqueName, waitFor } from '@sp/testing';
import {
  LIST_SIZES,
  byGroup,
  countIn,
  databaseDump,
  lifecycleSince,
  newEvidenceNetwork,
  report,
  reportCsv,
  startEvidencePlatform,
  stopEvidencePlatform,
  type EvidenceTokens,
} from './support/analytics-evidence';
import { fhirReferral, jsonReferral, ONS4, PATIENTS, type Who } from './support/analytics-evidence-patients';
import { referWhenDirectoryReady } from './support/case-management';
import { call } from './support/scale-out';
import type { RunningService } from './support/service-process';

const run = uniqueName('evidence').replace(/-/g, '_');
const mongoFor = (service: string): string => testInfra.mongoUrlFor(`test_${run}_${service}`);
const READER_GROUP = `${run}-lifecycle-reader`;

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const round = (value: number, places: number) => Math.round(value * 10 ** places) / 10 ** places;

describe('analytics evidence across the platform: referrals with demographics, every report, scopes, no identifiers', () => {
  const services: RunningService[] = [];
  const network = newEvidenceNetwork(randomUUID);
  const ids = {} as Record<Exclude<Who, 'refused'>, string>;
  const tokens: EvidenceTokens = { ops: '', practiceA: '', practiceB: '', linkWorkers: '' };
  const url = (name: RunningService['name']): string => services.find((s) => s.name === name)!.url;
  const period = { from: day(-1), to: day(1) };
  // Ops narrowed to the run's organisations: other runs on the shared topics never count.
  const opsReport = (name: string, query: Record<string, string> = {}) =>
    report(url('analytics'), tokens.ops, name, {
      ...period,
      ...query,
      organisation: [network.practiceA.id, network.practiceB.id, network.linkWorkers.id],
    });
  const act = async (who: Who, action: string, body: unknown = {}) => {
    const answer = await call(
      `${url('referrals')}/v1/referrals/${ids[who as Exclude<Who, 'refused'>]}/${action}`,
      tokens.linkWorkers,
      'POST',
      body,
    );
    expect({ who, action, status: answer.status }).toEqual({
      who,
      action,
      status: action === 'contacts' ? 201 : 200,
    });
  };

  beforeAll(async () => {
    Object.assign(tokens, await startEvidencePlatform(run, mongoFor, network, READER_GROUP, services));
  }, 300_000);

  afterAll(async () => {
    expect(await stopEvidencePlatform(run, services)).toEqual(services.map((s) => `${s.name}:0`));
  }, 60_000);

  it('refers seven patients (JSON and FHIR), moves them through the lifecycle, and one is refused at intake', async () => {
    const referJson = async (who: Exclude<Who, 'refused'>, practice: 'practiceA' | 'practiceB') => {
      const ods = network[practice].odsCode;
      const body = jsonReferral(PATIENTS[who], ods, network.service, 'sp-need-loneliness');
      const posted = await referWhenDirectoryReady(url('referrals'), tokens[practice], `${run}-${who}`, body);
      expect({ who, status: posted.status }).toEqual({ who, status: 201 });
      ids[who] = posted.body.id;
    };
    for (const who of ['p1', 'p2', 'p3', 'p4', 'p5'] as const) await referJson(who, 'practiceA');
    await referJson('p7', 'practiceB');
    const fhir = await call<{ entry: Array<{ response: { location: string } }> }>(
      `${url('referrals')}/fhir`,
      tokens.practiceA,
      'POST',
      fhirReferral(PATIENTS.p6, 'A81001', network.service, `${run}-p6`),
      { 'content-type': 'application/fhir+json', accept: 'application/fhir+json' },
    );
    expect({ status: fhir.status, body: fhir.status === 200 ? null : fhir.body }).toEqual({
      status: 200,
      body: null,
    });
    ids.p6 = fhir.body.entry[1]!.response.location.split('/')[1]!;

    // Refused at intake: the full service has no capacity. 422 naming the problem, nothing stored
    // but the PII-free refusal (once, though retried with the same Idempotency-Key).
    const refusal = jsonReferral(PATIENTS.refused, 'A81001', network.fullService, 'sp-need-debt');
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const refused = await call<{ errors: Array<{ field: string; code: string }> }>(
        `${url('referrals')}/v1/referrals`,
        tokens.practiceA,
        'POST',
        refusal,
        { 'idempotency-key': `${run}-refused` },
      );
      expect([refused.status, refused.body.errors.map((e) => `${e.field}:${e.code}`)]).toEqual([
        422,
        ['targetServiceId:no_capacity'],
      ]);
    }
    expect(await countIn(mongoFor('referrals'), 'referrals', { targetServiceId: network.fullService })).toBe(
      0,
    );
    expect(await countIn(mongoFor('referrals'), 'referrals', {})).toBe(7);
    expect(
      await countIn(mongoFor('referrals'), 'intake_refusals', { targetServiceId: network.fullService }),
    ).toBe(1);

    // The link workers' answers and work.
    for (const who of ['p1', 'p2', 'p3', 'p5', 'p6'] as const) await act(who, 'accept');
    await act('p4', 'reject', { reason: { code: 'not-eligible' } });
    await act('p7', 'reject', { reason: { code: 'patient-declined' } });
    await act('p1', 'start', { wellbeing: { baseline: ONS4.b1 } });
    await act('p2', 'start', { wellbeing: { baseline: ONS4.b2 } });
    await act('p3', 'start', { wellbeing: { baseline: ONS4.b3 } });
    await act('p1', 'contacts', { at: new Date().toISOString(), method: 'phone', outcome: 'reached' });
    await act('p1', 'complete', {
      outcome: { codes: ['sp-outcome-goals-met'] },
      wellbeing: { followUp: ONS4.f1 },
    });
    await act('p2', 'complete', {
      outcome: { codes: ['sp-outcome-attended'] },
      wellbeing: { followUp: ONS4.f2 },
    });
    await act('p3', 'complete', { outcome: { codes: ['sp-outcome-signposted'] } });
  });

  it('ops: every report gives exactly what was done', async () => {
    // Analytics projects the events as they arrive: wait for the last ones.
    await waitFor(
      async () => {
        const t = (await opsReport('timeliness')).body.total?.measures ?? {};
        const u = (await opsReport('unmet-demand')).body.total?.measures ?? {};
        return (
          t['firstResponseCount'] === 7 &&
          t['completionCount'] === 3 &&
          t['firstContactCount'] === 1 &&
          u['refused'] === 1
        );
      },
      { timeoutMs: 120_000, intervalMs: 1000, description: "analytics has projected the run's events" },
    );
    const activity = await opsReport('activity');
    expect([activity.status, activity.body.suppression]).toEqual([200, 'none']);
    expect(activity.body.total.measures).toEqual({
      referred: 7,
      accepted: 5,
      rejected: 2,
      'rejected:not-eligible': 1,
      'rejected:patient-declined': 1,
      expiredNoResponse: 0,
      started: 3,
      completed: 3,
      'completed:sp-outcome-attended': 1,
      'completed:sp-outcome-goals-met': 1,
      'completed:sp-outcome-signposted': 1,
      cancelled: 0,
      failed: 0,
      onwardReferrals: 0,
      acceptanceRate: 0.714,
      completionRate: 0.6,
    });
    const grouped = async (key: string) =>
      byGroup((await opsReport('activity', { groupBy: key })).body.rows, key, 'referred');
    expect(await grouped('practice')).toEqual({ A81001: 6, A81002: 1 });
    expect(await grouped('ageBand')).toEqual({ '25-34': 3, '45-54': 2, '65-74': 2 });
    expect(await grouped('sex')).toEqual({ female: 4, male: 3 });
    expect(await grouped('imdDecile')).toEqual({
      '1': 1,
      '2': 1,
      '4': 1,
      '5': 1,
      '8': 1,
      '10': 1,
      unknown: 1,
    });
    expect(await grouped('ethnicCategory')).toEqual({ A: 2, B: 1, H: 1, N: 1, Z: 1, unknown: 1 });
    expect(await grouped('pcn')).toEqual({ U81234: 7 });

    const timeliness = (await opsReport('timeliness')).body.total.measures;
    expect(timeliness).toMatchObject({
      referred: 7,
      firstResponseCount: 7,
      firstContactCount: 1,
      completionCount: 3,
      withDeadline: 7,
      answeredByDeadline: 7,
      respondedWithinDeadline: 1,
    });

    const outcomes = (await opsReport('outcomes')).body.total.measures;
    expect(outcomes).toMatchObject({
      completed: 3,
      pairs: 2,
      baselineWithoutFollowUp: 1,
      'meanChange:lifeSatisfaction': 2,
      'meanChange:worthwhile': 2.5,
      'meanChange:happiness': 1,
      'meanChange:anxiety': -2.5,
      'improvedBand:lifeSatisfaction': 0.5,
      'sameBand:lifeSatisfaction': 0.5,
      'improvedBand:worthwhile': 1,
      'improvedBand:happiness': 0.5,
      'improvedBand:anxiety': 0.5,
      'worsenedBand:anxiety': 0,
    });

    // Equity: the funnel per sex, and shares against the two practices' registered lists.
    const equity = (await opsReport('equity', { groupBy: 'sex' })).body.rows;
    const list = {
      female: LIST_SIZES.A81001.female + LIST_SIZES.A81002.female,
      male: LIST_SIZES.A81001.male + LIST_SIZES.A81002.male,
    };
    const listTotal = list.female + list.male;
    const funnel = (
      referred: number,
      accepted: number,
      started: number,
      completed: number,
      sex: 'female' | 'male',
    ) => ({
      referred,
      accepted,
      started,
      completedPositive: completed,
      shareOfReferrals: round(referred / 7, 3),
      shareOfPopulation: round(list[sex] / listTotal, 3),
      ratio: round(referred / 7 / (list[sex] / listTotal), 2),
    });
    expect(
      equity.filter((r) => r.group['sex'] !== 'unknown').map((r) => [r.group['sex'], r.measures]),
    ).toEqual([
      ['female', funnel(4, 4, 2, 2, 'female')],
      ['male', funnel(3, 1, 1, 1, 'male')],
    ]);
    const byDecile = (await opsReport('equity', { groupBy: 'imdDecile' })).body.rows;
    expect(byDecile.find((r) => r.group['imdDecile'] === '1')?.measures).toMatchObject({
      referred: 1,
      accepted: 1,
      started: 1,
      completedPositive: 1,
    });

    const unmet = await opsReport('unmet-demand', { groupBy: 'need,service' });
    expect(
      unmet.body.rows
        .filter((r) => r.group['section'] === 'refusals')
        .map((r) => [r.group, r.measures['refused']]),
    ).toEqual([
      [
        expect.objectContaining({
          section: 'refusals',
          reason: 'no-capacity',
          need: 'sp-need-debt',
          service: network.fullService,
        }),
        1,
      ],
    ]);
    expect(unmet.body.total.measures['refused']).toBe(1);

    const quality = (await opsReport('data-quality')).body.rows;
    const practiceRow = (ods: string) =>
      quality.find((r) => r.group['perspective'] === 'practice' && r.group['practice'] === ods)?.measures;
    expect(practiceRow('A81001')).toEqual({
      referrals: 6,
      missingEthnicCategory: 0.167,
      startedOrCompleted: 3,
      missingBaseline: 0,
      completed: 3,
      missingOutcomeCodes: 0,
      withDeadline: 6,
      noResponseByDeadline: 0,
    });
    expect(practiceRow('A81002')).toMatchObject({
      referrals: 1,
      missingEthnicCategory: 0,
      completed: 0,
      missingOutcomeCodes: null,
    });
    const serviceRow = quality.find(
      (r) => r.group['perspective'] === 'service' && r.group['service'] === network.service,
    );
    expect(serviceRow?.measures).toMatchObject({ referrals: 7, missingEthnicCategory: round(1 / 7, 3) });
  });

  it('the practice: its own figures with counts 1-4 suppressed, CSV, and another practice refused', async () => {
    const own = await report(url('analytics'), tokens.practiceA, 'activity', period);
    expect([own.status, own.body.suppression]).toEqual([200, 'applied']);
    expect(own.body.total.measures).toMatchObject({
      referred: 6,
      accepted: 5,
      rejected: null,
      started: null,
      completed: null,
      cancelled: 0,
      acceptanceRate: 0.833,
      completionRate: null,
    });
    expect(own.body.total.suppressed).toEqual(
      expect.arrayContaining(['rejected', 'started', 'completed', 'completionRate']),
    );
    expect(own.body.total.suppressed).not.toContain('referred');

    // Equity: population shares of its own list are published; small referral counts are not.
    const equity = (await report(url('analytics'), tokens.practiceA, 'equity', { ...period, groupBy: 'sex' }))
      .body.rows;
    const female = equity.find((r) => r.group['sex'] === 'female')!;
    const a = LIST_SIZES.A81001;
    expect(female.measures).toMatchObject({
      referred: null,
      shareOfReferrals: null,
      shareOfPopulation: round(a.female / (a.female + a.male), 3),
    });
    expect(female.suppressed).toEqual(expect.arrayContaining(['referred', 'shareOfReferrals']));

    const csv = await reportCsv(url('analytics'), tokens.practiceA, 'activity', {
      ...period,
      groupBy: 'practice',
    });
    expect([csv.status, csv.contentType]).toEqual([200, expect.stringMatching(/^text\/csv/)]);
    const [header, row, total] = csv.lines;
    const cell = (line: string[] | undefined, name: string) => line?.[header!.indexOf(name)];
    expect(csv.lines).toHaveLength(3);
    expect([
      row![0],
      cell(row, 'referred'),
      cell(row, 'accepted'),
      cell(row, 'rejected'),
      cell(row, 'cancelled'),
    ]).toEqual(['A81001', '6', '5', '*', '0']);
    expect([total![0], cell(total, 'referred'), cell(total, 'started')]).toEqual(['Total', '6', '*']);

    const other = await call<{ errors: Array<{ field: string; code: string }> }>(
      `${url('analytics')}/v1/reports/activity?practice=A81002`,
      tokens.practiceA,
    );
    expect([other.status, other.body.errors.map((e) => `${e.field}:${e.code}`)]).toEqual([
      403,
      ['practice:forbidden'],
    ]);
    // Practice B sees its one referral only as suppressed.
    const b = await report(url('analytics'), tokens.practiceB, 'activity', period);
    expect(b.body.total.measures).toMatchObject({ referred: null, accepted: 0 });
  });

  it('no patient identifier in any lifecycle event of the run or in the analytics database', async () => {
    const runIds = [...Object.values(ids), network.fullService];
    const events = (await lifecycleSince(READER_GROUP)).filter((r) => runIds.some((id) => r.includes(id)));
    // Per referral at least the submission; the refusal as its own event.
    for (const id of Object.values(ids)) expect(events.some((e) => e.includes(id))).toBe(true);
    expect(events.filter((e) => e.includes('referral.refused'))).toHaveLength(1);
    const analytics = await databaseDump(mongoFor('analytics'));
    expect(analytics.collections).toEqual(expect.arrayContaining(['practices']));
    const wire = events.join('\n').toUpperCase();
    const stored = analytics.text.toUpperCase();
    for (const p of Object.values(PATIENTS)) {
      const identifiers = [
        p.nhsNumber,
        p.givenName,
        p.familyName,
        p.birthDate,
        ...(p.postcode ? [p.postcode, p.postcode.replace(' ', '')] : []),
      ];
      for (const identifier of identifiers.map((i) => i.toUpperCase())) {
        expect({ identifier, onKafka: wire.includes(identifier) }).toEqual({ identifier, onKafka: false });
        expect({ identifier, inAnalytics: stored.includes(identifier) }).toEqual({
          identifier,
          inAnalytics: false,
        });
      }
    }
  });
});
