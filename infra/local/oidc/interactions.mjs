// The sign-in of the local OpenID Connect provider, on oidc-provider's interaction API: a login
// page that checks username and password against the people store (never oidc-provider's dev
// interactions, which accept anyone), then consent granted without asking for our first-party
// portal clients. Any other client is refused consent (there are none today).
import { Buffer } from 'node:buffer';
import { URLSearchParams } from 'node:url';

const escapeHtml = (s) =>
  String(s).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c],
  );

function page(res, status, title, body) {
  res.statusCode = status;
  res.setHeader('content-type', 'text/html; charset=utf-8');
  res.setHeader('cache-control', 'no-store');
  res.setHeader(
    'content-security-policy',
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
  );
  res.end(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:26rem;margin:4rem auto;padding:0 1rem}
label{display:block;margin-top:1rem}input{width:100%;padding:.4rem;font-size:1rem}
button{margin-top:1.2rem;padding:.5rem 1.2rem;font-size:1rem}.error{color:#a00}small{color:#555}</style>
</head><body><h1>${escapeHtml(title)}</h1>${body}</body></html>`);
}

function loginForm(res, uid, { clientName, error, username = '' }) {
  page(
    res,
    error ? 401 : 200,
    'Sign in',
    `<p>to <strong>${escapeHtml(clientName)}</strong> (local development identity provider)</p>
${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="/interaction/${escapeHtml(uid)}/login" autocomplete="off">
<label for="username">Username</label><input id="username" name="username" value="${escapeHtml(username)}" required autofocus>
<label for="password">Password</label><input id="password" name="password" type="password" required>
<button type="submit">Sign in</button></form>
<p><small>Local only. Demo people: infra/local/oidc/demo-people.json (docs/identity.md).</small></p>`,
  );
}

async function readForm(req, limit = 16 * 1024) {
  let size = 0;
  const chunks = [];
  for await (const chunk of req) {
    size += chunk.length;
    if (size > limit) throw Object.assign(new Error('form too large'), { status: 413 });
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/** Consent for a first-party client: grant what the request asks for (scopes, claims, resource scopes). */
async function grantConsent(provider, details) {
  const {
    prompt: { details: missing },
    params,
    session,
  } = details;
  const grant = details.grantId
    ? await provider.Grant.find(details.grantId)
    : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
  if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
  if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
  for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) {
    grant.addResourceScope(indicator, scopes.join(' '));
  }
  const grantId = await grant.save();
  return details.grantId ? {} : { grantId };
}

/**
 * Handles /interaction/<uid> (GET: what the provider needs next) and /interaction/<uid>/login
 * (POST: the form). Returns false for any other path.
 */
export function interactionHandler({ provider, people, firstPartyClients, log }) {
  return async function handle(req, res, url) {
    const match = /^\/interaction\/([A-Za-z0-9_-]+)(\/login)?$/.exec(url.pathname);
    if (!match) return false;
    const [, uid, login] = match;
    const details = await provider.interactionDetails(req, res);
    if (details.uid !== uid) {
      page(
        res,
        400,
        'Sign-in expired',
        '<p>This sign-in is not the current one. Start again from the application.</p>',
      );
      return true;
    }
    const client = await provider.Client.find(details.params.client_id);
    const clientName = client?.clientName ?? details.params.client_id;

    if (login && req.method === 'POST') {
      const form = await readForm(req);
      const username = form.get('username') ?? '';
      const person = people.authenticate(username, form.get('password') ?? '');
      if (!person) {
        log('sign-in refused', { username, client: details.params.client_id });
        loginForm(res, uid, { clientName, username, error: 'Wrong username or password.' });
        return true;
      }
      log('signed in', { username: person.username, sub: person.sub, client: details.params.client_id });
      await provider.interactionFinished(
        req,
        res,
        { login: { accountId: person.sub } },
        { mergeWithLastSubmission: false },
      );
      return true;
    }
    if (req.method !== 'GET') {
      page(res, 405, 'Not allowed', '<p>Method not allowed.</p>');
      return true;
    }
    if (details.prompt.name === 'login') {
      loginForm(res, uid, { clientName });
      return true;
    }
    if (details.prompt.name === 'consent' && firstPartyClients.has(details.params.client_id)) {
      const consent = await grantConsent(provider, details);
      await provider.interactionFinished(req, res, { consent }, { mergeWithLastSubmission: true });
      return true;
    }
    await provider.interactionFinished(
      req,
      res,
      { error: 'access_denied', error_description: 'only first-party clients are served by this provider' },
      { mergeWithLastSubmission: false },
    );
    return true;
  };
}
