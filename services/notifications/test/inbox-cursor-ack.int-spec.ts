// The inbox over HTTP on the real database: cursor pages that list every notice once, newest
// first, however many share a delivery time; acknowledgement one at a time and in bulk (all or
// none), `?unacknowledged=true`, and the refusals: another organisation's notice and a colleague's
// person-addressed notice are 404 and stay unacknowledged. People are signed in at the local
// OpenID Connect provider (real tokens).
import { randomUUID } from 'node:crypto';
import { createOidcPerson, oidcSignIn } from '@sp/testing';
import { InboxRepository, type InboxNotification } from '../src/inbox/inbox.repository';
import { startOpsWorld, type OpsWorld } from './support/ops-world';

jest.setTimeout(120_000);

interface Item {
  id: string;
  kind: string;
  referralId: string;
  recipientPersonSub?: string;
  deliveredAt: string;
  acknowledgedAt?: string;
}
interface Page {
  items: Item[];
  nextCursor?: string;
}

describe('inbox cursor and acknowledgement', () => {
  let world: OpsWorld;
  let inbox: InboxRepository;
  const orgA = randomUUID();
  const orgB = randomUUID();
  let systemA = '';
  let systemB = '';

  beforeAll(async () => {
    world = await startOpsWorld('notif-inbox');
    inbox = world.app.get(InboxRepository);
    systemA = await world.token('link-worker', orgA);
    systemB = await world.token('provider', orgB);
  });

  afterAll(async () => {
    await world?.close();
  });

  const notice = (organisationId: string, deliveredAt: Date, personSub?: string): InboxNotification => {
    const eventId = randomUUID();
    return {
      _id: `${eventId}:${organisationId}${personSub ? `:${personSub}` : ''}`,
      recipientOrganisationId: organisationId,
      ...(personSub ? { recipientPersonSub: personSub } : {}),
      kind: 'referral.submitted',
      referralId: randomUUID(),
      occurredAt: deliveredAt.toISOString(),
      deliveredAt,
      correlationId: eventId,
    };
  };

  const call = async (token: string, path: string, init: RequestInit = {}) => {
    const response = await fetch(`${world.url}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...init.headers },
    });
    const text = await response.text();
    return {
      status: response.status,
      body: (text ? JSON.parse(text) : undefined) as Record<string, unknown>,
    };
  };
  const page = async (token: string, query: string) =>
    (await call(token, `/v1/inbox?${query}`)).body as unknown as Page;
  const ack = (token: string, id: string) =>
    call(token, `/v1/inbox/${encodeURIComponent(id)}/ack`, { method: 'POST' });
  const ackMany = (token: string, ids: string[]) =>
    call(token, '/v1/inbox/ack', { method: 'POST', body: JSON.stringify({ ids }) });

  it('pages through every notice exactly once, newest first, ties included, and says when it is done', async () => {
    const org = randomUUID();
    const token = await world.token('link-worker', org);
    const base = Date.now() - 60_000;
    // Seven notices, three of them delivered in the same millisecond; and another organisation's.
    const times = [0, 1000, 1000, 1000, 2000, 3000, 4000].map((ms) => new Date(base + ms));
    const mine = times.map((t) => notice(org, t));
    for (const n of [...mine, notice(randomUUID(), new Date(base + 1000))]) await inbox.deliver(n);

    const seen: Item[] = [];
    let query = 'limit=3';
    for (let pages = 1; ; pages++) {
      const { items, nextCursor } = await page(token, query);
      seen.push(...items);
      if (!nextCursor) {
        expect(pages).toBe(3);
        break;
      }
      query = `limit=3&cursor=${nextCursor}`;
    }
    const expected = [...mine]
      .sort((a, b) => b.deliveredAt.getTime() - a.deliveredAt.getTime() || (a._id < b._id ? 1 : -1))
      .map((n) => n._id);
    expect(seen.map((n) => n.id)).toEqual(expected);
  });

  it('refuses a cursor it did not make and unknown parameters, naming each', async () => {
    const fieldsOf = (body: Record<string, unknown>) =>
      ((body['errors'] as Array<{ field: string }> | undefined) ?? []).map((e) => e.field).join(' ');
    const bad = await call(systemA, '/v1/inbox?limit=0&colour=red');
    expect(bad.status).toBe(400);
    expect(fieldsOf(bad.body)).toMatch(/limit/);
    expect(fieldsOf(bad.body)).toMatch(/colour/);
    const cursor = await call(systemA, '/v1/inbox?cursor=bm9wZQ');
    expect(cursor.status).toBe(400);
    expect(fieldsOf(cursor.body)).toBe('cursor');
  });

  it('acknowledges a notice once, hides it from ?unacknowledged=true, and refuses another organisation', async () => {
    const [first, second] = [notice(orgA, new Date()), notice(orgA, new Date())];
    const foreign = notice(orgB, new Date());
    for (const n of [first, second, foreign]) await inbox.deliver(n);

    const done = await ack(systemA, first._id);
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ id: first._id });
    const acknowledgedAt = done.body['acknowledgedAt'];
    expect(typeof acknowledgedAt).toBe('string');
    // Again: harmless, the first acknowledgement stays.
    expect((await ack(systemA, first._id)).body['acknowledgedAt']).toBe(acknowledgedAt);

    const open = (await page(systemA, 'unacknowledged=true&limit=500')).items.map((n) => n.id);
    expect(open).toContain(second._id);
    expect(open).not.toContain(first._id);
    const all = (await page(systemA, 'limit=500')).items;
    expect(all.find((n) => n.id === first._id)?.acknowledgedAt).toBe(acknowledgedAt);

    // Another organisation's notice: 404, and it stays unacknowledged for its owner.
    const refused = await ack(systemA, foreign._id);
    expect(refused.status).toBe(404);
    expect(refused.body['code']).toBe('INBOX.NOT_FOUND');
    const theirs = (await page(systemB, 'unacknowledged=true&limit=500')).items.map((n) => n.id);
    expect(theirs).toContain(foreign._id);
  });

  it('acknowledges in bulk all or none, naming each id that is not in the inbox', async () => {
    const mine = [notice(orgA, new Date()), notice(orgA, new Date())];
    const foreign = notice(orgB, new Date());
    for (const n of [...mine, foreign]) await inbox.deliver(n);

    const refused = await ackMany(systemA, [mine[0]!._id, foreign._id, 'no-such-notice']);
    expect(refused.status).toBe(404);
    expect((refused.body['errors'] as Array<{ field: string }>).map((e) => e.field)).toEqual([
      'ids[1]',
      'ids[2]',
    ]);
    // Nothing changed.
    const open = (await page(systemA, 'unacknowledged=true&limit=500')).items.map((n) => n.id);
    expect(open).toEqual(expect.arrayContaining(mine.map((n) => n._id)));

    const done = await ackMany(
      systemA,
      mine.map((n) => n._id),
    );
    expect(done.status).toBe(200);
    const items = done.body['items'] as Item[];
    expect(items.map((n) => n.id)).toEqual(mine.map((n) => n._id));
    expect(items.every((n) => typeof n.acknowledgedAt === 'string')).toBe(true);
    const after = (await page(systemA, 'unacknowledged=true&limit=500')).items.map((n) => n.id);
    expect(after).not.toContain(mine[0]!._id);
    expect(after).not.toContain(mine[1]!._id);

    const invalid = await call(systemA, '/v1/inbox/ack', {
      method: 'POST',
      body: JSON.stringify({ ids: [] }),
    });
    expect(invalid.status).toBe(400);
  });

  it("lets a person acknowledge their own and the team's notices, never a colleague's", async () => {
    const team = randomUUID();
    const signIn = async () => {
      const p = await createOidcPerson({ organisationId: team, role: 'link-worker', teamRole: 'worker' });
      return { sub: p.sub, token: (await oidcSignIn(p.username, p.password)).accessToken };
    };
    const [ali, bea] = [await signIn(), await signIn()];
    const system = await world.token('link-worker', team);
    const forAli = notice(team, new Date(), ali.sub);
    const forTeam = notice(team, new Date());
    for (const n of [forAli, forTeam]) await inbox.deliver(n);

    // Bea cannot see Ali's notice, so cannot acknowledge it (alone or in a bulk request).
    expect((await ack(bea.token, forAli._id)).status).toBe(404);
    expect((await ackMany(bea.token, [forTeam._id, forAli._id])).status).toBe(404);
    expect((await page(system, 'unacknowledged=true&limit=500')).items.map((n) => n.id)).toEqual(
      expect.arrayContaining([forAli._id, forTeam._id]),
    );

    expect((await ack(ali.token, forAli._id)).status).toBe(200);
    // A team notice acknowledged by Bea is acknowledged for the whole organisation.
    expect((await ack(bea.token, forTeam._id)).status).toBe(200);
    expect((await page(system, 'unacknowledged=true&limit=500')).items).toEqual([]);
    expect((await page(ali.token, 'unacknowledged=true&limit=500')).items).toEqual([]);
  });
});
