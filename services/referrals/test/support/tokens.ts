import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TokenIssuer, type Principal } from '@sp/identity';

export const AUDIENCE = 'social-prescribing';

/** Issues real ES256 tokens and serves their JWKS over HTTP, as the organisations service would. */
export interface TokenServer {
  issuerName: string;
  audience: string;
  jwksUrl: string;
  issuer: TokenIssuer;
  /** One access token per principal, under the same names. */
  tokensFor<K extends string>(principals: Record<K, Principal>): Promise<Record<K, string>>;
  close(): Promise<void>;
}

export async function startTokenServer(issuerName: string, audience = AUDIENCE): Promise<TokenServer> {
  const keys = await TokenIssuer.generateKeyPair();
  const issuer = new TokenIssuer({ privateJwk: keys.privateJwk, issuer: issuerName, audience });
  const jwks: Server = createServer((_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(issuer.jwks()));
  });
  await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
  return {
    issuerName,
    audience,
    jwksUrl: `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks`,
    issuer,
    async tokensFor<K extends string>(principals: Record<K, Principal>) {
      const tokens = {} as Record<K, string>;
      for (const name of Object.keys(principals) as K[])
        tokens[name] = (await issuer.issue(principals[name])).access_token;
      return tokens;
    },
    close: () => new Promise<void>((resolve) => jwks.close(() => resolve())),
  };
}

/** The organisations the referral specs act as (ids unique per run). */
export interface TestOrganisations {
  gp: string;
  otherGp: string;
  lw: string;
  vcsA: string;
  vcsB: string;
  vcsC: string;
  ops: string;
}

export type TestParty = keyof TestOrganisations;

/**
 * Two practices (A81001, A81002), a link-worker service (U81234), three VCS providers and ops,
 * each a client of its organisation.
 */
export function testPrincipals(org: TestOrganisations): Record<TestParty, Principal> {
  return {
    gp: { clientId: 'gp', organisationId: org.gp, odsCode: 'A81001', role: 'referrer', scopes: [] },
    otherGp: {
      clientId: 'other-gp',
      organisationId: org.otherGp,
      odsCode: 'A81002',
      role: 'referrer',
      scopes: [],
    },
    lw: { clientId: 'lw', organisationId: org.lw, odsCode: 'U81234', role: 'link-worker', scopes: [] },
    vcsA: { clientId: 'vcs-a', organisationId: org.vcsA, role: 'provider', scopes: [] },
    vcsB: { clientId: 'vcs-b', organisationId: org.vcsB, role: 'provider', scopes: [] },
    vcsC: { clientId: 'vcs-c', organisationId: org.vcsC, role: 'provider', scopes: [] },
    ops: { clientId: 'ops', organisationId: org.ops, role: 'ops', scopes: [] },
  };
}
