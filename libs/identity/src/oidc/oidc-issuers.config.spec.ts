import { ConfigError } from '@sp/config';
import { parseOidcIssuers } from './oidc-issuers.config';

const minimal = {
  issuer: 'https://login.example.org/realms/pcn',
  jwksUrl: 'https://login.example.org/realms/pcn/protocol/openid-connect/certs',
  audience: 'social-prescribing',
};

/** The problems of the ConfigError a value raises, as `field: message` lines. */
function problemsOf(raw: string, opts: Parameters<typeof parseOidcIssuers>[1] = {}): string[] {
  try {
    parseOidcIssuers(raw, opts);
  } catch (err: unknown) {
    if (err instanceof ConfigError) return err.problems.map((p) => `${p.field}: ${p.message}`);
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('parseOidcIssuers (OIDC_ISSUERS)', () => {
  it('reads an empty list as no identity provider', () => {
    expect(parseOidcIssuers('[]')).toEqual([]);
  });

  it('fills the defaults: RS256/PS256/ES256, at+jwt, org/sp_role/sp_team_role/name/ods claims, team-lead, no ops', () => {
    expect(parseOidcIssuers(JSON.stringify([minimal]))).toEqual([
      {
        ...minimal,
        algorithms: ['RS256', 'PS256', 'ES256'],
        tokenTypes: ['at+jwt'],
        claims: {
          organisation: ['org'],
          role: ['sp_role'],
          teamRole: ['sp_team_role'],
          name: ['name'],
          odsCode: ['ods'],
        },
        teamLeadValues: ['team-lead'],
        allowOps: false,
      },
    ]);
  });

  it('keeps what is configured: claim names and paths, fixed organisation and role, team-lead values', () => {
    const [issuer] = parseOidcIssuers(
      JSON.stringify([
        {
          ...minimal,
          algorithms: ['ES384'],
          tokenTypes: ['at+jwt', 'JWT'],
          claims: { role: ['realm_access', 'roles'], name: 'preferred_username' },
          organisationId: 'org-befriend',
          role: 'provider',
          teamLeadValues: ['Coordinators', 'Managers'],
        },
      ]),
    );
    expect(issuer).toMatchObject({
      algorithms: ['ES384'],
      tokenTypes: ['at+jwt', 'JWT'],
      claims: { organisation: ['org'], role: ['realm_access', 'roles'], name: ['preferred_username'] },
      organisationId: 'org-befriend',
      role: 'provider',
      teamLeadValues: ['Coordinators', 'Managers'],
    });
  });

  it('refuses text that is not JSON, naming the variable', () => {
    expect(problemsOf('[{issuer:')).toEqual([
      expect.stringMatching(/^OIDC_ISSUERS: expected a JSON array of issuers, got text that is not JSON/),
    ]);
  });

  it('refuses a value that is not a list', () => {
    expect(problemsOf(JSON.stringify(minimal))).toEqual(['OIDC_ISSUERS: must be a JSON array of issuers']);
  });

  it('names every missing, unknown and invalid setting of every issuer', () => {
    const problems = problemsOf(
      JSON.stringify([
        { issuer: 'https://a.example.org', audiance: 'social-prescribing' },
        { ...minimal, jwksUrl: 'ldap://keys', algorithms: ['HS256'], role: 'admin', claims: { role: 7 } },
      ]),
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        'OIDC_ISSUERS[0].jwksUrl: is required',
        'OIDC_ISSUERS[0].audience: is required',
        'OIDC_ISSUERS[0].audiance: is not a known setting',
        'OIDC_ISSUERS[1].jwksUrl: must be an absolute http(s) URL',
        'OIDC_ISSUERS[1].algorithms[0]: must be one of RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512, EdDSA',
        'OIDC_ISSUERS[1].role: must be one of referrer, link-worker, provider, ops, commissioner',
        'OIDC_ISSUERS[1].claims.role: must be a claim name or a list of claim names (a path)',
      ]),
    );
    expect(problems).toHaveLength(7);
  });

  it('refuses the same issuer twice, our own issuer, and a fixed ops role without allowOps', () => {
    expect(
      problemsOf(
        JSON.stringify([
          minimal,
          { ...minimal, role: 'ops' },
          { ...minimal, issuer: 'http://127.0.0.1:3002', role: 'ops', allowOps: true },
        ]),
        { reservedIssuer: 'http://127.0.0.1:3002' },
      ),
    ).toEqual([
      `OIDC_ISSUERS[1].issuer: names ${minimal.issuer} a second time`,
      'OIDC_ISSUERS[1].role: is ops, which needs "allowOps": true',
      "OIDC_ISSUERS[2].issuer: is the platform's own token issuer (TOKEN_ISSUER); an identity provider needs its own",
    ]);
  });

  it('refuses a fixed commissioner role (only API clients with checked area scopes are commissioners)', () => {
    expect(problemsOf(JSON.stringify([{ ...minimal, role: 'commissioner' }]))).toEqual([
      'OIDC_ISSUERS[0].role: is commissioner, which only API clients registered with area scopes may have',
    ]);
  });

  it('raises a ConfigError (CONFIG.INVALID), which the service kit reports as a clean boot failure', () => {
    let caught: unknown;
    try {
      parseOidcIssuers('{}');
    } catch (err: unknown) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).code).toBe('CONFIG.INVALID');
    expect((caught as ConfigError).message).toContain('OIDC_ISSUERS');
  });
});
