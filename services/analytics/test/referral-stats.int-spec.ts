// The all-time statistics of /v1/stats/* (formerly counters and a first-contact table), now computed
// from the referral facts: the analytics service booted in-process on the real Kafka and database
// consumes the known world's lifecycle events, and each caller sees exactly the counts, coded
// reasons, ONS4 change and time to first contact of its own referrals (ops: the platform, every
// organisation and any service). A redelivered event, or a second "first" contact for a referral
// already reached, changes nothing.
import { createEnvelope, ReferralFirstContactMadeV1 } from '@sp/contracts';
import { startAnalyticsInstance, runName, type AnalyticsInstance } from './support/analytics-instance';
import { at, ODS, worldEvents, worldIds, type WorldIds } from './support/report-world';

jest.setTimeout(180_000);

interface Summary {
  count: number;
  medianDays: number | null;
  p90Days: number | null;
}
interface StatsView {
  organisationId: string | null;
  submitted: number;
  byPriority: Record<string, number>;
  transitions: Record<string, number>;
  reasons: Record<string, number>;
  consentWithdrawn: number;
  wellbeingChange: { pairs: number; mean: Record<string, number> | null };
  lastEventAt: string | null;
  timeToFirstContact: Summary;
  timeToFirstContactAsReceiver?: Summary;
}

const NONE: Summary = { count: 0, medianDays: null, p90Days: null };
// Practice A's referrals (A1-A8): 6 accepted, A6 rejected (no-capacity), A7 expired, A1-A4 started,
// A1-A3 completed with ONS4 pairs (+3/+2/+2/-4, +1/+1/+1/-1, no change), A8 cancelled; first
// contact after 3, 3, 4 and 5 days.
const PRACTICE_A = {
  submitted: 8,
  byPriority: { routine: 8 },
  transitions: { accepted: 6, rejected: 2, 'in-progress': 4, completed: 3, cancelled: 1 },
  reasons: { 'no-capacity': 1, 'no-response': 1, 'patient-declined': 1 },
  consentWithdrawn: 0,
  wellbeingChange: {
    pairs: 3,
    mean: { lifeSatisfaction: 1.33, worthwhile: 1, happiness: 1, anxiety: -1.67 },
  },
  lastEventAt: at(24),
  timeToFirstContact: { count: 4, medianDays: 3, p90Days: 5 },
};

