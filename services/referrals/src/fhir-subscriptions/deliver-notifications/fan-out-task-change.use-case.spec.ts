import { DomainError } from '@sp/errors';
import type { ReferralDocument } from '../../referrals/referral.entity';
import type { StoredSubscription } from '../domain/subscription';
import type { SubscriptionEvent } from '../fhir-subscription.repository';
import { FanOutTaskChangeUseCase, type TaskChange } from './fan-out-task-change.use-case';
import type { SubscriptionJobData } from './subscription-delivery.job';

const now = new Date('2026-12-03T10:00:00Z');

function sub(
  id: string,
  organisationId: string,
  role: StoredSubscription['owner']['role'],
  extra: Partial<StoredSubscription> = {},
): StoredSubscription {
  return {
    _id: id,
    owner: { clientId: `client-${id}`, organisationId, role },
    status: 'active',
    base: 'https://referrals.example/fhir',
    eventCount: 0,
    consecutiveFailures: 0,
    reason: 'test',
    filters: [],
    endpoint: 'https://portal.example/hook',
    headers: [],
    createdAt: now,
    updatedAt: now,
    ...extra,
  };
}

const referral = {
  _id: 'ref-1',
  status: 'accepted',
  requesterOrganisationId: 'org-gp',
  ownerOrganisationId: 'org-vcs',
  targetServiceId: 'svc-1',
} as unknown as ReferralDocument;

/** In-memory repository: numbers each (subscription, event) once, like the Mongo one. */
class Subscriptions {
  events = new Map<string, SubscriptionEvent>();
  constructor(readonly all: StoredSubscription[]) {}
  async candidates() {
    return this.all;
  }
  async numberEvent(subscriptionId: string, eventId: string, referralId: string, occurredAt: Date) {
    const key = `${subscriptionId}_${eventId}`;
    const existing = this.events.get(key);
    if (existing) return existing;
    const s = this.all.find((x) => x._id === subscriptionId)!;
    s.eventCount += 1;
    const event: SubscriptionEvent = {
      _id: key,
      subscriptionId,
      eventId,
      referralId,
      eventNumber: s.eventCount,
      occurredAt,
      state: 'queued',
    };
    this.events.set(key, event);
    return event;
  }
}

function setUp(subs: StoredSubscription[], visibleTo: string[]) {
  const jobs = new Map<string, Extract<SubscriptionJobData, { kind: 'event' }>>();
  const repo = new Subscriptions(subs);
  const useCase = new FanOutTaskChangeUseCase(
    { findById: async (id: string) => (id === referral._id ? referral : null) },
    {
      load: async (id: string, actor: { organisationId: string }) => {
        if (!visibleTo.includes(actor.organisationId))
          throw new DomainError('REFERRAL.NOT_FOUND', `Referral ${id} not found`, { status: 404 });
        return { referral, parties: [] };
      },
    },
    repo,
    { event: async (data) => void jobs.set(data.eventKey, data) },
  );
  return { useCase, jobs, repo };
}

const change = (eventId: string, extra: Partial<TaskChange> = {}): TaskChange => ({
  eventId,
  kind: 'referral.accepted',
  referralId: 'ref-1',
  occurredAt: '2026-12-03T09:59:00.000Z',
  toStatus: 'accepted',
  ...extra,
});

describe('fan-out of a Task change to subscriptions', () => {
  it('queues one job per subscription that may read the Task and whose filters match', async () => {
    const subs = [
      sub('vcs', 'org-vcs', 'provider', {
        filters: [{ criteria: 'Task?status=accepted', filter: { status: ['accepted'] } }],
      }),
      sub('gp', 'org-gp', 'referrer', {
        filters: [{ criteria: 'Task?status=completed', filter: { status: ['completed'] } }],
      }),
      sub('other', 'org-other', 'provider'),
      sub('paused', 'org-vcs', 'provider', { status: 'error' }),
      sub('ended', 'org-vcs', 'provider', { end: new Date('2026-12-01T00:00:00Z') }),
    ];
    const { useCase, jobs } = setUp(subs, ['org-vcs', 'org-gp']);
    expect(await useCase.execute(change('e1'), now)).toBe(1);
    expect([...jobs.values()]).toEqual([
      expect.objectContaining({
        subscriptionId: 'vcs',
        eventNumber: 1,
        referralId: 'ref-1',
        created: false,
        eventKey: 'vcs_e1',
      }),
    ]);
  });

  it('is idempotent per subscription and event (a redelivered event keeps its number and job id); numbers increase per subscription', async () => {
    const { useCase, jobs } = setUp([sub('vcs', 'org-vcs', 'provider')], ['org-vcs']);
    await useCase.execute(change('e1'), now);
    await useCase.execute(change('e1'), now);
    await useCase.execute(change('e2', { kind: 'referral.started', toStatus: 'in-progress' }), now);
    expect([...jobs.values()].map((j) => [j.eventKey, j.eventNumber])).toEqual([
      ['vcs_e1', 1],
      ['vcs_e2', 2],
    ]);
  });

  it('whatever the filter says, a subscription of an organisation that may not read the Task gets nothing', async () => {
    const { useCase, jobs } = setUp(
      [
        sub('nosy', 'org-nosy', 'provider', {
          filters: [{ criteria: 'Task?_id=ref-1', filter: { ids: ['ref-1'] } }],
        }),
      ],
      [],
    );
    expect(await useCase.execute(change('e1'), now)).toBe(0);
    expect(jobs.size).toBe(0);
  });

  it('a submitted referral is a created Task', async () => {
    const { useCase, jobs } = setUp([sub('vcs', 'org-vcs', 'provider')], ['org-vcs']);
    await useCase.execute(change('e0', { kind: 'referral.submitted', toStatus: 'requested' }), now);
    expect([...jobs.values()][0]?.created).toBe(true);
  });
});
