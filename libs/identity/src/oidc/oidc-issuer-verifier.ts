import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { unauthenticated } from '../auth-errors';
import type { Principal } from '../principal';
import { principalFromOidcClaims } from './oidc-claims';
import type { OidcIssuer } from './oidc-issuers.config';

/** RFC 9068 4: `at+jwt` and `application/at+jwt` are the same type; media types are case-insensitive. */
function normaliseTyp(typ: string): string {
  const lower = typ.toLowerCase();
  return lower.startsWith('application/') ? lower.slice('application/'.length) : lower;
}

export interface VerifiedOidcToken {
  principal: Principal;
  exp: number | undefined;
}

/**
 * Verifies access tokens of one identity provider: its keys (JWKS, fetched and cached), its
 * algorithms, the audience it writes for our API, the token type, then the claim mapping.
 * Errors are jose's or DomainErrors; TokenVerifier maps them to 401s.
 */
export class OidcIssuerVerifier {
  private readonly keys: JWTVerifyGetKey;
  private readonly tokenTypes: Set<string>;

  constructor(readonly config: OidcIssuer) {
    // Same caching as for our own issuer: 10 minutes, refetch on an unknown kid at most every 30 s.
    this.keys = createRemoteJWKSet(new URL(config.jwksUrl), {
      cacheMaxAge: 600_000,
      cooldownDuration: 30_000,
      timeoutDuration: 5_000,
    });
    this.tokenTypes = new Set(config.tokenTypes.map(normaliseTyp));
  }

  async verify(
    token: string,
    opts: { now: Date; clockToleranceSeconds: number },
  ): Promise<VerifiedOidcToken> {
    const { typ } = decodeProtectedHeader(token);
    if (typeof typ !== 'string' || !this.tokenTypes.has(normaliseTyp(typ))) {
      throw unauthenticated('Token is not an access token');
    }
    const { payload } = await jwtVerify(token, this.keys, {
      algorithms: this.config.algorithms,
      issuer: this.config.issuer,
      audience: this.config.audience,
      clockTolerance: opts.clockToleranceSeconds,
      requiredClaims: ['exp', 'iat', 'sub'],
      currentDate: opts.now,
    });
    return { principal: principalFromOidcClaims(payload, this.config), exp: payload.exp };
  }
}
