import { parseSubscription, type SubscriptionLimits } from './subscription-request';
import { BACKPORT_EXTENSIONS, REFERRAL_TASK_TOPIC } from './subscription-topic';

const now = new Date('2026-12-03T10:00:00Z');
const vcs = { organisationId: 'org-vcs', role: 'provider' as const };
const limits: SubscriptionLimits = {
  allowHttp: false,
  allowedRanges: new Set<string>(),
  minHeartbeatSeconds: 60,
  maxTimeoutSeconds: 30,
};

function subscription(overrides: Record<string, unknown> = {}, channel: Record<string, unknown> = {}) {
  return {
    resourceType: 'Subscription',
    status: 'requested',
    reason: 'Tell our portal about our referrals',
    criteria: REFERRAL_TASK_TOPIC,
    _criteria: {
      extension: [
        { url: BACKPORT_EXTENSIONS.filterCriteria, valueString: 'Task?owner=Organization/org-vcs' },
      ],
    },
    channel: {
      extension: [
        { url: BACKPORT_EXTENSIONS.heartbeatPeriod, valueUnsignedInt: 300 },
        { url: BACKPORT_EXTENSIONS.timeout, valueUnsignedInt: 20 },
      ],
      type: 'rest-hook',
      endpoint: 'https://portal.example.org/fhir-notify',
      payload: 'application/fhir+json',
      _payload: { extension: [{ url: BACKPORT_EXTENSIONS.payloadContent, valueCode: 'id-only' }] },
      header: ['Authorization: Bearer portal-secret'],
      ...channel,
    },
    ...overrides,
  };
}

describe('a Subscription as POSTed (R4 backport profile)', () => {
  it('accepts the supported shape', () => {
    const { spec, problems } = parseSubscription(subscription(), vcs, limits, now);
    expect(problems).toEqual([]);
    expect(spec).toEqual({
      reason: 'Tell our portal about our referrals',
      filters: [{ criteria: 'Task?owner=Organization/org-vcs', filter: { ownerOrganisationId: 'org-vcs' } }],
      endpoint: 'https://portal.example.org/fhir-notify',
      headers: ['Authorization: Bearer portal-secret'],
      heartbeatSeconds: 300,
      timeoutSeconds: 20,
    });
  });

  it('names each problem with its FHIRPath: unknown topic, channel type, payload, content, endpoint, filter, heartbeat', () => {
    const { spec, problems } = parseSubscription(
      subscription(
        {
          criteria: 'http://example.org/SubscriptionTopic/other',
          _criteria: {
            extension: [{ url: BACKPORT_EXTENSIONS.filterCriteria, valueString: 'Task?requester=org-other' }],
          },
        },
        {
          type: 'websocket',
          endpoint: 'http://10.0.0.5/hook',
          payload: 'application/fhir+xml',
          _payload: { extension: [{ url: BACKPORT_EXTENSIONS.payloadContent, valueCode: 'full-resource' }] },
          extension: [{ url: BACKPORT_EXTENSIONS.heartbeatPeriod, valueUnsignedInt: 5 }],
        },
      ),
      vcs,
      limits,
      now,
    );
    expect(spec).toBeUndefined();
    const fields = problems.map((p) => p.field);
    expect(fields).toEqual(
      expect.arrayContaining([
        'Subscription.criteria',
        'Subscription.criteria.extension[0].valueString',
        'Subscription.channel.type',
        'Subscription.channel.endpoint',
        'Subscription.channel.payload',
        'Subscription.channel.payload.extension',
        `Subscription.channel.extension('${BACKPORT_EXTENSIONS.heartbeatPeriod}')`,
      ]),
    );
    expect(problems.find((p) => p.field === 'Subscription.criteria.extension[0].valueString')?.code).toBe(
      'not_your_organisation',
    );
    expect(problems.filter((p) => p.field === 'Subscription.channel.endpoint')).toHaveLength(2);
  });

  it('requires status, reason, id-only content and well-formed headers; refuses an end in the past', () => {
    const { problems } = parseSubscription(
      subscription(
        { status: 'off', reason: '', end: '2020-01-01T00:00:00Z' },
        { _payload: undefined, header: ['Content-Type: text/plain', 'bad header'] },
      ),
      vcs,
      limits,
      now,
    );
    expect(problems.map((p) => p.field).sort()).toEqual(
      [
        'Subscription.channel.header[0]',
        'Subscription.channel.header[1]',
        'Subscription.channel.payload.extension',
        'Subscription.end',
        'Subscription.reason',
        'Subscription.status',
      ].sort(),
    );
  });

  it('refuses what is not a Subscription', () => {
    expect(parseSubscription({ resourceType: 'Task' }, vcs, limits, now).problems).toEqual([
      expect.objectContaining({ field: 'Subscription', code: 'structure' }),
    ]);
  });

  it('the local platform may allow http and loopback endpoints', () => {
    const local = { ...limits, allowHttp: true, allowedRanges: new Set(['loopback']) };
    const { problems } = parseSubscription(
      subscription({}, { endpoint: 'http://127.0.0.1:8123/hook' }),
      vcs,
      local,
      now,
    );
    expect(problems).toEqual([]);
  });
});
