// A commissioner's API client on the real stack: registered with its area scopes (validated, every
// problem named, nothing written on a bad one), issued a token carrying them by the client
// credentials endpoint without being a directory organisation, and refused by the directory's
// routes (which do not name the role).
import request from 'supertest';
import { decodeJwt } from 'jose';
import { isDomainError } from '@sp/errors';
import { ApiClientRepository } from '../src/api-clients/api-client.repository';
import { registerApiClient } from '../src/api-clients/register-api-client';
import { DEMO_COMMISSIONER_ORGANISATION } from '../src/demo/demo-network';
import { recordIdOf } from '../src/hsds/domain/record-ids';
import { hashClientSecret } from '../src/oauth/client-secret';
import { startTestApp, type TestApp } from './hsds-test-app';

jest.setTimeout(60_000);

describe('commissioner API clients', () => {
  let t: TestApp;
  let clients: ApiClientRepository;
  const secret = 'commissioner-test-secret-0123456789abcdef';
  const organisationId = recordIdOf('organizations', DEMO_COMMISSIONER_ORGANISATION);

  beforeAll(async () => {
    t = await startTestApp();
    clients = t.app.get(ApiClientRepository);
    await registerApiClient(clients, {
      _id: 'test-commissioner',
      organisationId,
      role: 'commissioner',
      name: 'Test commissioner',
      secretHash: await hashClientSecret(secret),
      status: 'active',
      scopes: ['area:icb:QHM', 'area:pcn:U81234'],
    });
  });

  afterAll(async () => {
    await t?.close();
  });

  const token = (scope?: string) =>
    request(t.http)
      .post('/oauth/token')
      .type('form')
      .send({
        grant_type: 'client_credentials',
        client_id: 'test-commissioner',
        client_secret: secret,
        ...(scope ? { scope } : {}),
      });

  it('the demo seed registers the demo commissioner with its ICB area', async () => {
    const demo = await clients.findActive('tees-commissioner');
    expect(demo).toMatchObject({ role: 'commissioner', organisationId, scopes: ['area:icb:QHM'] });
  });

  it('issues a token carrying the role and every area scope, though the ICB is no directory organisation', async () => {
    const res = await token().expect(200);
    expect(res.body).toMatchObject({
      token_type: 'Bearer',
      scope: 'commissioner area:icb:QHM area:pcn:U81234',
    });
    const claims = decodeJwt(res.body.access_token as string);
    expect(claims).toMatchObject({
      sub: 'test-commissioner',
      org: organisationId,
      role: 'commissioner',
      scope: 'commissioner area:icb:QHM area:pcn:U81234',
    });
    expect(claims['ods']).toBeUndefined();
  });

  it('narrows to a requested subset of its scopes and refuses an area it was not granted', async () => {
    const narrowed = await token('commissioner area:pcn:U81234').expect(200);
    expect(narrowed.body.scope).toBe('commissioner area:pcn:U81234');
    const refused = await token('commissioner area:icb:QOQ').expect(400);
    expect(refused.body).toMatchObject({ error: 'invalid_scope' });
  });

  it('its token is refused (403) by directory routes, which a referrer may call', async () => {
    const bearer = `Bearer ${(await token().expect(200)).body.access_token as string}`;
    const res = await request(t.http).get('/v1/organisations').set('Authorization', bearer).expect(403);
    expect(res.body).toMatchObject({ code: 'AUTH.FORBIDDEN' });
    await request(t.http)
      .get('/v1/organisations')
      .set('Authorization', await t.bearer('referrer', organisationId))
      .expect(200);
  });

  it('refuses a registration with bad scopes, naming every problem, and writes nothing', async () => {
    const attempt = registerApiClient(clients, {
      _id: 'bad-commissioner',
      organisationId,
      role: 'commissioner',
      name: 'Bad',
      secretHash: await hashClientSecret(secret),
      status: 'active',
      scopes: ['area:icb:qhm', 'area:icb:QHM', 'area:icb:QHM'],
    });
    const error: unknown = await attempt.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isDomainError(error) && error.code).toBe('VALIDATION.FAILED');
    expect(isDomainError(error) ? error.problems : []).toEqual([
      expect.objectContaining({ field: 'scopes[0]', code: 'invalid_format' }),
      expect.objectContaining({ field: 'scopes[2]', code: 'duplicate' }),
    ]);
    await expect(
      registerApiClient(clients, {
        _id: 'gp-with-area',
        organisationId,
        role: 'referrer',
        name: 'GP with an area',
        secretHash: await hashClientSecret(secret),
        status: 'active',
        scopes: ['area:practice:A81001'],
      }),
    ).rejects.toMatchObject({ code: 'VALIDATION.FAILED' });
    expect(await clients.findActive('bad-commissioner')).toBeNull();
    expect(await clients.findActive('gp-with-area')).toBeNull();
  });
});
