import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TargetGuard } from './target-guard';
import { WebhookSender } from './webhook-sender';

// A loopback HTTP server stands in for a receiver (no platform infrastructure needed).
describe('WebhookSender and TargetGuard', () => {
  let server: Server;
  let port = 0;
  const hits: string[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      hits.push(req.url ?? '');
      if (req.url === '/redirect') {
        res.writeHead(302, { location: '/elsewhere' }).end();
        return;
      }
      if (req.url === '/hang') return; // never answers
      res.writeHead(204).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const loopbackAllowed = new TargetGuard({ allowedRanges: new Set(['loopback']), allowHttp: true });

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
  });

  it('posts the body and headers and answers the status; never follows a redirect', async () => {
    const sender = new WebhookSender(loopbackAllowed, 2000);
    const result = await sender.post(`http://127.0.0.1:${port}/ok`, '{"a":1}', { 'webhook-id': 'msg_1' });
    expect(result.status).toBe(204);
    const redirected = await sender.post(`http://127.0.0.1:${port}/redirect`, '{}', {});
    expect(redirected.status).toBe(302);
    expect(hits).not.toContain('/elsewhere');
    sender.close();
  });

  it('cuts a hanging receiver off at the timeout', async () => {
    const sender = new WebhookSender(loopbackAllowed, 300);
    const result = await sender.post(`http://127.0.0.1:${port}/hang`, '{}', {});
    expect(result.status).toBeUndefined();
    expect(result.error).toBe('timed out after 300 ms');
    expect(result.latencyMs).toBeGreaterThanOrEqual(290);
    expect(result.latencyMs).toBeLessThan(2000);
    sender.close();
  });

  it('refuses at connect time an address the check did not see (DNS rebinding)', async () => {
    // The check's resolver says the host is public; at connect time it resolves to loopback.
    const rebinding = new TargetGuard({ allowedRanges: new Set(), allowHttp: true }, async () => [
      '93.184.215.14',
    ]);
    const sender = new WebhookSender(rebinding, 2000);
    const before = hits.length;
    const result = await sender.post(`http://localhost:${port}/rebound`, '{}', {});
    expect(result.status).toBeUndefined();
    expect(result.error).toMatch(/refused target localhost: .*loopback address/);
    expect(hits).toHaveLength(before);
    sender.close();
  });
});
