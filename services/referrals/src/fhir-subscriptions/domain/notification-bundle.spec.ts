import { notificationBundle, statusBundle } from './notification-bundle';
import { REFERRAL_TASK_TOPIC } from './subscription-topic';

const base = 'https://referrals.example/fhir';
const now = new Date('2026-12-03T10:00:00.000Z');
const statusId = '0b9a5f5e-6f61-4b8e-9d43-1d6c7b0a2f11';

type Param = { name: string; valueString?: string; valueCode?: string; part?: Param[] } & Record<
  string,
  unknown
>;
const params = (bundle: { entry: Record<string, unknown>[] }) =>
  (bundle.entry[0] as { resource: { parameter: Param[] } }).resource.parameter;
const param = (bundle: { entry: Record<string, unknown>[] }, name: string) =>
  params(bundle).find((p) => p.name === name);

describe('notification bundles (backport-subscription-notification-r4)', () => {
  it('an event notification is a history Bundle: the status Parameters first, then the Task by fullUrl only (id-only)', () => {
    const bundle = notificationBundle({
      base,
      subscriptionId: 'sub-1',
      status: 'active',
      type: 'event-notification',
      eventsSinceStart: 7,
      statusId,
      now,
      event: { number: 7, timestamp: new Date('2026-12-03T09:59:59.000Z'), taskId: 'ref-1', created: false },
    });
    expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'history', timestamp: now.toISOString() });
    expect(bundle.entry[0]).toEqual({
      fullUrl: `urn:uuid:${statusId}`,
      resource: {
        resourceType: 'Parameters',
        id: statusId,
        parameter: [
          { name: 'subscription', valueReference: { reference: `${base}/Subscription/sub-1` } },
          { name: 'topic', valueCanonical: REFERRAL_TASK_TOPIC },
          { name: 'status', valueCode: 'active' },
          { name: 'type', valueCode: 'event-notification' },
          { name: 'events-since-subscription-start', valueString: '7' },
          {
            name: 'notification-event',
            part: [
              { name: 'event-number', valueString: '7' },
              { name: 'timestamp', valueInstant: '2026-12-03T09:59:59.000Z' },
              { name: 'focus', valueReference: { reference: `${base}/Task/ref-1` } },
            ],
          },
        ],
      },
      request: { method: 'GET', url: `${base}/Subscription/sub-1/$status` },
      response: { status: '200' },
    });
    expect(bundle.entry[1]).toEqual({
      fullUrl: `${base}/Task/ref-1`,
      request: { method: 'PUT', url: 'Task/ref-1' },
      response: { status: '200' },
    });
    expect(bundle.entry).toHaveLength(2);
    expect(JSON.stringify(bundle)).not.toMatch(/"resourceType":"Task"/);
  });

  it('a Task created by the change is a POST 201 entry', () => {
    const bundle = notificationBundle({
      base,
      subscriptionId: 'sub-1',
      status: 'active',
      type: 'event-notification',
      eventsSinceStart: 1,
      statusId,
      now,
      event: { number: 1, timestamp: now, taskId: 'ref-2', created: true },
    });
    expect(bundle.entry[1]).toMatchObject({
      request: { method: 'POST', url: 'Task' },
      response: { status: '201' },
    });
  });

  it('handshake and heartbeat carry no event and no other entry', () => {
    const handshake = notificationBundle({
      base,
      subscriptionId: 'sub-1',
      status: 'requested',
      type: 'handshake',
      eventsSinceStart: 0,
      statusId,
      now,
    });
    expect(handshake.entry).toHaveLength(1);
    expect(param(handshake, 'type')?.valueCode).toBe('handshake');
    expect(param(handshake, 'status')?.valueCode).toBe('requested');
    expect(param(handshake, 'events-since-subscription-start')?.valueString).toBe('0');
    expect(param(handshake, 'notification-event')).toBeUndefined();
    const heartbeat = notificationBundle({
      base,
      subscriptionId: 'sub-1',
      status: 'active',
      type: 'heartbeat',
      eventsSinceStart: 3,
      statusId,
      now,
    });
    expect(heartbeat.entry).toHaveLength(1);
    expect(param(heartbeat, 'type')?.valueCode).toBe('heartbeat');
    expect(param(heartbeat, 'events-since-subscription-start')?.valueString).toBe('3');
  });

  it('$status answers a searchset Bundle with the status Parameters (query-status)', () => {
    const bundle = statusBundle({
      base,
      subscriptionId: 'sub-1',
      status: 'error',
      eventsSinceStart: 4,
      statusId,
      now,
    });
    expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'searchset', total: 1 });
    const entry = (bundle.entry as { resource: { parameter: Param[] }; search: unknown }[])[0]!;
    expect(entry.search).toEqual({ mode: 'match' });
    expect(entry.resource.parameter.find((p) => p.name === 'type')?.valueCode).toBe('query-status');
    expect(entry.resource.parameter.find((p) => p.name === 'status')?.valueCode).toBe('error');
  });
});
