// The organisations' contact addresses on the real database: each directory change applied once,
// in the order of the events' times whatever the order they arrive in (Kafka redelivers, and two
// consumers may apply changes of one organisation at once after a rebalance).
import { randomUUID } from 'node:crypto';
import type { Connection } from 'mongoose';
import { connectMongo } from '@sp/persistence';
import { testDatabaseName, testInfra } from '@sp/testing';
import { OrganisationContactsRepository } from '../src/email/contact-address/organisation-contacts.repository';

jest.setTimeout(60_000);

describe('organisation contact addresses on the real database', () => {
  let connection: Connection;
  let contacts: OrganisationContactsRepository;

  beforeAll(async () => {
    connection = await connectMongo(testInfra.mongoUrlFor(testDatabaseName('notifications-contacts')));
    contacts = new OrganisationContactsRepository(connection);
  });

  afterAll(async () => {
    await connection?.dropDatabase().catch(() => undefined);
    await connection?.close();
  });

  const at = (minute: number) => new Date(Date.UTC(2026, 11, 3, 9, minute)).toISOString();

  it('keeps the latest change whatever the arrival order, and a removal removes', async () => {
    const organisationId = `org-${randomUUID()}`;
    const changes = [
      { organisationId, email: 'first@example.org', occurredAt: at(1) },
      { organisationId, email: 'second@example.org', occurredAt: at(2) },
      { organisationId, email: 'third@example.org', occurredAt: at(3) },
    ];
    // Newest first, then the older ones late, twice each, several at once.
    await Promise.all(
      [...changes]
        .reverse()
        .flatMap((c) => [contacts.apply(randomUUID(), c), contacts.apply(randomUUID(), c)]),
    );
    expect(await contacts.emailOf(organisationId)).toBe('third@example.org');
    await contacts.apply(randomUUID(), { organisationId, occurredAt: at(4) });
    expect(await contacts.emailOf(organisationId)).toBeUndefined();
    await contacts.apply(randomUUID(), changes[2]!);
    expect(await contacts.emailOf(organisationId)).toBeUndefined();
    await contacts.apply(randomUUID(), { organisationId, email: 'back@example.org', occurredAt: at(5) });
    expect(await contacts.emailOf(organisationId)).toBe('back@example.org');
    expect(await contacts.emailOf(`org-${randomUUID()}`)).toBeUndefined();
  });

  it('keeps the newer address when the first two changes of an organisation race', async () => {
    const organisations = Array.from({ length: 30 }, () => `org-${randomUUID()}`);
    await Promise.all(
      organisations.flatMap((organisationId) => [
        contacts.apply(randomUUID(), { organisationId, email: 'old@example.org', occurredAt: at(1) }),
        contacts.apply(randomUUID(), { organisationId, email: 'new@example.org', occurredAt: at(2) }),
      ]),
    );
    const emails = await Promise.all(organisations.map((id) => contacts.emailOf(id)));
    expect(new Set(emails)).toEqual(new Set(['new@example.org']));
  });
});
