// The dev admin API of the local OpenID Connect provider, for tests and local use only (this
// provider never runs anywhere else): POST /dev/people creates a person in memory.
// Guarded by a bearer token (SP_OIDC_ADMIN_TOKEN, a documented local default).
import { Buffer } from 'node:buffer';
import { timingSafeEqual } from 'node:crypto';
import { personProblems } from './people.mjs';

function json(res, status, body) {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json');
  res.setHeader('cache-control', 'no-store');
  res.end(JSON.stringify(body));
}

function sameSecret(a, b) {
  const x = Buffer.from(String(a));
  const y = Buffer.from(String(b));
  return x.length === y.length && timingSafeEqual(x, y);
}

async function readJson(req, limit = 16 * 1024) {
  let size = 0;
  const chunks = [];
  for await (const chunk of req) {
    size += chunk.length;
    if (size > limit) return { error: `body larger than ${limit} bytes` };
    chunks.push(chunk);
  }
  try {
    return { value: JSON.parse(Buffer.concat(chunks).toString('utf8')) };
  } catch {
    return { error: 'body is not JSON' };
  }
}

/** Handles /dev/*; returns false for any other path. */
export function devApiHandler({ people, adminToken, log }) {
  return async function handle(req, res, url) {
    if (!url.pathname.startsWith('/dev/')) return false;
    if (url.pathname !== '/dev/people') {
      json(res, 404, { error: 'not_found', message: 'the dev API has POST /dev/people only' });
      return true;
    }
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      json(res, 405, { error: 'method_not_allowed', message: 'use POST' });
      return true;
    }
    const auth = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '');
    if (!auth || !sameSecret(auth[1], adminToken)) {
      res.setHeader('www-authenticate', 'Bearer');
      json(res, 401, {
        error: 'unauthorized',
        message: 'Authorization: Bearer <SP_OIDC_ADMIN_TOKEN> is required',
      });
      return true;
    }
    if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
      json(res, 415, { error: 'unsupported_media_type', message: 'send application/json' });
      return true;
    }
    const body = await readJson(req);
    if (body.error) {
      json(res, 400, {
        error: 'invalid_request',
        message: body.error,
        problems: [{ field: '', message: body.error }],
      });
      return true;
    }
    const problems = personProblems(body.value);
    if (problems.length > 0) {
      json(res, 400, { error: 'invalid_request', message: 'the person is not valid', problems });
      return true;
    }
    if (people.has(body.value.username)) {
      json(res, 409, {
        error: 'conflict',
        message: `username ${body.value.username} is taken`,
        problems: [{ field: 'username', message: 'is taken' }],
      });
      return true;
    }
    const person = people.add(body.value);
    log('person created', {
      username: person.username,
      sub: person.sub,
      role: person.role,
      teamRole: person.teamRole,
    });
    json(res, 201, { sub: person.sub, username: person.username });
    return true;
  };
}
