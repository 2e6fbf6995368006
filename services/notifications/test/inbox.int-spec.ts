// The inbox and the directory replica on the real database: one notification per event and
// recipient whatever the redeliveries, consent withdrawal redacts the referral's notifications
// even those whose delivery job runs (or is retried) after the withdrawal, and the replica
// applies every directory event once.
import { randomUUID } from 'node:crypto';
import type { Connection } from 'mongoose';
import { connectMongo } from '@sp/persistence';
import { testDatabaseName, testInfra } from '@sp/testing';
import { ServiceReplicaRepository } from '../src/directory-replica/service-replica.repository';
import { InboxRepository, type InboxNotification } from '../src/inbox/inbox.repository';

jest.setTimeout(60_000);

describe('inbox and directory replica on the real database', () => {
  let connections: Connection[] = [];
  let inboxes: [InboxRepository, InboxRepository];

  beforeAll(async () => {
    const url = testInfra.mongoUrlFor(testDatabaseName('notifications-inbox'));
    // Two connections (two pools), as two members of the consumer group would write.
    connections = await Promise.all([connectMongo(url), connectMongo(url)]);
    inboxes = [new InboxRepository(connections[0]!), new InboxRepository(connections[1]!)];
    await inboxes[0].onModuleInit();
  });

  afterAll(async () => {
    await connections[0]?.dropDatabase().catch(() => undefined);
    await Promise.all(connections.map((c) => c.close()));
  });

  const notification = (referralId: string, kind: string, recipient = 'org-gp'): InboxNotification => {
    const eventId = randomUUID();
    return {
      _id: `${eventId}:${recipient}`,
      recipientOrganisationId: recipient,
      kind,
      referralId,
      occurredAt: new Date().toISOString(),
      deliveredAt: new Date(),
      correlationId: eventId,
    };
  };

  it('keeps one notification per event and recipient when the same delivery runs several times at once', async () => {
    const referralId = randomUUID();
    const items = Array.from({ length: 20 }, () => notification(referralId, 'referral.accepted'));
    const outcomes = await Promise.all(items.flatMap((n) => [inboxes[0].deliver(n), inboxes[1].deliver(n)]));
    expect(outcomes.filter((o) => o === 'delivered')).toHaveLength(20);
    expect(outcomes.filter((o) => o === 'already-delivered')).toHaveLength(20);
    const listed = await inboxes[0].forOrganisation('org-gp', 500);
    expect(listed.filter((n) => n.referralId === referralId)).toHaveLength(20);
  });

  it('redacts a withdrawn referral, including deliveries racing the withdrawal and deliveries after it', async () => {
    const referralId = randomUUID();
    const kinds = ['referral.submitted', 'referral.accepted', 'referral.started', 'referral.cancelled'];
    const racing = Array.from({ length: 60 }, (_, n) => notification(referralId, kinds[n % kinds.length]!));
    const deliveries = racing.map((n, i) => inboxes[i % 2]!.deliver(n));
    const redaction = inboxes[1].redactReferral(referralId, ['referral.cancelled']);
    await Promise.all([...deliveries, redaction]);
    // A job retried long after the withdrawal (e.g. its recipient was not in the replica yet).
    const late = await inboxes[0].deliver(notification(referralId, 'referral.accepted'));
    const lateKept = await inboxes[0].deliver(notification(referralId, 'referral.cancelled'));
    expect([late, lateKept]).toEqual(['redacted', 'delivered']);

    const left = (await inboxes[0].forOrganisation('org-gp', 500)).filter((n) => n.referralId === referralId);
    expect(new Set(left.map((n) => n.kind))).toEqual(new Set(['referral.cancelled']));
    expect(left).toHaveLength(racing.filter((n) => n.kind === 'referral.cancelled').length + 1);
  });

  it('applies each directory event once, the latest listing winning, even when two writers create the service', async () => {
    const replicas = connections.map((c) => new ServiceReplicaRepository(c));
    const serviceId = `svc-${randomUUID()}`;
    const first = {
      serviceId,
      organisationId: 'org-a',
      status: 'active',
      occurredAt: '2025-01-01T00:00:00Z',
    };
    const [e1, e2] = [randomUUID(), randomUUID()];
    const outcomes = await Promise.all([
      replicas[0]!.applyListing(e1, first),
      replicas[1]!.applyListing(e1, first),
      replicas[1]!.applyListing(e2, { ...first, status: 'inactive' }),
    ]);
    expect([...outcomes].sort()).toEqual(['applied', 'applied', 'duplicate']);
    expect(await replicas[0]!.organisationOf(serviceId)).toBe('org-a');
    const moved = await replicas[0]!.applyListing(randomUUID(), {
      ...first,
      organisationId: 'org-b',
      occurredAt: '2025-01-02T00:00:00Z',
    });
    expect(moved).toBe('applied');
    expect(await replicas[1]!.organisationOf(serviceId)).toBe('org-b');
    expect(await replicas[1]!.applyListing(e2, { ...first, status: 'inactive' })).toBe('duplicate');
  });
});
