import {
  createLocalJWKSet,
  createRemoteJWKSet,
  decodeJwt,
  jwtVerify,
  type JWK,
  type JWTPayload,
  type JWTVerifyGetKey,
} from 'jose';
import { toAuthError, unauthenticated } from './auth-errors';
import { OidcIssuerVerifier } from './oidc/oidc-issuer-verifier';
import type { OidcIssuer } from './oidc/oidc-issuers.config';
import { isRole, type Principal } from './principal';
import { ACCESS_TOKEN_TYP, TOKEN_ALG } from './token-issuer';

export interface TokenVerifierOptions {
  /** Where the issuer publishes its keys; fetched on first use, cached, refetched on an unknown kid. */
  jwksUrl?: string;
  /** A fixed key set instead (tests, or a service that is its own issuer). */
  jwks?: { keys: JWK[] };
  issuer: string;
  audience: string;
  /**
   * Identity providers whose OIDC access tokens are accepted too (people signed in to a portal),
   * each with its own keys, audience and claim mapping (OIDC_ISSUERS, see parseOidcIssuers).
   * A token is routed to its issuer by its `iss`, then verified strictly against that issuer.
   */
  oidcIssuers?: OidcIssuer[];
  /** Allowed clock skew between issuer and verifier; 5 s by default. */
  clockToleranceSeconds?: number;
  /**
   * How long a token that verified is remembered, so the next request carrying the very same
   * token skips the ES256 signature check (about 0.5 ms of CPU, measured in the referrals
   * benchmark). Never beyond the token's own expiry (plus the clock tolerance). Bounds how long a
   * key withdrawn from the JWKS keeps working for tokens already seen. 60 s by default; 0 disables.
   */
  verifiedCacheMs?: number;
  /** Most tokens remembered; the cache is emptied when full. 10,000 by default. */
  verifiedCacheMaxEntries?: number;
  /** Clock, for tests. */
  now?: () => number;
}

function toPrincipal(payload: JWTPayload): Principal {
  const { sub, org, ods, role, scope } = payload;
  if (typeof sub !== 'string' || sub === '' || typeof org !== 'string' || org === '') {
    throw unauthenticated('Access token is missing required claims');
  }
  if (!isRole(role)) throw unauthenticated('Access token carries an unknown role');
  if (scope !== undefined && typeof scope !== 'string')
    throw unauthenticated('Access token is missing required claims');
  if (ods !== undefined && typeof ods !== 'string')
    throw unauthenticated('Access token is missing required claims');
  const principal: Principal = {
    clientId: sub,
    organisationId: org,
    role,
    scopes: (scope ?? '').split(' ').filter(Boolean),
  };
  if (ods) principal.odsCode = ods;
  return principal;
}

/**
 * Verifies access tokens and turns them into a Principal: our own ES256 client-credentials tokens
 * (TOKEN_ISSUER) and, when configured, OIDC access tokens of trusted identity providers (people).
 * A token is routed by its `iss` before any key is fetched; an unknown issuer is refused at once.
 * Every failure is AUTH.UNAUTHENTICATED (401).
 */
export class TokenVerifier {
  private readonly keys: JWTVerifyGetKey;
  private readonly oidc: Map<string, OidcIssuerVerifier>;
  private readonly clockTolerance: number;
  private readonly cacheMs: number;
  private readonly cacheMax: number;
  private readonly now: () => number;
  /** Tokens that verified: the exact token string, its principal, and until when it is trusted. */
  private readonly verified = new Map<string, { principal: Principal; until: number }>();

  constructor(private readonly opts: TokenVerifierOptions) {
    if (opts.jwks) {
      this.keys = createLocalJWKSet(opts.jwks);
    } else if (opts.jwksUrl) {
      // Cached for 10 minutes; an unknown kid triggers a refetch at most every 30 s (key rotation
      // without letting forged kids hammer the issuer).
      this.keys = createRemoteJWKSet(new URL(opts.jwksUrl), {
        cacheMaxAge: 600_000,
        cooldownDuration: 30_000,
        timeoutDuration: 5_000,
      });
    } else {
      throw new Error('TokenVerifier needs jwksUrl or jwks');
    }
    this.oidc = new Map((opts.oidcIssuers ?? []).map((i) => [i.issuer, new OidcIssuerVerifier(i)]));
    if (this.oidc.has(opts.issuer)) {
      throw new Error(`OIDC issuer ${opts.issuer} is the platform's own token issuer; it needs its own name`);
    }
    this.clockTolerance = opts.clockToleranceSeconds ?? 5;
    this.cacheMs = Math.max(0, opts.verifiedCacheMs ?? 60_000);
    this.cacheMax = Math.max(1, opts.verifiedCacheMaxEntries ?? 10_000);
    this.now = opts.now ?? Date.now;
  }

  async verify(token: string): Promise<Principal> {
    if (typeof token !== 'string' || token.length === 0) throw unauthenticated('Access token is missing');
    const now = this.now();
    const hit = this.verified.get(token);
    if (hit) {
      if (hit.until > now) return clonePrincipal(hit.principal);
      this.verified.delete(token);
    }
    return this.verifySignatureAndClaims(token);
  }

  private async verifySignatureAndClaims(token: string): Promise<Principal> {
    try {
      const iss = decodeJwt(token).iss;
      const oidc = iss === undefined ? undefined : this.oidc.get(iss);
      if (oidc) {
        const verified = await oidc.verify(token, {
          now: new Date(this.now()),
          clockToleranceSeconds: this.clockTolerance,
        });
        this.remember(token, verified.principal, verified.exp);
        return verified.principal;
      }
      if (iss !== this.opts.issuer) throw unauthenticated('Access token was not issued by a trusted issuer');
      const { payload } = await jwtVerify(token, this.keys, {
        algorithms: [TOKEN_ALG],
        issuer: this.opts.issuer,
        audience: this.opts.audience,
        typ: ACCESS_TOKEN_TYP,
        clockTolerance: this.clockTolerance,
        requiredClaims: ['exp', 'iat', 'sub', 'jti'],
        currentDate: new Date(this.now()),
      });
      const principal = toPrincipal(payload);
      this.remember(token, principal, payload.exp);
      return principal;
    } catch (err: unknown) {
      throw toAuthError(err);
    }
  }

  private remember(token: string, principal: Principal, exp: number | undefined): void {
    if (this.cacheMs === 0 || typeof exp !== 'number') return;
    const now = this.now();
    const until = Math.min(now + this.cacheMs, (exp + this.clockTolerance) * 1000);
    if (until <= now) return;
    if (this.verified.size >= this.cacheMax) this.verified.clear();
    this.verified.set(token, { principal: clonePrincipal(principal), until });
  }
}

/** A copy, so a caller that changes the principal it got cannot change what the next caller gets. */
function clonePrincipal(p: Principal): Principal {
  const copy: Principal = { ...p, scopes: [...p.scopes] };
  if (p.person) copy.person = { ...p.person };
  return copy;
}
