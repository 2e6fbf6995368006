// The other services a patient notification talks to, as HTTP servers for the notifications
// service's integration tests: the organisations service's token endpoint (client credentials,
// real ES256 tokens) and JWKS, the referrals service's internal patient-contact API (checking the
// token and the purpose as the real one does; its own behaviour is tested in
// services/referrals/test/patient-contact.e2e-spec.ts) and the public HSDS directory's names.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TokenIssuer, TokenVerifier } from '@sp/identity';

export interface StubContact {
  phone?: string;
  email?: string;
  doNotContact: boolean;
  consent: 'given' | 'not-given' | 'withdrawn';
}

export interface PlatformStub {
  url: string;
  issuerName: string;
  audience: string;
  jwksUrl: string;
  issuer: TokenIssuer;
  clientId: string;
  clientSecret: string;
  contacts: Map<string, StubContact>;
  names: Map<string, string>;
  /** Every contact read: referral id, the caller's client id and the purpose. */
  reads: { referralId: string; clientId: string; purpose: string | null }[];
  close(): Promise<void>;
}

async function body(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startPlatformStub(run: string): Promise<PlatformStub> {
  const issuerName = `http://platform-${run}.test`;
  const audience = 'social-prescribing';
  const keys = await TokenIssuer.generateKeyPair();
  const issuer = new TokenIssuer({ privateJwk: keys.privateJwk, issuer: issuerName, audience });
  const clientId = 'notifications';
  const clientSecret = `secret-${run}`;
  const contacts = new Map<string, StubContact>();
  const names = new Map<string, string>();
  const reads: PlatformStub['reads'] = [];
  let verifier: TokenVerifier | undefined;

  const server: Server = createServer((req, res) => {
    const send = (status: number, payload?: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(payload === undefined ? '' : JSON.stringify(payload));
    };
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://stub');
      if (url.pathname === '/jwks') return send(200, issuer.jwks());
      if (url.pathname === '/oauth/token' && req.method === 'POST') {
        const form = new URLSearchParams(await body(req));
        if (form.get('grant_type') !== 'client_credentials')
          return send(400, { error: 'unsupported_grant_type' });
        if (form.get('client_id') !== clientId || form.get('client_secret') !== clientSecret) {
          return send(401, { error: 'invalid_client' });
        }
        const token = await issuer.issue({
          clientId,
          organisationId: `org-platform-${run}`,
          role: 'ops',
          scopes: ['ops'],
        });
        return send(200, { ...token, scope: 'ops' });
      }
      const contact = url.pathname.match(/^\/internal\/v1\/referrals\/([^/]+)\/patient-contact$/);
      if (contact) {
        const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
        verifier ??= new TokenVerifier({ jwks: issuer.jwks() as never, issuer: issuerName, audience });
        const principal = token ? await verifier.verify(token).catch(() => undefined) : undefined;
        if (!principal) return send(401, { code: 'AUTH.UNAUTHENTICATED' });
        const referralId = decodeURIComponent(contact[1]!);
        reads.push({ referralId, clientId: principal.clientId, purpose: url.searchParams.get('purpose') });
        if (principal.clientId !== clientId) return send(403, { code: 'AUTH.FORBIDDEN' });
        if (url.searchParams.get('purpose') !== 'patient-notification')
          return send(400, { code: 'VALIDATION.FAILED' });
        const found = contacts.get(referralId);
        return found ? send(200, { referralId, ...found }) : send(404, { code: 'REFERRAL.NOT_FOUND' });
      }
      const named = url.pathname.match(/^\/hsds\/(services|organizations)\/([^/]+)$/);
      if (named) {
        const name = names.get(decodeURIComponent(named[2]!));
        return name ? send(200, { id: named[2], name }) : send(404, { code: 'NOT_FOUND' });
      }
      return send(404, {});
    })().catch((error: unknown) => send(500, { error: String(error) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    issuerName,
    audience,
    jwksUrl: `${url}/jwks`,
    issuer,
    clientId,
    clientSecret,
    contacts,
    names,
    reads,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections(); // keep-alive connections of the service's fetch calls
      }),
  };
}
