import { randomBytes } from 'node:crypto';
import { testInfra } from './test-infra';
import { uniqueName } from './unique-name';

export interface NewOidcPerson {
  organisationId: string;
  role: 'referrer' | 'link-worker' | 'provider';
  teamRole: 'worker' | 'team-lead';
  /** Display name; a unique made-up one when not given. */
  name?: string;
  /** ODS code of the person's organisation (GP practices, the PCN), sent as the `ods` claim. */
  odsCode?: string;
}

export interface OidcPerson {
  username: string;
  password: string;
  sub: string;
  name: string;
}

/**
 * Creates a person at the local OpenID Connect provider (its dev admin API, local only), with a
 * run-unique username and a random password, so each test run signs in its own people of its own
 * organisations. Sign them in with oidcSignIn(username, password).
 */
export async function createOidcPerson(person: NewOidcPerson): Promise<OidcPerson> {
  const username = uniqueName('person').toLowerCase();
  const password = randomBytes(18).toString('base64url');
  const name = person.name ?? `Test ${person.teamRole} ${username.slice(-6)}`;
  const res = await fetch(`${testInfra.oidcIssuerUrl}/dev/people`, {
    method: 'POST',
    headers: { authorization: `Bearer ${testInfra.oidcAdminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ ...person, username, password, name }),
  });
  const body = (await res.json()) as { sub?: string; message?: string; problems?: unknown };
  if (res.status !== 201 || typeof body.sub !== 'string') {
    throw new Error(
      `local OIDC provider refused the person (HTTP ${res.status}): ${body.message ?? ''} ${JSON.stringify(body.problems ?? [])}` +
        ' (is it running? bash infra/local/platform.sh status)',
    );
  }
  return { username, password, sub: body.sub, name };
}

/**
 * The OIDC_ISSUERS value that makes a service trust the local provider (its access tokens for the
 * platform's API, default claim mapping): pass it in the service's environment.
 */
export function localOidcIssuersEnv(audience = 'social-prescribing'): string {
  const issuer = testInfra.oidcIssuerUrl.replace(/\/$/, '');
  return JSON.stringify([{ issuer, jwksUrl: `${issuer}/jwks`, audience }]);
}
