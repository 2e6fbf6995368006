// Who is told what, end to end through Kafka (the notifications service booted in-process on the
// real Kafka, MongoDB and Redis): an open referral reaches the organisations whose services could
// claim it (from the directory replica), never the others; when an onward referral ends, the
// practice that made the first referral of the chain hears how, about its own referral; and every
// notice shows in the status list (inbox: delivered) for its organisation only.
import { randomUUID } from 'node:crypto';
import {
  createEnvelope,
  ReferralCompletedV1,
  ReferralOnwardCreatedV1,
  ReferralSubmittedV1,
  ServicePublishedV2,
  Topics,
  type EventEnvelope,
  type ReferralCompletedV1Data,
} from '@sp/contracts';
import { waitFor } from '@sp/testing';
import {
  runName,
  startNotificationsInstance,
  type NotificationsInstance,
} from './support/notifications-instance';

jest.setTimeout(120_000);

interface InboxItem {
  id: string;
  kind: string;
  referralId: string;
  action?: string;
  reasonCode?: string;
}

const meta = (run: string) => ({ source: '/services/referrals', correlationId: run });

describe('closed-loop routing, end to end through Kafka', () => {
  const run = runName('notif-rt');
  const org = {
    gp: randomUUID(),
    pcn: randomUUID(),
    befriending: randomUUID(),
    debt: randomUUID(),
  };
  const tokens: Record<keyof typeof org, string> = { gp: '', pcn: '', befriending: '', debt: '' };
  let ops = '';
  let notifications: NotificationsInstance;
  let url = '';

  beforeAll(async () => {
    notifications = await startNotificationsInstance(run, {
      topics: [Topics.referralLifecycle, Topics.directory],
    });
    ({ url } = notifications);
    for (const name of Object.keys(org) as (keyof typeof org)[]) {
      tokens[name] = await notifications.token({
        clientId: `${name}-${run}`,
        organisationId: org[name],
        role: 'provider',
      });
    }
    ops = await notifications.token({ clientId: `ops-${run}`, organisationId: randomUUID(), role: 'ops' });
  });

  afterAll(async () => {
    await notifications?.close();
  });

  const get = async <T>(path: string, token: string): Promise<T> => {
    const response = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(200);
    return (await response.json()) as T;
  };
  const inboxOf = async (who: keyof typeof org, referralId: string): Promise<InboxItem[]> =>
    (await get<{ items: InboxItem[] }>('/v1/inbox?limit=500', tokens[who])).items.filter(
      (n) => n.referralId === referralId,
    );
  const publish = (envelopes: EventEnvelope[]) => notifications.publish(envelopes);

  const listing = (organisationId: string, needCodes: string[]) =>
    createEnvelope(
      ServicePublishedV2,
      {
        serviceId: randomUUID(),
        organisationId,
        status: 'active',
        taxonomyTermIds: [randomUUID()],
        needCodes,
        languages: ['en'],
        occurredAt: new Date().toISOString(),
      },
      { source: '/services/organisations', correlationId: run },
    );

  const submitted = (referralId: string, requester: string, owner?: string, needs = ['sp-need-loneliness']) =>
    createEnvelope(
      ReferralSubmittedV1,
      {
        referralId,
        requesterOrganisationId: requester,
        requesterOdsCode: 'A81001',
        ...(owner ? { ownerOrganisationId: owner, targetServiceId: randomUUID() } : {}),
        needs,
        priority: 'routine',
        status: 'requested',
        patientKey: 'b5a2c96250612366ea272ffac6d9744aaf4b45aacd96aa7cfcb931ee3b558259',
        occurredAt: new Date().toISOString(),
      },
      meta(run),
    );

  it('sends an open referral to the organisations whose services meet its needs, and no other', async () => {
    await publish([listing(org.befriending, ['sp-need-loneliness']), listing(org.debt, ['sp-need-debt'])]);
    // The replica is fed from the directory topic; give it the listings before the referral.
    await waitFor(
      async () => {
        const referralId = randomUUID();
        await publish([submitted(referralId, org.gp)]);
        return (await waitFor(
          async () => ((await inboxOf('befriending', referralId)).length > 0 ? true : undefined),
          {
            timeoutMs: 10_000,
            intervalMs: 250,
            description: 'open referral notice',
          },
        ).catch(() => undefined))
          ? true
          : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 100, description: 'the replica to know the listings' },
    );
    const referralId = randomUUID();
    await publish([
      submitted(referralId, org.gp, undefined, ['sp-need-loneliness', 'sp-need-mental-wellbeing']),
    ]);
    const items = await waitFor(
      async () => {
        const found = await inboxOf('befriending', referralId);
        return found.length > 0 ? found : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 250, description: 'the open referral in the befriending inbox' },
    );
    expect(items.map((n) => n.kind)).toEqual(['referral.submitted']);
    expect(await inboxOf('debt', referralId)).toEqual([]);
    expect(await inboxOf('gp', referralId)).toEqual([]);
  });

  it('tells the practice how the onward referral its link worker made ended, about its own referral', async () => {
    const parent = randomUUID();
    const child = randomUUID();
    await publish([
      submitted(parent, org.gp, org.pcn),
      createEnvelope(
        ReferralOnwardCreatedV1,
        {
          referralId: parent,
          childReferralId: child,
          requesterOrganisationId: org.pcn,
          targetServiceId: randomUUID(),
          ownerOrganisationId: org.befriending,
          occurredAt: new Date().toISOString(),
        },
        meta(run),
      ),
      submitted(child, org.pcn, org.befriending),
    ]);
    const completed = createEnvelope(
      ReferralCompletedV1,
      {
        ...(ReferralCompletedV1.example as ReferralCompletedV1Data),
        referralId: child,
        parentReferralId: parent,
        requesterOrganisationId: org.pcn,
        ownerOrganisationId: org.befriending,
        targetServiceId: randomUUID(),
        actor: { organisationId: org.befriending, role: 'provider' },
        occurredAt: new Date().toISOString(),
      },
      meta(run),
    );
    await publish([completed, completed]); // redelivered: still one notice each

    const gpNotices = await waitFor(
      async () => {
        const found = await inboxOf('gp', parent);
        return found.some((n) => n.kind === 'referral.onward-outcome') ? found : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 250, description: 'the onward outcome in the practice inbox' },
    );
    expect(gpNotices.filter((n) => n.kind === 'referral.onward-outcome')).toEqual([
      expect.objectContaining({ referralId: parent, action: 'referral.completed' }),
    ]);
    const pcnNotices = await waitFor(
      async () => {
        const found = await inboxOf('pcn', child);
        return found.some((n) => n.kind === 'referral.completed') ? found : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 250, description: 'the completion in the link-worker inbox' },
    );
    expect(pcnNotices.map((n) => n.kind)).toEqual(['referral.completed']);
    // The practice is not a party to the onward referral: it never sees its id.
    expect(await inboxOf('gp', child)).toEqual([]);

    // The status list: each organisation sees its own; ops see everyone's.
    type Page = {
      items: { referralId?: string; organisationId: string; channel: string; status: string; kind: string }[];
    };
    const own = await get<Page>(`/v1/notifications?referralId=${parent}&channel=inbox`, tokens.gp);
    expect(own.items.map((i) => [i.kind, i.channel, i.status, i.organisationId])).toEqual([
      ['referral.onward-outcome', 'inbox', 'delivered', org.gp],
    ]);
    const theirs = await get<Page>(`/v1/notifications?referralId=${child}`, tokens.gp);
    expect(theirs.items).toEqual([]);
    const all = await get<Page>(`/v1/notifications?referralId=${child}&channel=inbox`, ops);
    expect(all.items.map((i) => i.organisationId).sort()).toEqual([org.befriending, org.pcn].sort());
    const forbidden = await fetch(`${url}/v1/notifications?organisationId=${org.pcn}`, {
      headers: { authorization: `Bearer ${tokens.gp}` },
    });
    expect(forbidden.status).toBe(403);
    const invalid = await fetch(`${url}/v1/notifications?channel=pigeon&limit=0`, {
      headers: { authorization: `Bearer ${tokens.gp}` },
    });
    expect(invalid.status).toBe(400);
    const problem = (await invalid.json()) as { errors?: { field: string }[] };
    expect(JSON.stringify(problem)).toContain('channel');
    expect(JSON.stringify(problem)).toContain('limit');
  });
});
