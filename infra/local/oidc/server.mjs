// Local OpenID Connect provider for development and tests (started by infra/local/platform.sh):
// people sign in with a username and password and portals get RFC 9068 JWT access tokens for the
// platform's API, carrying the person's organisation, platform role, team role and name. Never
// deployed: production trusts each organisation's own identity provider (docs/identity.md).
//
//   node infra/local/oidc/server.mjs
//   SP_OIDC_PORT (8096), SP_OIDC_ISSUER (http://127.0.0.1:<port>), SP_OIDC_AUDIENCE (social-prescribing),
//   SP_OIDC_STATE_DIR (infra/local/.state/oidc: keys), SP_OIDC_ADMIN_TOKEN (sp-local-oidc-admin)
import { createServer } from 'node:http';
import { dirname, join, resolve } from 'node:path';
import { URL, fileURLToPath } from 'node:url';
import { Provider, errors } from 'oidc-provider';
import { tsImport } from 'tsx/esm/api';
import { devApiHandler } from './dev-api.mjs';
import { interactionHandler } from './interactions.mjs';
import { loadOrCreateKeys } from './keys.mjs';
import { People, loadDemoPeople } from './people.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../../..');
const env = (name, fallback) => (process.env[name] ? process.env[name] : fallback);

const HOST = env('SP_OIDC_HOST', '127.0.0.1');
const PORT = Number(env('SP_OIDC_PORT', '8096'));
const ISSUER = env('SP_OIDC_ISSUER', `http://${HOST}:${PORT}`);
const AUDIENCE = env('SP_OIDC_AUDIENCE', 'social-prescribing');
const STATE_DIR = env('SP_OIDC_STATE_DIR', join(ROOT, 'infra/local/.state/oidc'));
const ADMIN_TOKEN = env('SP_OIDC_ADMIN_TOKEN', 'sp-local-oidc-admin');

/** Resource indicators (RFC 8707) this provider issues access tokens for, and the `aud` of each. */
export const API_RESOURCE = 'urn:social-prescribing:api';
const RESOURCES = {
  [API_RESOURCE]: AUDIENCE,
  // Another API of the same provider: its tokens must be refused by the platform (tests prove it).
  'urn:social-prescribing:test-other-api': 'other-api',
};
const PORTAL_CLIENT = 'sp-portal';
const LOOPBACK_ORIGIN = /^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d{1,5})?$/;

function log(msg, fields = {}) {
  process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), msg, ...fields })}\n`);
}

/** The platform's id and ODS code of each demo organisation, computed as the platform does. */
async function demoOrganisations() {
  const { directoryIdForSlug } = await tsImport(
    join(ROOT, 'libs/contracts/src/directory-ids.ts'),
    import.meta.url,
  );
  const network = await tsImport(
    join(ROOT, 'services/organisations/src/demo/demo-network.ts'),
    import.meta.url,
  );
  const bySlug = new Map(
    network.demoOrganisations.map((o) => [
      o.id,
      { id: directoryIdForSlug('organizations', o.id), odsCode: o.ods_code },
    ]),
  );
  return (slug) => bySlug.get(slug);
}

function buildProvider({ people, keys }) {
  const provider = new Provider(ISSUER, {
    clients: [
      {
        client_id: PORTAL_CLIENT,
        client_name: 'Social prescribing portal (local)',
        // A public client (no secret) on loopback: RFC 8252 7.3, any port of these URIs is accepted.
        application_type: 'native',
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code'],
        response_types: ['code'],
        redirect_uris: ['http://127.0.0.1/callback', 'http://localhost/callback'],
        post_logout_redirect_uris: ['http://127.0.0.1/', 'http://localhost/'],
      },
    ],
    pkce: { required: () => true }, // S256 only (oidc-provider 9 supports no other method)
    async findAccount(_ctx, sub) {
      const person = people.bySub(sub);
      if (!person) return undefined;
      return {
        accountId: sub,
        async claims() {
          return { sub, name: person.name, preferred_username: person.username };
        },
      };
    },
    claims: { openid: ['sub'], profile: ['name', 'preferred_username'] },
    // Put the profile claims in the ID token of the code flow too (a portal shows who signed in).
    conformIdTokenClaims: false,
    features: {
      devInteractions: { enabled: false },
      resourceIndicators: {
        enabled: true,
        defaultResource: async (_ctx, _client, oneOf) => oneOf ?? API_RESOURCE,
        // The token request of the code flow gets the API token, not a userinfo token.
        useGrantedResource: async () => true,
        async getResourceServerInfo(_ctx, indicator) {
          const audience = RESOURCES[indicator];
          if (!audience) throw new errors.InvalidTarget(`unknown resource ${indicator}`);
          return {
            audience,
            scope: 'openid profile',
            accessTokenFormat: 'jwt', // RFC 9068: typ at+jwt, signed with the JWKS key
            accessTokenTTL: 900,
            jwt: { sign: { alg: 'RS256' } },
          };
        },
      },
    },
    async extraTokenClaims(_ctx, token) {
      if (token.kind !== 'AccessToken') return undefined;
      const person = people.bySub(token.accountId);
      if (!person) return undefined;
      return {
        org: person.organisationId,
        sp_role: person.role,
        sp_team_role: person.teamRole,
        name: person.name,
        ...(person.odsCode ? { ods: person.odsCode } : {}),
      };
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    clientBasedCORS: (_ctx, origin) => LOOPBACK_ORIGIN.test(origin),
    jwks: keys.jwks,
    cookies: { keys: keys.cookieKeys },
    ttl: {
      AccessToken: 900,
      AuthorizationCode: 60,
      IdToken: 3600,
      Interaction: 600,
      Session: 28_800,
      Grant: 28_800,
    },
  });
  provider.on('server_error', (_ctx, err) => log('server error', { error: err.message }));
  provider.on('grant.error', (_ctx, err) => log('token request refused', { error: err.message }));
  return provider;
}

async function main() {
  const keys = await loadOrCreateKeys(STATE_DIR);
  const people = new People();
  const demo = loadDemoPeople(join(HERE, 'demo-people.json'), people, await demoOrganisations());
  const provider = buildProvider({ people, keys });
  const interactions = interactionHandler({
    provider,
    people,
    firstPartyClients: new Set([PORTAL_CLIENT]),
    log,
  });
  const devApi = devApiHandler({ people, adminToken: ADMIN_TOKEN, log });
  const oidc = provider.callback();

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', ISSUER);
    try {
      if (url.pathname === '/health') {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ ok: true, issuer: ISSUER, people: people.size }));
        return;
      }
      if (await devApi(req, res, url)) return;
      if (await interactions(req, res, url)) return;
      oidc(req, res);
    } catch (err) {
      const expired = err instanceof errors.SessionNotFound;
      if (!expired) log('request failed', { path: url.pathname, error: err.message });
      if (res.headersSent) return res.end();
      res.statusCode = expired ? 400 : (err.status ?? 500);
      res.setHeader('content-type', 'text/plain; charset=utf-8');
      res.end(
        expired
          ? 'This sign-in has expired or was not started here. Start again from the application.\n'
          : 'Error\n',
      );
    }
  });
  server.listen(PORT, HOST, () => {
    log('local OIDC provider listening', {
      issuer: ISSUER,
      audience: AUDIENCE,
      demoPeople: demo,
      keys: keys.created ? 'generated' : 'reused',
      stateDir: STATE_DIR,
    });
  });
  const stop = () => server.close(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err) => {
  log('local OIDC provider failed to start', { error: err.stack ?? String(err) });
  process.exit(1);
});
