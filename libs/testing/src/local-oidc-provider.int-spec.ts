import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { directoryIdForSlug } from '@sp/contracts';
import { createOidcPerson } from './oidc-people';
import { LOCAL_OIDC_OTHER_RESOURCE, OidcSignInError, oidcSignIn } from './oidc-sign-in';
import { testInfra } from './test-infra';

// The local OpenID Connect provider as platform.sh runs it (infra/local/oidc): what a portal and
// the platform rely on. That the platform accepts its tokens is proved in libs/identity/test.

interface DemoPeopleFile {
  password: string;
  people: Array<{ username: string; name: string; organisation: string; role: string; teamRole: string }>;
}
const demo = JSON.parse(
  readFileSync(join(__dirname, '../../../infra/local/oidc/demo-people.json'), 'utf8'),
) as DemoPeopleFile;

async function postPerson(
  body: unknown,
  token = testInfra.oidcAdminToken,
): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${testInfra.oidcIssuerUrl}/dev/people`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

describe('local OpenID Connect provider (infra/local/oidc)', () => {
  it('signs a person in with the code flow and PKCE, giving an RFC 9068 access token with the platform claims', async () => {
    const person = await createOidcPerson({
      organisationId: 'org-run-unique',
      role: 'link-worker',
      teamRole: 'team-lead',
      name: 'Lee Lead',
    });
    const signIn = await oidcSignIn(person.username, person.password);
    expect(signIn.sub).toBe(person.sub);
    expect(decodeProtectedHeader(signIn.accessToken)).toMatchObject({ typ: 'at+jwt', alg: 'RS256' });
    expect(decodeJwt(signIn.accessToken)).toMatchObject({
      iss: testInfra.oidcIssuerUrl,
      aud: 'social-prescribing',
      sub: person.sub,
      client_id: 'sp-portal',
      org: 'org-run-unique',
      sp_role: 'link-worker',
      sp_team_role: 'team-lead',
      name: 'Lee Lead',
    });
    expect(decodeJwt(signIn.idToken)).toMatchObject({ sub: person.sub, aud: 'sp-portal', name: 'Lee Lead' });
    expect(signIn.expiresIn).toBe(900);
  });

  it('refuses a wrong password and an unknown username', async () => {
    const person = await createOidcPerson({ organisationId: 'org-x', role: 'provider', teamRole: 'worker' });
    await expect(oidcSignIn(person.username, `${person.password}x`)).rejects.toEqual(
      new OidcSignInError('wrong username or password', 401),
    );
    await expect(oidcSignIn(`${person.username}-nobody`, person.password)).rejects.toBeInstanceOf(
      OidcSignInError,
    );
  });

  it('gives the demo people the platform ids and ODS codes of their demo organisations', async () => {
    const lead = demo.people.find((p) => p.teamRole === 'team-lead');
    const vcs = demo.people.find((p) => p.role === 'provider');
    for (const p of [lead!, vcs!]) {
      const claims = decodeJwt((await oidcSignIn(p.username, demo.password)).accessToken);
      expect(claims).toMatchObject({
        org: directoryIdForSlug('organizations', p.organisation),
        sp_role: p.role,
        sp_team_role: p.teamRole,
        name: p.name,
      });
    }
    const pcn = decodeJwt((await oidcSignIn(lead!.username, demo.password)).accessToken);
    expect(pcn['ods']).toBe('U81234');
  });

  it('issues tokens for another API with that API as audience (the platform must refuse those)', async () => {
    const person = await createOidcPerson({ organisationId: 'org-x', role: 'provider', teamRole: 'worker' });
    const other = await oidcSignIn(person.username, person.password, { resource: LOCAL_OIDC_OTHER_RESOURCE });
    expect(decodeJwt(other.accessToken).aud).toBe('other-api');
  });

  it('guards its dev admin API with the admin token and names every bad field', async () => {
    const good = {
      username: 'x-never-made',
      password: 'long-enough',
      name: 'N',
      organisationId: 'o',
      role: 'provider',
      teamRole: 'worker',
    };
    expect(await postPerson(good, 'wrong-token')).toMatchObject({ status: 401 });
    const bad = await postPerson({
      username: '!',
      password: 'short',
      role: 'ops',
      teamRole: 'boss',
      colour: 'red',
    });
    expect(bad.status).toBe(400);
    expect((bad.body as { problems: Array<{ field: string }> }).problems.map((p) => p.field)).toEqual([
      'username',
      'password',
      'name',
      'organisationId',
      'role',
      'teamRole',
      'colour',
    ]);
    const person = await createOidcPerson({ organisationId: 'org-x', role: 'provider', teamRole: 'worker' });
    expect(await postPerson({ ...good, username: person.username })).toMatchObject({ status: 409 });
  });
});
