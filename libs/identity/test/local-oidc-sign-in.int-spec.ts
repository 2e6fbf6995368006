import { isDomainError } from '@sp/errors';
import {
  LOCAL_OIDC_OTHER_RESOURCE,
  OidcSignInError,
  createOidcPerson,
  localOidcIssuersEnv,
  oidcSignIn,
  testInfra,
} from '@sp/testing';
import { TokenIssuer, TokenVerifier, parseOidcIssuers, type Principal } from '../src';

// People signed in at the real local OpenID Connect provider (platform.sh), verified the way every
// service verifies them (ServiceKitModule builds this TokenVerifier from OIDC_ISSUERS).

async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err: unknown) {
    if (isDomainError(err)) return `${err.status} ${err.message}`;
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('TokenVerifier with the local OIDC provider', () => {
  let verifier: TokenVerifier;

  beforeAll(async () => {
    const { privateJwk } = await TokenIssuer.generateKeyPair();
    const own = new TokenIssuer({
      privateJwk,
      issuer: 'http://127.0.0.1:3002',
      audience: 'social-prescribing',
    });
    verifier = new TokenVerifier({
      jwks: own.jwks(),
      issuer: 'http://127.0.0.1:3002',
      audience: 'social-prescribing',
      oidcIssuers: parseOidcIssuers(localOidcIssuersEnv(), { reservedIssuer: 'http://127.0.0.1:3002' }),
    });
  });

  it('turns a signed-in person into the right principal', async () => {
    const person = await createOidcPerson({
      organisationId: 'org-verifier-test',
      role: 'link-worker',
      teamRole: 'team-lead',
      name: 'Priya Lead',
      odsCode: 'U81234',
    });
    const { accessToken } = await oidcSignIn(person.username, person.password);
    expect(await verifier.verify(accessToken)).toEqual<Principal>({
      clientId: 'sp-portal',
      organisationId: 'org-verifier-test',
      odsCode: 'U81234',
      role: 'link-worker',
      scopes: ['openid', 'profile'],
      person: { sub: person.sub, issuer: testInfra.oidcIssuerUrl, name: 'Priya Lead', teamRole: 'team-lead' },
    });
  });

  it('gives a worker the worker team role', async () => {
    const person = await createOidcPerson({
      organisationId: 'org-vcs',
      role: 'provider',
      teamRole: 'worker',
    });
    const { accessToken } = await oidcSignIn(person.username, person.password);
    expect(await verifier.verify(accessToken)).toMatchObject({
      role: 'provider',
      organisationId: 'org-vcs',
      person: { sub: person.sub, teamRole: 'worker', name: person.name },
    });
  });

  it('refuses a wrong password at the provider', async () => {
    const person = await createOidcPerson({
      organisationId: 'org-vcs',
      role: 'provider',
      teamRole: 'worker',
    });
    await expect(oidcSignIn(person.username, 'not-the-password')).rejects.toBeInstanceOf(OidcSignInError);
  });

  it('refuses a token for another audience, and the ID token', async () => {
    const person = await createOidcPerson({
      organisationId: 'org-vcs',
      role: 'provider',
      teamRole: 'worker',
    });
    const other = await oidcSignIn(person.username, person.password, { resource: LOCAL_OIDC_OTHER_RESOURCE });
    expect(await refusal(verifier.verify(other.accessToken))).toBe(
      '401 Access token was not issued for this audience',
    );
    const { idToken } = await oidcSignIn(person.username, person.password);
    expect(await refusal(verifier.verify(idToken))).toBe('401 Token is not an access token');
  });
});
