import { parseRetrySchedule } from '../domain/retry-schedule';
import type { StatusReport } from '../../notification-status/notification-status.repository';
import type { WebhookEndpointDocument } from '../webhook-endpoint.entity';
import type { WebhookAttemptDocument, WebhookMessageDocument } from '../webhook-message.repository';
import type { SendResult } from '../webhook-sender';
import { DeliverMessageUseCase } from './deliver-message.use-case';

const t0 = new Date('2026-12-01T10:00:00Z');

type MessagesPort = ConstructorParameters<typeof DeliverMessageUseCase>[1];

function setup(answers: SendResult[], options: { failingSince?: Date; disableAfterMs?: number } = {}) {
  const endpoint: WebhookEndpointDocument = {
    _id: 'ep-1',
    organisationId: 'org-1',
    url: 'https://partner.example/hook',
    eventTypes: [],
    enabled: true,
    ...(options.failingSince ? { failingSince: options.failingSince } : {}),
    secrets: [
      { sealed: { keyId: 'k', iv: '', tag: '', ciphertext: 'whsec_c2VjcmV0c2VjcmV0' }, createdAt: t0 },
    ],
    createdAt: t0,
    updatedAt: t0,
  };
  const message: WebhookMessageDocument = {
    _id: 'msg_1',
    endpointId: 'ep-1',
    organisationId: 'org-1',
    noticeId: 'ev-1:org-1',
    kind: 'referral.submitted',
    referralId: 'r-1',
    body: '{"type":"referral.submitted"}',
    status: 'pending',
    attempts: 0,
    replays: 0,
    createdAt: t0,
    updatedAt: t0,
  };
  const attempts: WebhookAttemptDocument[] = [];
  const ledger: StatusReport[] = [];
  const told: unknown[] = [];
  const sent: Record<string, string>[] = [];
  const messagesPort: MessagesPort = {
    find: async () => message,
    startAttempt: async () => ++message.attempts,
    recordAttempt: async (a) => void attempts.push(a),
    markDelivered: async () => void (message.status = 'delivered'),
    markRetrying: async (_id, next) =>
      void Object.assign(message, { status: 'pending', nextAttemptAt: next }),
    markFailed: async (_id, reason) =>
      void Object.assign(message, { status: 'failed', failureReason: reason }),
  };
  const useCase = new DeliverMessageUseCase(
    {
      findForDelivery: async () => endpoint,
      recordFailure: async (_id, now) => {
        endpoint.failingSince ??= now;
        return endpoint;
      },
      recordSuccess: async () => void delete endpoint.failingSince,
      disable: async (_id, reason, now) => {
        if (!endpoint.enabled) return null;
        Object.assign(endpoint, { enabled: false, disabledReason: reason, disabledAt: now });
        return endpoint;
      },
    },
    messagesPort,
    { record: async (r) => void ledger.push(r) },
    {
      post: async (_url, _body, headers) => {
        sent.push(headers);
        return answers.shift() ?? { status: 200, latencyMs: 1 };
      },
    },
    { open: (sealed) => sealed.ciphertext },
    { endpointDisabled: async (input) => void told.push(input) },
    {
      schedule: parseRetrySchedule('5000,300000'),
      disableAfterMs: options.disableAfterMs ?? 5 * 24 * 3600_000,
    },
    () => t0,
  );
  return { useCase, endpoint, message, messagesPort, attempts, ledger, told, sent };
}

