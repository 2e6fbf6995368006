import { SignJWT, UnsecuredJWT, base64url, generateKeyPair, importJWK, type JWK } from 'jose';
import { isDomainError } from '@sp/errors';
import type { Principal } from './principal';
import { TokenIssuer } from './token-issuer';
import { TokenVerifier } from './token-verifier';

const issuer = 'http://issuer.test';
const audience = 'social-prescribing';
const principal: Principal = {
  clientId: 'client-1',
  organisationId: 'org-1',
  odsCode: 'A81001',
  role: 'referrer',
  scopes: ['referrer', 'referrals.write'],
};

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

describe('TokenIssuer and TokenVerifier', () => {
  let privateJwk: JWK;
  let tokenIssuer: TokenIssuer;
  let verifier: TokenVerifier;

  /** Signs arbitrary claims with the real key, to forge the tokens the verifier must refuse. */
  async function sign(
    claims: Record<string, unknown>,
    header: Record<string, unknown> = {},
  ): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const payload = {
      sub: 'client-1',
      iss: issuer,
      aud: audience,
      iat: now,
      exp: now + 60,
      jti: 'jti-1',
      org: 'org-1',
      role: 'referrer',
      scope: 'referrer',
      ...claims,
    };
    return new SignJWT(payload)
      .setProtectedHeader({ alg: 'ES256', kid: privateJwk.kid, typ: 'at+jwt', ...header })
      .sign(await importJWK(privateJwk, 'ES256'));
  }

  beforeAll(async () => {
    privateJwk = (await TokenIssuer.generateKeyPair()).privateJwk;
    tokenIssuer = new TokenIssuer({ privateJwk, issuer, audience, ttlSeconds: 120 });
    verifier = new TokenVerifier({ jwks: tokenIssuer.jwks(), issuer, audience });
  });

  it('generates ES256 key pairs whose kid is the JWK thumbprint, for signing', async () => {
    const { privateJwk: priv, publicJwk } = await TokenIssuer.generateKeyPair();
    expect(publicJwk).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
    expect(publicJwk).not.toHaveProperty('d');
    expect(priv.d).toEqual(expect.any(String));
    expect(priv.kid).toBe(publicJwk.kid);
    expect(publicJwk.kid).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('publishes only the public key in its JWKS', () => {
    const { keys } = tokenIssuer.jwks();
    expect(keys).toHaveLength(1);
    expect(keys[0]).not.toHaveProperty('d');
    expect(keys[0]).toMatchObject({ kid: privateJwk.kid, alg: 'ES256', use: 'sig' });
  });

  it('round-trips a principal through issue and verify', async () => {
    const issued = await tokenIssuer.issue(principal);
    expect(issued).toMatchObject({ token_type: 'Bearer', expires_in: 120 });
    expect(await verifier.verify(issued.access_token)).toEqual(principal);

    const [headerPart, payloadPart] = issued.access_token.split('.') as [string, string];
    const header = JSON.parse(new TextDecoder().decode(base64url.decode(headerPart))) as Record<
      string,
      unknown
    >;
    const claims = JSON.parse(new TextDecoder().decode(base64url.decode(payloadPart))) as Record<
      string,
      unknown
    >;
    expect(header).toMatchObject({ alg: 'ES256', kid: privateJwk.kid });
    expect(claims).toMatchObject({
      sub: 'client-1',
      org: 'org-1',
      ods: 'A81001',
      role: 'referrer',
      scope: 'referrer referrals.write',
      iss: issuer,
      aud: audience,
    });
    expect(claims['exp']).toBe((claims['iat'] as number) + 120);
    expect(claims['jti']).toEqual(expect.any(String));
  });

  it('leaves odsCode out when the organisation has none', async () => {
    const { odsCode: _omitted, ...withoutOds } = principal;
    const { access_token } = await tokenIssuer.issue(withoutOds);
    expect(await verifier.verify(access_token)).toEqual(withoutOds);
  });

  it('refuses an expired token (beyond the clock tolerance) with a 401 that says so', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = await sign({ iat: now - 120, exp: now - 30 });
    expect(await rejection(verifier.verify(token))).toEqual({
      code: 'AUTH.UNAUTHENTICATED',
      status: 401,
      message: 'Access token has expired',
    });
  });

  it('accepts a token that expired within the clock tolerance', async () => {
    const now = Math.floor(Date.now() / 1000);
    await expect(verifier.verify(await sign({ iat: now - 60, exp: now - 2 }))).resolves.toMatchObject({
      clientId: 'client-1',
    });
  });

  it('refuses a token for another audience', async () => {
    const other = new TokenIssuer({ privateJwk, issuer, audience: 'someone-else' });
    const { access_token } = await other.issue(principal);
    expect((await rejection(verifier.verify(access_token))).message).toBe(
      'Access token was not issued for this audience',
    );
  });

  it('refuses a token from another issuer', async () => {
    const other = new TokenIssuer({ privateJwk, issuer: 'http://evil.test', audience });
    const { access_token } = await other.issue(principal);
    expect((await rejection(verifier.verify(access_token))).message).toBe(
      'Access token was not issued by a trusted issuer',
    );
  });

  it('refuses a tampered payload and a token signed by another key', async () => {
    const { access_token } = await tokenIssuer.issue(principal);
    const [h, , s] = access_token.split('.') as [string, string, string];
    const forgedPayload = base64url.encode(
      JSON.stringify({
        sub: 'client-1',
        org: 'org-2',
        role: 'ops',
        iss: issuer,
        aud: audience,
        iat: 1,
        exp: 9999999999,
        jti: 'x',
      }),
    );
    const tampered = await rejection(verifier.verify(`${h}.${forgedPayload}.${s}`));
    expect(tampered).toMatchObject({ status: 401, message: 'Access token signature is invalid' });

    const otherKey = (await TokenIssuer.generateKeyPair()).privateJwk;
    const impostor = new TokenIssuer({ privateJwk: { ...otherKey, kid: privateJwk.kid }, issuer, audience });
    const { access_token: forged } = await impostor.issue(principal);
    expect((await rejection(verifier.verify(forged))).message).toBe('Access token signature is invalid');
  });

  it('refuses alg none and algorithms other than ES256', async () => {
    const unsecured = new UnsecuredJWT({ org: 'org-1', role: 'ops', scope: '' })
      .setSubject('client-1')
      .setIssuer(issuer)
      .setAudience(audience)
      .setIssuedAt()
      .setExpirationTime('1m')
      .setJti('j')
      .encode();
    expect(await rejection(verifier.verify(unsecured))).toMatchObject({
      code: 'AUTH.UNAUTHENTICATED',
      status: 401,
    });

    const { privateKey } = await generateKeyPair('ES384');
    const es384 = await new SignJWT({ org: 'org-1', role: 'ops' })
      .setProtectedHeader({ alg: 'ES384', kid: privateJwk.kid, typ: 'at+jwt' })
      .setSubject('c')
      .setIssuer(issuer)
      .setAudience(audience)
      .setIssuedAt()
      .setExpirationTime('1m')
      .setJti('j')
      .sign(privateKey);
    expect((await rejection(verifier.verify(es384))).message).toBe(
      'Access token uses an algorithm that is not accepted',
    );
  });

  it('refuses unknown roles, missing organisation and non-access tokens', async () => {
    expect((await rejection(verifier.verify(await sign({ role: 'admin' })))).message).toBe(
      'Access token carries an unknown role',
    );
    expect((await rejection(verifier.verify(await sign({ org: undefined })))).message).toBe(
      'Access token is missing required claims',
    );
    expect((await rejection(verifier.verify(await sign({}, { typ: 'JWT' })))).message).toBe(
      'Token is not an access token',
    );
  });

  it('refuses garbage and empty tokens', async () => {
    expect((await rejection(verifier.verify('not-a-jwt'))).message).toBe('Access token is malformed');
    expect((await rejection(verifier.verify(''))).status).toBe(401);
  });

  describe('verified-token cache', () => {
    /** A verifier on a clock the test moves, whose key set counts signature checks. */
    function clockedVerifier(opts: { verifiedCacheMs?: number; verifiedCacheMaxEntries?: number } = {}) {
      let now = Date.now();
      let keyLookups = 0;
      const jwks = tokenIssuer.jwks();
      const v = new TokenVerifier({ jwks, issuer, audience, now: () => now, ...opts });
      // Count how often jose asks for the key: once per full verification.
      const keys = (v as unknown as { keys: (...a: unknown[]) => unknown }).keys;
      (v as unknown as { keys: (...a: unknown[]) => unknown }).keys = (...a: unknown[]) => {
        keyLookups += 1;
        return keys(...a);
      };
      return {
        v,
        advance: (ms: number) => (now += ms),
        lookups: () => keyLookups,
      };
    }

    it('checks the signature of a token once, then answers the same principal from memory', async () => {
      const { v, lookups } = clockedVerifier();
      const { access_token } = await tokenIssuer.issue(principal);
      expect(await v.verify(access_token)).toEqual(principal);
      expect(await v.verify(access_token)).toEqual(principal);
      expect(lookups()).toBe(1);
    });

    it('gives each caller its own copy of the principal', async () => {
      const { v } = clockedVerifier();
      const { access_token } = await tokenIssuer.issue(principal);
      const first = await v.verify(access_token);
      first.scopes.push('ops');
      first.role = 'ops';
      expect(await v.verify(access_token)).toEqual(principal);
    });

    it('never trusts a remembered token past its expiry (plus the clock tolerance)', async () => {
      const { v, advance } = clockedVerifier({ verifiedCacheMs: 600_000 });
      const now = Math.floor(Date.now() / 1000);
      const token = await sign({ iat: now, exp: now + 10 });
      await expect(v.verify(token)).resolves.toMatchObject({ clientId: 'client-1' });
      advance(16_000);
      expect((await rejection(v.verify(token))).message).toBe('Access token has expired');
    });

    it('checks the signature again once the cache time has passed, and not at all when disabled', async () => {
      const timed = clockedVerifier({ verifiedCacheMs: 1_000 });
      const { access_token } = await tokenIssuer.issue(principal);
      await timed.v.verify(access_token);
      timed.advance(1_500);
      await timed.v.verify(access_token);
      expect(timed.lookups()).toBe(2);
      const off = clockedVerifier({ verifiedCacheMs: 0 });
      await off.v.verify(access_token);
      await off.v.verify(access_token);
      expect(off.lookups()).toBe(2);
    });

    it('does not remember refused tokens, and a tampered copy of a remembered token is still refused', async () => {
      const { v, lookups } = clockedVerifier();
      const { access_token } = await tokenIssuer.issue(principal);
      await v.verify(access_token);
      const [h, p, sig] = access_token.split('.') as [string, string, string];
      const claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as Record<string, unknown>;
      const forged = `${h}.${base64url.encode(JSON.stringify({ ...claims, role: 'ops' }))}.${sig}`;
      expect((await rejection(v.verify(forged))).message).toBe('Access token signature is invalid');
      expect((await rejection(v.verify(forged))).message).toBe('Access token signature is invalid');
      expect(lookups()).toBe(3);
    });

    it('stays bounded: a full cache is emptied, not grown', async () => {
      const { v, lookups } = clockedVerifier({ verifiedCacheMaxEntries: 2 });
      const tokens = await Promise.all(
        [1, 2, 3].map(async () => (await tokenIssuer.issue(principal)).access_token),
      );
      for (const t of tokens) await v.verify(t);
      expect(lookups()).toBe(3);
      await v.verify(tokens[2]!); // remembered after the clear
      await v.verify(tokens[0]!); // forgotten by the clear
      expect(lookups()).toBe(4);
    });
  });
});
