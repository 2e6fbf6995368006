import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, generateKeyPair, type JWK, type KeyLike } from 'jose';
import { isDomainError } from '@sp/errors';
import type { Principal } from '../principal';
import { TokenIssuer } from '../token-issuer';
import { TokenVerifier } from '../token-verifier';
import { parseOidcIssuers, type OidcIssuerInput } from './oidc-issuers.config';

const OWN_ISSUER = 'http://platform.test';
const AUDIENCE = 'social-prescribing';
const PCN_IDP = 'https://login.pcn.test/realms/staff';
const VCS_IDP = 'https://befriend.test/oidc';

interface SigningKey {
  kid: string;
  alg: string;
  privateKey: KeyLike;
  publicJwk: JWK;
}

async function signingKey(alg: string, kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { kid, alg, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

/** A local JWKS endpoint per path, as an identity provider publishes at its jwks_uri. */
async function jwksServer(sets: Record<string, SigningKey[]>): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const keys = sets[req.url ?? ''];
    res.statusCode = keys ? 200 : 404;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ keys: (keys ?? []).map((k) => k.publicJwk) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

async function rejection(
  promise: Promise<unknown>,
): Promise<{ code: string; status: number; message: string }> {
  try {
    await promise;
  } catch (err: unknown) {
    if (isDomainError(err)) return { code: err.code, status: err.status, message: err.message };
    throw err;
  }
  throw new Error('expected a rejection');
}

describe('TokenVerifier with OIDC issuers (people signed in to a portal)', () => {
  let jwks: { server: Server; url: string };
  let pcnRs: SigningKey;
  let pcnEs: SigningKey;
  let vcsKey: SigningKey;
  let stranger: SigningKey;
  let ownIssuer: TokenIssuer;

  const pcnIssuer = (overrides: Partial<OidcIssuerInput> = {}): OidcIssuerInput => ({
    issuer: PCN_IDP,
    jwksUrl: `${jwks.url}/pcn`,
    audience: AUDIENCE,
    ...overrides,
  });
  const vcsIssuer = (): OidcIssuerInput => ({
    issuer: VCS_IDP,
    jwksUrl: `${jwks.url}/vcs`,
    audience: 'api://social-prescribing',
    tokenTypes: ['JWT'],
    claims: { teamRole: ['realm_access', 'roles'], name: 'preferred_username' },
    organisationId: 'org-befriend',
    role: 'provider',
    teamLeadValues: ['volunteer-coordinator'],
  });

  function verifierFor(...issuers: OidcIssuerInput[]): TokenVerifier {
    return new TokenVerifier({
      jwks: ownIssuer.jwks(),
      issuer: OWN_ISSUER,
      audience: AUDIENCE,
      oidcIssuers: parseOidcIssuers(JSON.stringify(issuers)),
    });
  }

  /** An access token as the PCN's provider makes it (RFC 9068), with claims to override. */
  async function pcnToken(
    claims: Record<string, unknown> = {},
    opts: { key?: SigningKey; typ?: string; iss?: string } = {},
  ): Promise<string> {
    const key = opts.key ?? pcnRs;
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({
      iss: opts.iss ?? PCN_IDP,
      aud: AUDIENCE,
      sub: 'person-7',
      client_id: 'sp-portal',
      iat: now,
      exp: now + 300,
      jti: `jti-${Math.random()}`,
      scope: 'openid profile',
      org: 'org-pcn',
      sp_role: 'link-worker',
      sp_team_role: 'team-lead',
      name: 'Alex Link',
      ods: 'U81234',
      ...claims,
    })
      .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: opts.typ ?? 'at+jwt' })
      .sign(key.privateKey);
  }

  beforeAll(async () => {
    [pcnRs, pcnEs, vcsKey, stranger] = await Promise.all([
      signingKey('RS256', 'pcn-rs'),
      signingKey('ES256', 'pcn-es'),
      signingKey('RS256', 'vcs-1'),
      signingKey('RS256', 'pcn-rs'), // same kid as the PCN's key, not published by anyone
    ]);
    jwks = await jwksServer({ '/pcn': [pcnRs, pcnEs], '/vcs': [vcsKey] });
    const { privateJwk } = await TokenIssuer.generateKeyPair();
    ownIssuer = new TokenIssuer({ privateJwk, issuer: OWN_ISSUER, audience: AUDIENCE });
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => jwks.server.close(() => resolve()));
  });

  it('turns a provider access token into the person, their organisation, role and portal', async () => {
    const verifier = verifierFor(pcnIssuer());
    expect(await verifier.verify(await pcnToken())).toEqual<Principal>({
      clientId: 'sp-portal',
      organisationId: 'org-pcn',
      odsCode: 'U81234',
      role: 'link-worker',
      scopes: ['openid', 'profile'],
      person: { sub: 'person-7', issuer: PCN_IDP, name: 'Alex Link', teamRole: 'team-lead' },
    });
    const es256 = await pcnToken(
      { sp_team_role: undefined, name: undefined, ods: undefined },
      { key: pcnEs },
    );
    expect((await verifier.verify(es256)).person).toEqual({
      sub: 'person-7',
      issuer: PCN_IDP,
      teamRole: 'worker',
    });
  });

  it('still verifies our own client-credentials tokens beside the providers', async () => {
    const verifier = verifierFor(pcnIssuer());
    const client: Principal = { clientId: 'gp', organisationId: 'org-gp', role: 'referrer', scopes: [] };
    expect(await verifier.verify((await ownIssuer.issue(client)).access_token)).toEqual(client);
  });

  it('refuses a token of an issuer nobody configured, before fetching any key', async () => {
    const verifier = verifierFor(pcnIssuer());
    expect(await rejection(verifier.verify(await pcnToken({}, { iss: 'https://evil.test' })))).toEqual({
      code: 'AUTH.UNAUTHENTICATED',
      status: 401,
      message: 'Access token was not issued by a trusted issuer',
    });
  });

  it("checks a token against its own issuer's keys only", async () => {
    const verifier = verifierFor(pcnIssuer(), vcsIssuer());
    // Claims to come from the VCS provider, signed with the PCN provider's key.
    const crossed = await pcnToken({ aud: 'api://social-prescribing' }, { iss: VCS_IDP, typ: 'JWT' });
    expect((await rejection(verifier.verify(crossed))).message).toBe('Access token signature is invalid');
    const forged = await pcnToken({}, { key: stranger });
    expect((await rejection(verifier.verify(forged))).message).toBe('Access token signature is invalid');
  });

  it("refuses a token for another audience (an ID token, or another API's token)", async () => {
    const verifier = verifierFor(pcnIssuer());
    expect((await rejection(verifier.verify(await pcnToken({ aud: 'other-api' })))).message).toBe(
      'Access token was not issued for this audience',
    );
    const idToken = await pcnToken({ aud: 'sp-portal', nonce: 'n' }, { typ: 'JWT' });
    expect((await rejection(verifier.verify(idToken))).message).toBe('Token is not an access token');
  });

  it('accepts at+jwt and application/at+jwt, and JWT only from an issuer configured for it', async () => {
    const verifier = verifierFor(pcnIssuer(), vcsIssuer());
    await expect(verifier.verify(await pcnToken({}, { typ: 'application/at+jwt' }))).resolves.toMatchObject({
      role: 'link-worker',
    });
    expect((await rejection(verifier.verify(await pcnToken({}, { typ: 'JWT' })))).message).toBe(
      'Token is not an access token',
    );
    const noTyp = await new SignJWT({ iss: PCN_IDP, aud: AUDIENCE, sub: 's', client_id: 'c' })
      .setProtectedHeader({ alg: 'RS256', kid: pcnRs.kid })
      .setIssuedAt()
      .setExpirationTime('1m')
      .sign(pcnRs.privateKey);
    expect((await rejection(verifier.verify(noTyp))).message).toBe('Token is not an access token');
  });

  it('refuses algorithms the issuer is not configured for', async () => {
    const verifier = verifierFor(pcnIssuer({ algorithms: ['ES256'] }));
    expect((await rejection(verifier.verify(await pcnToken()))).message).toBe(
      'Access token uses an algorithm that is not accepted',
    );
    await expect(verifier.verify(await pcnToken({}, { key: pcnEs }))).resolves.toMatchObject({
      role: 'link-worker',
    });
  });

  it('refuses expired tokens and tokens without exp, iat or sub', async () => {
    const verifier = verifierFor(pcnIssuer());
    const past = Math.floor(Date.now() / 1000) - 600;
    expect((await rejection(verifier.verify(await pcnToken({ iat: past, exp: past + 60 })))).message).toBe(
      'Access token has expired',
    );
    for (const claim of ['exp', 'iat', 'sub']) {
      expect((await rejection(verifier.verify(await pcnToken({ [claim]: undefined })))).message).toBe(
        'Access token is missing required claims',
      );
    }
  });

  it('names what is missing: the organisation claim, the role claim, the client', async () => {
    const verifier = verifierFor(pcnIssuer());
    expect((await rejection(verifier.verify(await pcnToken({ org: undefined })))).message).toBe(
      'Access token is missing the organisation claim "org"',
    );
    expect((await rejection(verifier.verify(await pcnToken({ org: '', sp_role: undefined })))).message).toBe(
      'Access token is missing the organisation claim "org" and the role claim "sp_role"',
    );
    expect((await rejection(verifier.verify(await pcnToken({ client_id: undefined })))).message).toBe(
      'Access token names no client (claim "client_id" or "azp")',
    );
    expect(await verifier.verify(await pcnToken({ client_id: undefined, azp: 'sp-portal' }))).toMatchObject({
      clientId: 'sp-portal',
    });
  });

  it('refuses unknown roles, more than one role, and ops unless the issuer allows ops', async () => {
    const verifier = verifierFor(pcnIssuer());
    expect((await rejection(verifier.verify(await pcnToken({ sp_role: 'admin' })))).message).toBe(
      'Access token carries an unknown role in claim "sp_role"',
    );
    expect(
      (await rejection(verifier.verify(await pcnToken({ sp_role: ['provider', 'referrer'] })))).message,
    ).toBe('Access token claim "sp_role" names more than one platform role');
    await expect(verifier.verify(await pcnToken({ sp_role: ['staff', 'provider'] }))).resolves.toMatchObject({
      role: 'provider',
    });
    expect((await rejection(verifier.verify(await pcnToken({ sp_role: 'ops' })))).message).toBe(
      'Access token claims the ops role, which this issuer may not grant',
    );
    const opsAllowed = verifierFor(pcnIssuer({ allowOps: true }));
    await expect(opsAllowed.verify(await pcnToken({ sp_role: 'ops' }))).resolves.toMatchObject({
      role: 'ops',
    });
    // Never a commissioner: its areas are checked only for API clients (docs/identity.md).
    expect(
      (await rejection(opsAllowed.verify(await pcnToken({ sp_role: 'commissioner', scope: 'area:icb:QHM' }))))
        .message,
    ).toBe('Access token claims the commissioner role, which no identity provider may grant');
  });

  it("applies an issuer's fixed organisation and role, claim paths and team-lead values", async () => {
    const verifier = verifierFor(pcnIssuer(), vcsIssuer());
    const now = Math.floor(Date.now() / 1000);
    const sign = (roles: string[]) =>
      new SignJWT({
        iss: VCS_IDP,
        aud: 'api://social-prescribing',
        sub: 'vol-1',
        azp: 'befriend-portal',
        iat: now,
        exp: now + 60,
        org: 'someone-else', // ignored: the issuer fixes the organisation
        sp_role: 'ops', // ignored: the issuer fixes the role
        realm_access: { roles },
        preferred_username: 'sam',
      })
        .setProtectedHeader({ alg: 'RS256', kid: vcsKey.kid, typ: 'JWT' })
        .sign(vcsKey.privateKey);
    expect(await verifier.verify(await sign(['offline_access', 'volunteer-coordinator']))).toEqual<Principal>(
      {
        clientId: 'befriend-portal',
        organisationId: 'org-befriend',
        role: 'provider',
        scopes: [],
        person: { sub: 'vol-1', issuer: VCS_IDP, name: 'sam', teamRole: 'team-lead' },
      },
    );
    expect((await verifier.verify(await sign(['offline_access']))).person?.teamRole).toBe('worker');
  });

  it('remembers a verified OIDC token like our own, handing out copies', async () => {
    const verifier = verifierFor(pcnIssuer());
    const token = await pcnToken();
    const first = await verifier.verify(token);
    first.person!.teamRole = 'worker';
    first.organisationId = 'changed';
    expect(await verifier.verify(token)).toMatchObject({
      organisationId: 'org-pcn',
      person: { teamRole: 'team-lead' },
    });
  });

  it('may not give an identity provider the name of our own issuer', () => {
    expect(
      () =>
        new TokenVerifier({
          jwks: ownIssuer.jwks(),
          issuer: OWN_ISSUER,
          audience: AUDIENCE,
          oidcIssuers: parseOidcIssuers(JSON.stringify([pcnIssuer({ issuer: OWN_ISSUER })])),
        }),
    ).toThrow(/own token issuer/);
  });
});