describe('/v1/stats on the referral facts, end to end through Kafka', () => {
  let analytics: AnalyticsInstance;
  let ids: WorldIds;

  beforeAll(async () => {
    analytics = await startAnalyticsInstance(runName('an-stats'));
    ids = worldIds();
    const events = worldEvents(ids);
    await analytics.publish(events);
    // Redelivered events, and a later "first" contact of A1 (half a day later): no effect.
    const secondContact = createEnvelope(
      ReferralFirstContactMadeV1,
      {
        referralId: ids.referral['A1']!,
        requesterOrganisationId: ids.practice.A,
        ownerOrganisationId: ids.owner.S1,
        targetServiceId: ids.service.S1,
        patientKey: 'b5a2c96250612366ea272ffac6d9744aaf4b45aacd96aa7cfcb931ee3b558259',
        submittedAt: at(0),
        firstContactAt: at(3.5),
        method: 'phone',
        attemptsBefore: 2,
        occurredAt: at(3.5),
      },
      { source: '/services/referrals', correlationId: 'redelivery' },
    );
    await analytics.publish([...events.slice(0, 12), secondContact]);
    await analytics.caughtUp();
  });

  afterAll(async () => {
    await analytics?.close();
  });

  const stats = async (path: string, who: Parameters<AnalyticsInstance['token']>[0]) => {
    const answer = await analytics.get(path, await analytics.token(who));
    expect(answer.status).toBe(200);
    return answer.json as { platform?: StatsView; organisations: StatsView[] } & StatsView;
  };

  it("shows a practice its own referrals' counts and time to first contact", async () => {
    const own = await stats('/v1/stats/referrals', {
      organisationId: ids.practice.A,
      odsCode: ODS.A,
      role: 'referrer',
    });
    expect(own.platform).toBeUndefined();
    expect(own.organisations).toEqual([
      { organisationId: ids.practice.A, ...PRACTICE_A, timeToFirstContactAsReceiver: NONE },
    ]);
  });

  it('shows a receiving organisation how fast its workers reached the patients', async () => {
    const own = await stats('/v1/stats/referrals', { organisationId: ids.owner.S1, role: 'provider' });
    expect(own.organisations).toHaveLength(1);
    expect(own.organisations[0]).toMatchObject({
      organisationId: ids.owner.S1,
      submitted: 0,
      timeToFirstContact: NONE,
      timeToFirstContactAsReceiver: { count: 4, medianDays: 3, p90Days: 5 },
    });
  });

  it('shows ops the platform and every organisation', async () => {
    // The platform view cannot be narrowed: it counts whatever reaches this run's consumer group, i.e.
    // this spec's events when nothing else publishes meanwhile (the test command runs specs one by one).
    const ops = await stats('/v1/stats/referrals', { organisationId: 'platform', role: 'ops' });
    expect(ops.platform).toEqual({
      organisationId: null,
      submitted: 11,
      byPriority: { routine: 11 },
      transitions: { accepted: 8, rejected: 3, 'in-progress': 5, completed: 4, cancelled: 1 },
      reasons: { 'no-capacity': 1, 'no-response': 1, 'patient-declined': 1, 'not-eligible': 1 },
      consentWithdrawn: 0,
      wellbeingChange: PRACTICE_A.wellbeingChange,
      lastEventAt: at(30),
      // A1-A4 and B1 (4 days): [3, 3, 4, 4, 5].
      timeToFirstContact: { count: 5, medianDays: 4, p90Days: 5 },
    });
    const byId = new Map(ops.organisations.map((o) => [o.organisationId, o]));
    expect(byId.get(ids.practice.A)).toEqual({
      organisationId: ids.practice.A,
      ...PRACTICE_A,
      timeToFirstContactAsReceiver: NONE,
    });
    expect(byId.get(ids.practice.B)).toMatchObject({
      submitted: 2,
      transitions: { accepted: 1, rejected: 1, 'in-progress': 1, completed: 1 },
      reasons: { 'not-eligible': 1 },
      wellbeingChange: { pairs: 0, mean: null },
    });
    expect(byId.get(ids.owner.S2)).toMatchObject({
      submitted: 0,
      timeToFirstContactAsReceiver: { count: 1, medianDays: 4, p90Days: 4 },
    });
    expect([...byId.keys()].sort()).toEqual(
      [ids.practice.A, ids.practice.B, ids.practice.C, ids.owner.S1, ids.owner.S2].sort(),
    );
  });

  it('shows ops one receiving service, and refuses it to anyone else', async () => {
    const service = await stats(`/v1/stats/services/${ids.service.S1}`, {
      organisationId: 'platform',
      role: 'ops',
    });
    expect(service).toEqual({
      serviceId: ids.service.S1,
      organisationId: null,
      submitted: 9,
      byPriority: { routine: 9 },
      transitions: { accepted: 7, rejected: 2, 'in-progress': 4, completed: 3, cancelled: 1 },
      reasons: PRACTICE_A.reasons,
      consentWithdrawn: 0,
      wellbeingChange: PRACTICE_A.wellbeingChange,
      lastEventAt: at(24),
      timeToFirstContact: PRACTICE_A.timeToFirstContact,
    });
    const refused = await analytics.get(
      `/v1/stats/services/${ids.service.S1}`,
      await analytics.token({ organisationId: ids.owner.S1, role: 'provider' }),
    );
    expect(refused.status).toBe(403);
    expect(refused.contentType).toContain('application/problem+json');
  });

  it('answers zeros for a service nobody referred to', async () => {
    const service = await stats('/v1/stats/services/no-such-service', {
      organisationId: 'platform',
      role: 'ops',
    });
    expect(service).toMatchObject({
      serviceId: 'no-such-service',
      submitted: 0,
      lastEventAt: null,
      timeToFirstContact: NONE,
    });
  });
});
