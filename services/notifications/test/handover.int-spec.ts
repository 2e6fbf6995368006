// Handover notices, end to end through Kafka: the notifications service booted in-process on the
// real Kafka, MongoDB and Redis consumes real `referral.assigned` events (as the referrals service
// publishes them); the worker now holding the referral, and on a handover the worker who held it,
// find an id-and-code notice in their inbox; a colleague does not; the organisation's own system
// sees whom each notice is for; a redelivered event adds nothing. The workers are people signed in
// at the local OpenID Connect provider (real authorization-code + PKCE sign-in, real tokens).
import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import {
  createEnvelope,
  ReferralAssignedV1,
  ReferralSubmittedV1,
  Topics,
  type EventEnvelope,
} from '@sp/contracts';
import {
  createOidcPerson,
  groupCaughtUp,
  localOidcIssuersEnv,
  oidcSignIn,
  type OidcPerson,
  waitFor,
} from '@sp/testing';
import { DeliveryQueue } from '../src/delivery/delivery.queue';
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
  recipientPersonSub?: string;
  action?: string;
  reasonCode?: string;
  occurredAt: string;
  deliveredAt: string;
}

describe('handover notices, end to end through Kafka', () => {
  const run = runName('notif-ho');
  const team = randomUUID();
  let people: Record<'ali' | 'bea' | 'cara' | 'chris', OidcPerson & { token: string }>;
  let notifications: NotificationsInstance;
  let app: INestApplication;
  let url = '';
  let systemToken = '';

  beforeAll(async () => {
    notifications = await startNotificationsInstance(run, { env: { OIDC_ISSUERS: localOidcIssuersEnv() } });
    ({ app, url } = notifications);
    // The organisation's own system: an API client with no person.
    systemToken = await notifications.token({
      clientId: `system-${run}`,
      organisationId: team,
      role: 'link-worker',
    });

    // Three workers and their team lead, signed in at the local OIDC provider.
    const person = async (teamRole: 'worker' | 'team-lead') => {
      const p = await createOidcPerson({ organisationId: team, role: 'link-worker', teamRole });
      return { ...p, token: (await oidcSignIn(p.username, p.password)).accessToken };
    };
    people = {
      ali: await person('worker'),
      bea: await person('worker'),
      cara: await person('worker'),
      chris: await person('team-lead'),
    };
  });

  afterAll(async () => {
    await notifications?.close();
  });

  const inbox = async (token: string): Promise<InboxItem[]> => {
    const response = await fetch(`${url}/v1/inbox?limit=500`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.status).toBe(200);
    return ((await response.json()) as { items: InboxItem[] }).items;
  };

  const assigned = (
    referralId: string,
    version: number,
    change: {
      action: 'assigned' | 'reassigned';
      assigneeSub: string;
      previousAssigneeSub?: string;
      reasonCode?: 'leave';
    },
  ): EventEnvelope =>
    createEnvelope(
      ReferralAssignedV1,
      {
        referralId,
        ownerOrganisationId: team,
        action: change.action,
        assigneeSub: change.assigneeSub,
        ...(change.previousAssigneeSub ? { previousAssigneeSub: change.previousAssigneeSub } : {}),
        ...(change.reasonCode ? { reasonCode: change.reasonCode } : {}),
        assignedBySub: people.chris.sub,
        assignmentVersion: version,
        occurredAt: new Date().toISOString(),
      },
      { source: '/services/referrals', correlationId: run },
    );

  it('gives the assignee a notice, and on a handover both workers, once each, ids and codes only', async () => {
    const referralId = randomUUID();
    const [ali, bea] = [people.ali.sub, people.bea.sub];
    const first = assigned(referralId, 1, { action: 'assigned', assigneeSub: ali });
    const handover = assigned(referralId, 2, {
      action: 'reassigned',
      assigneeSub: bea,
      previousAssigneeSub: ali,
      reasonCode: 'leave',
    });
    await notifications.publish([first, handover]);
    // Redelivery of both (e.g. after a rebalance).
    await notifications.publish([first, handover]);

    const items = await waitFor(
      async () => {
        const all = (await inbox(systemToken)).filter((n) => n.referralId === referralId);
        return all.length >= 3 ? all : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 250, description: 'three handover notices' },
    );
    const summary = items
      .map((n) => [n.kind, n.recipientPersonSub, n.action, n.reasonCode ?? null])
      .sort((a, b) => String(a).localeCompare(String(b)));
    expect(summary).toEqual(
      [
        ['referral.assigned', ali, 'assigned', null],
        ['referral.assigned', bea, 'reassigned', 'leave'],
        ['referral.handed-over', ali, 'reassigned', 'leave'],
      ].sort((a, b) => String(a).localeCompare(String(b))),
    );
    // Ids and codes only.
    for (const n of items) {
      expect(Object.keys(n).sort()).toEqual(
        [
          'action',
          'deliveredAt',
          'id',
          'kind',
          'occurredAt',
          'recipientPersonSub',
          'referralId',
          'reasonCode',
        ]
          .filter((k) => k !== 'reasonCode' || n.reasonCode !== undefined)
          .sort(),
      );
    }
    // The redelivered events were taken from the topic after the first ones: once everything
    // published has been handled, still three.
    await waitFor(() => groupCaughtUp(`notifications-${run}`, Topics.referralLifecycle), {
      timeoutMs: 60_000,
      intervalMs: 250,
      description: 'the consumer group has handled everything published',
    });
    await waitFor(
      async () => {
        const queue = await app.get(DeliveryQueue).depths();
        return (queue['waiting'] ?? 0) + (queue['active'] ?? 0) + (queue['delayed'] ?? 0) === 0;
      },
      { timeoutMs: 30_000, intervalMs: 250, description: 'delivery queue drained' },
    );
    expect((await inbox(systemToken)).filter((n) => n.referralId === referralId)).toHaveLength(3);
  });

  it("shows each signed-in worker their own notices and the team's, never a colleague's", async () => {
    const referralId = randomUUID();
    await notifications.publish([
      // For the whole team: a new referral addressed to the organisation.
      createEnvelope(
        ReferralSubmittedV1,
        {
          referralId,
          requesterOrganisationId: randomUUID(),
          requesterOdsCode: 'A81001',
          ownerOrganisationId: team,
          needs: ['sp-need-loneliness'],
          priority: 'routine',
          status: 'requested',
          patientKey: 'b5a2c96250612366ea272ffac6d9744aaf4b45aacd96aa7cfcb931ee3b558259',
          occurredAt: new Date().toISOString(),
        },
        { source: '/services/referrals', correlationId: run },
      ),
      assigned(referralId, 1, { action: 'assigned', assigneeSub: people.ali.sub }),
      assigned(referralId, 2, {
        action: 'reassigned',
        assigneeSub: people.bea.sub,
        previousAssigneeSub: people.ali.sub,
        reasonCode: 'leave',
      }),
    ]);
    const kindsOf = async (who: keyof typeof people) =>
      (await inbox(people[who].token))
        .filter((n) => n.referralId === referralId)
        .map((n) => `${n.kind}${n.recipientPersonSub ? `@${n.recipientPersonSub}` : ''}`)
        .sort();
    await waitFor(async () => (await kindsOf('bea')).length === 2, {
      timeoutMs: 60_000,
      intervalMs: 250,
      description: "bea's notices",
    });
    await waitFor(async () => (await kindsOf('ali')).length === 3, {
      timeoutMs: 60_000,
      intervalMs: 250,
      description: "ali's notices",
    });
    expect(await kindsOf('ali')).toEqual(
      [
        'referral.submitted',
        `referral.assigned@${people.ali.sub}`,
        `referral.handed-over@${people.ali.sub}`,
      ].sort(),
    );
    expect(await kindsOf('bea')).toEqual(
      ['referral.submitted', `referral.assigned@${people.bea.sub}`].sort(),
    );
    // A colleague, and the team lead who made the change, see the team's notice only.
    expect(await kindsOf('cara')).toEqual(['referral.submitted']);
    expect(await kindsOf('chris')).toEqual(['referral.submitted']);
    // The organisation's own system (no person) sees all of them, each saying whom it is for.
    expect((await inbox(systemToken)).filter((n) => n.referralId === referralId)).toHaveLength(4);
  });
});
