import { createHash, randomUUID } from 'node:crypto';
import {
  SignJWT,
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
  type KeyLike,
} from 'jose';
import type { Principal } from './principal';

export const TOKEN_ALG = 'ES256';
/** RFC 9068 access-token type: keeps an ID token or other JWT from being replayed as an access token. */
export const ACCESS_TOKEN_TYP = 'at+jwt';

export interface TokenIssuerOptions {
  privateJwk: JWK;
  issuer: string;
  audience: string;
  /** Token lifetime; 900 s by default. */
  ttlSeconds?: number;
}

export interface IssuedToken {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
}

/** RFC 7638 thumbprint of an EC public key (members in lexicographic order), computed synchronously. */
function ecThumbprint(jwk: JWK): string {
  const canonical = JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y });
  return createHash('sha256').update(canonical).digest('base64url');
}

function publicPart(jwk: JWK): JWK {
  const { kty, crv, x, y } = jwk;
  return { kty, crv, x, y, kid: jwk.kid ?? ecThumbprint(jwk), alg: TOKEN_ALG, use: 'sig' };
}

/** Signs short-lived ES256 access tokens naming the client, its organisation and role. */
export class TokenIssuer {
  /** A fresh P-256 key pair as JWKs, `kid` = RFC 7638 thumbprint of the public key. */
  static async generateKeyPair(): Promise<{ privateJwk: JWK; publicJwk: JWK }> {
    const { privateKey, publicKey } = await generateKeyPair(TOKEN_ALG, { extractable: true });
    const publicJwk = await exportJWK(publicKey);
    const kid = await calculateJwkThumbprint(publicJwk);
    const meta = { kid, alg: TOKEN_ALG, use: 'sig' };
    return {
      privateJwk: { ...(await exportJWK(privateKey)), ...meta },
      publicJwk: { ...publicJwk, ...meta },
    };
  }

  private readonly ttlSeconds: number;
  private readonly publicJwk: JWK;
  private key: Promise<KeyLike | Uint8Array> | undefined;

  constructor(private readonly opts: TokenIssuerOptions) {
    const { kty, crv, d, x, y } = opts.privateJwk;
    if (kty !== 'EC' || crv !== 'P-256' || !d || !x || !y) {
      throw new Error('TokenIssuer needs a private P-256 (ES256) JWK');
    }
    this.ttlSeconds = opts.ttlSeconds ?? 900;
    this.publicJwk = publicPart(opts.privateJwk);
  }

  async issue(p: Principal): Promise<IssuedToken> {
    const claims: Record<string, string> = { org: p.organisationId, role: p.role, scope: p.scopes.join(' ') };
    if (p.odsCode) claims['ods'] = p.odsCode;
    const now = Math.floor(Date.now() / 1000);
    const token = await new SignJWT(claims)
      .setProtectedHeader({ alg: TOKEN_ALG, kid: this.publicJwk.kid, typ: ACCESS_TOKEN_TYP })
      .setSubject(p.clientId)
      .setIssuer(this.opts.issuer)
      .setAudience(this.opts.audience)
      .setIssuedAt(now)
      .setExpirationTime(now + this.ttlSeconds)
      .setJti(randomUUID())
      .sign(await this.signingKey());
    return { access_token: token, token_type: 'Bearer', expires_in: this.ttlSeconds };
  }

  /** The public key set to serve at /.well-known/jwks.json. */
  jwks(): { keys: JWK[] } {
    return { keys: [{ ...this.publicJwk }] };
  }

  private signingKey(): Promise<KeyLike | Uint8Array> {
    this.key ??= importJWK(this.opts.privateJwk, TOKEN_ALG);
    return this.key;
  }
}
