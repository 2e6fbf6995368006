import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OutboundSender } from './outbound-sender';
import { TargetGuard } from './target-guard';

// A loopback HTTP server stands in for a receiver (no platform infrastructure needed).
describe('OutboundSender and TargetGuard', () => {
  let server: Server;
  let port = 0;
  const hits: { url: string; headers: Record<string, unknown>; body: string }[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        hits.push({ url: req.url ?? '', headers: req.headers, body });
        if (req.url === '/redirect') {
          res.writeHead(302, { location: '/elsewhere' }).end();
          return;
        }
        if (req.url === '/hang') return; // never answers
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const loopbackAllowed = new TargetGuard({ allowedRanges: new Set(['loopback']), allowHttp: true });
  const urls = () => hits.map((h) => h.url);

  it('checks a URL against every address its host resolves to', async () => {
    const resolving = (addresses: string[]) =>
      new TargetGuard({ allowedRanges: new Set(), allowHttp: false }, async () => addresses);
    expect(await resolving(['93.184.215.14']).check('https://partner.example/hook')).toEqual([]);
    expect(
      (await resolving(['93.184.215.14', '10.0.0.9']).check('https://partner.example/hook'))[0],
    ).toMatchObject({
      field: 'url',
      code: 'private_target',
    });
    const failing = new TargetGuard({ allowedRanges: new Set(), allowHttp: false }, async () => {
      throw Object.assign(new Error('nope'), { code: 'ENOTFOUND' });
    });
    expect(await failing.check('https://nowhere.example/')).toEqual([
      { field: 'url', code: 'unresolvable', message: 'url: nowhere.example does not resolve (ENOTFOUND)' },
    ]);
    expect((await resolving([]).check('https://127.0.0.1/x'))[0]!.code).toBe('private_target');
    expect((await resolving(['93.184.215.14']).check('https://localhost/x'))[0]!.code).toBe('private_target');
  });

  it('posts the body and headers and answers the status; never follows a redirect', async () => {
    const sender = new OutboundSender(loopbackAllowed, { timeoutMs: 2000, userAgent: 'test-agent/1.0' });
    const result = await sender.post(`http://127.0.0.1:${port}/ok`, '{"a":1}', {
      headers: { 'webhook-id': 'msg_1' },
      contentType: 'application/fhir+json',
    });
    expect(result).toMatchObject({ status: 204 });
    expect(hits.at(-1)).toMatchObject({
      url: '/ok',
      body: '{"a":1}',
      headers: {
        'webhook-id': 'msg_1',
        'content-type': 'application/fhir+json',
        'user-agent': 'test-agent/1.0',
      },
    });
    const redirected = await sender.post(`http://127.0.0.1:${port}/redirect`, '{}');
    expect(redirected.status).toBe(302);
    expect(urls()).not.toContain('/elsewhere');
    sender.close();
  });

  it('cuts a hanging receiver off at the timeout (the sender default, or the call own)', async () => {
    const sender = new OutboundSender(loopbackAllowed, { timeoutMs: 300 });
    const result = await sender.post(`http://127.0.0.1:${port}/hang`, '{}');
    expect(result.status).toBeUndefined();
    expect(result.failure).toEqual({ kind: 'timeout', message: 'timed out after 300 ms' });
    expect(result.latencyMs).toBeGreaterThanOrEqual(290);
    expect(result.latencyMs).toBeLessThan(2000);
    const own = await sender.post(`http://127.0.0.1:${port}/hang`, '{}', { timeoutMs: 200 });
    expect(own.failure).toEqual({ kind: 'timeout', message: 'timed out after 200 ms' });
    sender.close();
  });

  it('classifies a refused target and a network error', async () => {
    const strict = new TargetGuard({ allowedRanges: new Set(), allowHttp: true });
    const refused = await new OutboundSender(strict, { timeoutMs: 2000 }).post(
      `http://127.0.0.1:${port}/ok`,
      '{}',
    );
    expect(refused.failure).toMatchObject({ kind: 'refused', message: expect.stringMatching(/loopback/) });
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const sender = new OutboundSender(loopbackAllowed, { timeoutMs: 2000 });
    const network = await sender.post(`http://127.0.0.1:${closedPort}/`, '{}');
    expect(network.failure).toMatchObject({ kind: 'network', code: 'ECONNREFUSED' });
    sender.close();
  });

  it('refuses at connect time an address the check did not see (DNS rebinding)', async () => {
    // The name resolves to a public address when checked, then to loopback when connecting.
    const answers = [['93.184.215.14'], ['127.0.0.1']];
    const rebinding = new TargetGuard(
      { allowedRanges: new Set(), allowHttp: true },
      async () => answers.shift() ?? ['127.0.0.1'],
    );
    const sender = new OutboundSender(rebinding, { timeoutMs: 2000 });
    const before = hits.length;
    const result = await sender.post(`http://rebound.example:${port}/rebound`, '{}');
    expect(result.status).toBeUndefined();
    expect(result.failure).toEqual({
      kind: 'refused',
      code: 'OUTBOUND_TARGET_REFUSED',
      message: 'refused target rebound.example: 127.0.0.1 is a loopback address',
    });
    expect(answers).toEqual([]);
    expect(hits).toHaveLength(before);
    sender.close();
  });

  it('connects to the addresses the guard resolved (its lookup is the one used)', async () => {
    const named = new TargetGuard({ allowedRanges: new Set(['loopback']), allowHttp: true }, async () => [
      '127.0.0.1',
    ]);
    const sender = new OutboundSender(named, { timeoutMs: 2000 });
    expect((await sender.post(`http://receiver.example:${port}/named`, '{}')).status).toBe(204);
    expect(urls()).toContain('/named');
    sender.close();
  });
});
