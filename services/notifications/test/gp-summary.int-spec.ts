// The message back to the GP reaching the practice: the notifications service booted in-process on
// the real Kafka, MongoDB and Redis consumes a real `referral.gp-summary-issued` event (as the
// referrals service publishes it) and the practice finds it in its inbox; another organisation
// does not, and a redelivered event adds nothing.
import { createEnvelope, ReferralGpSummaryIssuedV1 } from '@sp/contracts';
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
}

describe('GP summary notification, end to end through Kafka', () => {
  const run = runName('notif-gps');
  const gp = `org-gp-${run}`;
  const vcs = `org-vcs-${run}`;
  let notifications: NotificationsInstance;
  let url = '';
  let tokens: Record<'gp' | 'vcs', string>;

  beforeAll(async () => {
    notifications = await startNotificationsInstance(run);
    ({ url } = notifications);
    tokens = {
      gp: await notifications.token({
        clientId: gp,
        organisationId: gp,
        role: 'referrer',
        odsCode: 'A81001',
      }),
      vcs: await notifications.token({ clientId: vcs, organisationId: vcs, role: 'provider' }),
    };
  });

  afterAll(async () => {
    await notifications?.close();
  });

  const inboxOf = async (who: 'gp' | 'vcs'): Promise<InboxItem[]> => {
    const response = await fetch(`${url}/v1/inbox?limit=500`, {
      headers: { authorization: `Bearer ${tokens[who]}` },
    });
    expect(response.status).toBe(200);
    return ((await response.json()) as { items: InboxItem[] }).items;
  };

  it('tells the referring practice once, even when the practice closed the referral itself', async () => {
    const referralId = `ref-${run}`;
    const event = createEnvelope(
      ReferralGpSummaryIssuedV1,
      {
        summaryId: `sum-${run}`.slice(0, 64),
        referralId,
        rootReferralId: referralId,
        recipientOrganisationId: gp,
        recipientOdsCode: 'A81001',
        targetServiceId: `svc-${run}`.slice(0, 64),
        ownerOrganisationId: vcs,
        closingStatus: 'cancelled',
        expired: false,
        closedBy: { organisationId: gp, role: 'referrer' },
        reasonCode: 'patient-declined',
        outcomeCodes: [],
        recordCodes: ['871711000000103'],
        occurredAt: new Date().toISOString(),
      },
      { source: '/services/referrals', correlationId: run },
    );
    // Published twice: a redelivery adds nothing.
    await notifications.publish([event]);
    await notifications.publish([event]);

    // Then another summary notice on the same key (same partition): once it is in, the redelivery
    // before it has been handled too.
    const later = createEnvelope(ReferralGpSummaryIssuedV1, event.data, {
      source: '/services/referrals',
      correlationId: run,
    });
    await notifications.publish([later]);
    await waitFor(async () => (await inboxOf('gp')).some((i) => i.id.startsWith(later.id)), {
      timeoutMs: 60_000,
      intervalMs: 250,
      description: 'the GP summary notices in the practice inbox',
    });
    const mine = (await inboxOf('gp')).filter((i) => i.referralId === referralId);
    expect(mine.filter((i) => i.id.startsWith(event.id))).toEqual([
      expect.objectContaining({ kind: 'referral.gp-summary-issued', referralId }),
    ]);
    expect(mine).toHaveLength(2);
    expect((await inboxOf('vcs')).filter((i) => i.referralId === referralId)).toEqual([]);
  });
});