describe('DeliverMessageUseCase', () => {
  it('a 2xx delivers: one succeeded attempt, the ledger sent then delivered, the same webhook-id', async () => {
    const { useCase, message, attempts, ledger, sent } = setup([{ status: 204, latencyMs: 12 }]);
    expect(
      await useCase.execute({ messageId: 'msg_1', endpointId: 'ep-1' }, { attemptsMade: 0, maxAttempts: 3 }),
    ).toBe('delivered');
    expect(message.status).toBe('delivered');
    expect(attempts).toEqual([
      expect.objectContaining({ attempt: 1, status: 'succeeded', responseStatus: 204, latencyMs: 12 }),
    ]);
    expect(ledger.map((l) => [l.channel, l.target, l.status])).toEqual([
      ['webhook', 'ep-1', 'sent'],
      ['webhook', 'ep-1', 'delivered'],
    ]);
    expect(sent[0]!['webhook-id']).toBe('msg_1');
    // Delivered: the same job again (a stalled job's rerun) sends nothing; a replay sends again.
    expect(
      await useCase.execute({ messageId: 'msg_1', endpointId: 'ep-1' }, { attemptsMade: 0, maxAttempts: 3 }),
    ).toBe('skipped');
    expect(
      await useCase.execute(
        { messageId: 'msg_1', endpointId: 'ep-1', replay: 1 },
        { attemptsMade: 0, maxAttempts: 3 },
      ),
    ).toBe('delivered');
    expect(sent.map((h) => h['webhook-id'])).toEqual(['msg_1', 'msg_1']);
  });

  it('a failure retries on the schedule, and after the last attempt the message has failed', async () => {
    const { useCase, message, attempts, ledger } = setup([
      { status: 500, latencyMs: 3 },
      { error: 'timed out after 10000 ms', latencyMs: 10000 },
      { status: 404, latencyMs: 3 },
    ]);
    const run = (attemptsMade: number) =>
      useCase.execute({ messageId: 'msg_1', endpointId: 'ep-1' }, { attemptsMade, maxAttempts: 3 });
    expect(await run(0)).toBe('retry');
    expect(attempts[0]!.nextAttemptAt).toEqual(new Date(t0.getTime() + 5000));
    expect(await run(1)).toBe('retry');
    expect(attempts[1]).toMatchObject({
      error: 'timed out after 10000 ms',
      nextAttemptAt: new Date(t0.getTime() + 300000),
    });
    expect(await run(2)).toBe('failed');
    expect(attempts[2]!.nextAttemptAt).toBeUndefined();
    expect(message).toMatchObject({ status: 'failed', failureReason: 'http-404' });
    expect(ledger.at(-1)).toMatchObject({ status: 'failed', reason: 'http-404' });
  });

  it('410 disables the endpoint and tells the organisation once; later jobs send nothing', async () => {
    const { useCase, endpoint, told, sent, message } = setup([{ status: 410, latencyMs: 2 }]);
    expect(
      await useCase.execute({ messageId: 'msg_1', endpointId: 'ep-1' }, { attemptsMade: 0, maxAttempts: 3 }),
    ).toBe('gone');
    expect(endpoint).toMatchObject({ enabled: false, disabledReason: 'gone' });
    expect(told).toEqual([
      expect.objectContaining({ endpointId: 'ep-1', reason: 'gone', organisationId: 'org-1' }),
    ]);
    message.status = 'pending';
    expect(
      await useCase.execute({ messageId: 'msg_1', endpointId: 'ep-1' }, { attemptsMade: 1, maxAttempts: 3 }),
    ).toBe('failed');
    expect(sent).toHaveLength(1);
    expect(message.failureReason).toBe('endpoint-disabled:gone');
  });

  it('an endpoint failing for longer than the limit is disabled and its organisation told', async () => {
    const since = new Date(t0.getTime() - 6 * 24 * 3600_000);
    const { useCase, endpoint, told } = setup([{ status: 503, latencyMs: 2 }], { failingSince: since });
    expect(
      await useCase.execute({ messageId: 'msg_1', endpointId: 'ep-1' }, { attemptsMade: 0, maxAttempts: 3 }),
    ).toBe('failed');
    expect(endpoint).toMatchObject({ enabled: false, disabledReason: 'failing' });
    expect(told).toEqual([expect.objectContaining({ reason: 'failing', since, disabledAt: t0 })]);
  });

  it('a crash between the POST and its record sends once more, with the same webhook-id, then never again', async () => {
    const { useCase, message, messagesPort, sent } = setup([]);
    // The process dies after the receiver answered 2xx, before the message is marked delivered.
    const markDelivered = messagesPort.markDelivered;
    messagesPort.markDelivered = async () => {
      throw new Error('process killed');
    };
    await expect(
      useCase.execute({ messageId: 'msg_1', endpointId: 'ep-1' }, { attemptsMade: 0, maxAttempts: 3 }),
    ).rejects.toThrow('process killed');
    expect(message.status).toBe('pending');
    // The stalled job runs again: one more POST, the same webhook-id, and it is recorded.
    messagesPort.markDelivered = markDelivered;
    expect(
      await useCase.execute({ messageId: 'msg_1', endpointId: 'ep-1' }, { attemptsMade: 0, maxAttempts: 3 }),
    ).toBe('delivered');
    expect(
      await useCase.execute({ messageId: 'msg_1', endpointId: 'ep-1' }, { attemptsMade: 0, maxAttempts: 3 }),
    ).toBe('skipped');
    expect(sent.map((h) => h['webhook-id'])).toEqual(['msg_1', 'msg_1']);
  });
});
