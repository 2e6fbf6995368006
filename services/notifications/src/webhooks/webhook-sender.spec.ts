import type { OutboundSender, PostOutcome } from '@sp/outbound-http';
import { WebhookSender } from './webhook-sender';

// The sending itself (guard, timeout, no redirect, DNS rebinding) is tested in libs/outbound-http.
describe('WebhookSender (the webhooks edge of the outbound sender)', () => {
  const sending = (outcome: PostOutcome) => {
    const calls: unknown[][] = [];
    const outbound: Pick<OutboundSender, 'post'> = {
      post: async (...args) => {
        calls.push(args);
        return outcome;
      },
    };
    return { sender: new WebhookSender(outbound), calls };
  };

  it('posts JSON with the signed headers and answers the status and latency', async () => {
    const { sender, calls } = sending({ status: 302, latencyMs: 12 });
    expect(await sender.post('https://partner.example/hook', '{}', { 'webhook-id': 'msg_1' })).toEqual({
      status: 302,
      latencyMs: 12,
    });
    expect(calls).toEqual([
      [
        'https://partner.example/hook',
        '{}',
        { headers: { 'webhook-id': 'msg_1' }, contentType: 'application/json' },
      ],
    ]);
  });

  it.each([
    [{ kind: 'timeout', message: 'timed out after 300 ms' }, 'timed out after 300 ms'],
    [
      { kind: 'network', code: 'ECONNREFUSED', message: 'ECONNREFUSED: connect ECONNREFUSED' },
      'ECONNREFUSED: connect ECONNREFUSED',
    ],
    [
      { kind: 'refused', message: 'url: 10.0.0.1 is not a public address (...)' },
      'url: 10.0.0.1 is not a public address (...)',
    ],
    [
      {
        kind: 'refused',
        code: 'OUTBOUND_TARGET_REFUSED',
        message: 'refused target partner.example: 127.0.0.1 is a loopback address',
      },
      'WEBHOOK_TARGET_REFUSED: refused target partner.example: 127.0.0.1 is a loopback address',
    ],
  ] as const)('records a failure without a status as its error (%o)', async (failure, error) => {
    const { sender } = sending({ failure, latencyMs: 5 });
    expect(await sender.post('https://partner.example/hook', '{}', {})).toEqual({ error, latencyMs: 5 });
  });
});
