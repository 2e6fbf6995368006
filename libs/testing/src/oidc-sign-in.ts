import { createHash, randomBytes } from 'node:crypto';
import { decodeJwt } from 'jose';
import { testInfra } from './test-infra';

/** The local provider's first-party portal client (public, PKCE, loopback redirect on any port). */
export const LOCAL_OIDC_PORTAL_CLIENT = 'sp-portal';
/** The resource indicator (RFC 8707) of the platform's API at the local provider: `aud` social-prescribing. */
export const LOCAL_OIDC_API_RESOURCE = 'urn:social-prescribing:api';
/** Another API of the local provider, whose tokens the platform must refuse (wrong audience). */
export const LOCAL_OIDC_OTHER_RESOURCE = 'urn:social-prescribing:test-other-api';

export interface OidcSignInOptions {
  /** The provider; the local one (testInfra.oidcIssuerUrl) by default. */
  issuer?: string;
  clientId?: string;
  /** Resource indicator; the provider's default (the platform's API) when not given. */
  resource?: string;
  /** A loopback redirect URI of the client (never listened on: the code is read from the redirect). */
  redirectUri?: string;
  scope?: string;
}

export interface OidcSignIn {
  accessToken: string;
  idToken: string;
  /** The person's subject identifier at the provider. */
  sub: string;
  expiresIn: number;
}

/** Sign-in refused or broken; `status` is the HTTP status that ended it. */
export class OidcSignInError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'OidcSignInError';
  }
}

interface Cookie {
  name: string;
  value: string;
  path: string;
}

/** Just enough of a browser's cookie jar: name, value, path; expired cookies are dropped. */
class CookieJar {
  private cookies: Cookie[] = [];

  store(setCookies: string[]): void {
    for (const header of setCookies) {
      const [pair = '', ...attrs] = header.split(';').map((s) => s.trim());
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq);
      const attr = (key: string) =>
        attrs.find((a) => a.toLowerCase().startsWith(`${key}=`))?.slice(key.length + 1);
      const path = attr('path') ?? '/';
      const expires = attr('expires');
      const maxAge = attr('max-age');
      const expired =
        maxAge !== undefined
          ? Number(maxAge) <= 0
          : expires !== undefined && Date.parse(expires) <= Date.now();
      this.cookies = this.cookies.filter((c) => !(c.name === name && c.path === path));
      if (!expired) this.cookies.push({ name, value: pair.slice(eq + 1), path });
    }
  }

  header(url: URL): string {
    return this.cookies
      .filter(
        (c) =>
          url.pathname === c.path ||
          url.pathname.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`) ||
          c.path === '/',
      )
      .map((c) => `${c.name}=${c.value}`)
      .join('; ');
  }
}

const base64url = (b: Buffer): string => b.toString('base64url');

/**
 * Signs a person in at an OpenID Connect provider the way a portal does, without a browser: the
 * authorization-code flow with PKCE (S256) over HTTP, following redirects by hand with a cookie
 * jar, filling the provider's login form, and exchanging the code at the token endpoint.
 * A wrong username or password is an OidcSignInError with status 401.
 */
export async function oidcSignIn(
  username: string,
  password: string,
  opts: OidcSignInOptions = {},
): Promise<OidcSignIn> {
  const issuer = (opts.issuer ?? testInfra.oidcIssuerUrl).replace(/\/$/, '');
  const clientId = opts.clientId ?? LOCAL_OIDC_PORTAL_CLIENT;
  const redirectUri = opts.redirectUri ?? 'http://127.0.0.1:1/callback';
  const discovery = (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as {
    authorization_endpoint: string;
    token_endpoint: string;
  };
  const verifier = base64url(randomBytes(32));
  const state = base64url(randomBytes(16));
  const nonce = base64url(randomBytes(16));
  const auth = new URL(discovery.authorization_endpoint);
  auth.search = new URLSearchParams({
    client_id: clientId,
    response_type: 'code',
    scope: opts.scope ?? 'openid profile',
    redirect_uri: redirectUri,
    code_challenge: base64url(createHash('sha256').update(verifier).digest()),
    code_challenge_method: 'S256',
    state,
    nonce,
    ...(opts.resource ? { resource: opts.resource } : {}),
  }).toString();

  const jar = new CookieJar();
  const step = async (url: URL, init: RequestInit = {}): Promise<Response> => {
    const headers = new Headers(init.headers);
    const cookie = jar.header(url);
    if (cookie) headers.set('cookie', cookie);
    const res = await fetch(url, { ...init, headers, redirect: 'manual' });
    jar.store(res.headers.getSetCookie());
    return res;
  };

  let url = auth;
  let init: RequestInit = {};
  let loginSubmitted = false;
  for (let hop = 0; hop < 12; hop += 1) {
    const res = await step(url, init);
    init = {};
    const location = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && location) {
      const next = new URL(location, url);
      if (next.href.startsWith(redirectUri.split('?')[0] ?? redirectUri)) {
        return exchange(discovery.token_endpoint, next, { clientId, redirectUri, verifier, state, nonce });
      }
      url = next;
      continue;
    }
    const body = await res.text();
    if (res.status === 401 && loginSubmitted) throw new OidcSignInError('wrong username or password', 401);
    const form = /<form[^>]*action="([^"]+)"/.exec(body);
    if (res.status === 200 && form?.[1] && !loginSubmitted) {
      loginSubmitted = true;
      url = new URL(form[1].replace(/&amp;/g, '&'), url);
      init = {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ username, password }).toString(),
      };
      continue;
    }
    throw new OidcSignInError(
      `sign-in stopped at ${url.pathname} with HTTP ${res.status}: ${body.slice(0, 300)}`,
      res.status,
    );
  }
  throw new OidcSignInError('sign-in did not finish within 12 redirects');
}

async function exchange(
  tokenEndpoint: string,
  callback: URL,
  ctx: { clientId: string; redirectUri: string; verifier: string; state: string; nonce: string },
): Promise<OidcSignIn> {
  const error = callback.searchParams.get('error');
  if (error) {
    throw new OidcSignInError(
      `authorization refused: ${error} ${callback.searchParams.get('error_description') ?? ''}`.trim(),
    );
  }
  if (callback.searchParams.get('state') !== ctx.state)
    throw new OidcSignInError('state mismatch in the redirect');
  const code = callback.searchParams.get('code');
  if (!code) throw new OidcSignInError('no code in the redirect');
  const res = await fetch(tokenEndpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: ctx.redirectUri,
      client_id: ctx.clientId,
      code_verifier: ctx.verifier,
    }).toString(),
  });
  const body = (await res.json()) as {
    access_token?: string;
    id_token?: string;
    expires_in?: number;
    error?: string;
  };
  if (!res.ok || !body.access_token || !body.id_token) {
    throw new OidcSignInError(
      `token request refused: HTTP ${res.status} ${body.error ?? ''}`.trim(),
      res.status,
    );
  }
  const idClaims = decodeJwt(body.id_token);
  if (idClaims.nonce !== ctx.nonce) throw new OidcSignInError('nonce mismatch in the ID token');
  return {
    accessToken: body.access_token,
    idToken: body.id_token,
    sub: String(idClaims.sub),
    expiresIn: body.expires_in ?? 0,
  };
}
