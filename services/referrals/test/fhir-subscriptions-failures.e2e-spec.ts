/**
 * FHIR Subscriptions when subscribers fail, on the real stack (set-up:
 * support/fhir-subscriptions-world.ts: 3 attempts, 100 ms backoff doubling, error after 3
 * failures in a row): retries, the timeout cutting off a subscriber that never answers, one slow
 * subscriber never delaying another, and status error.
 */
import { waitFor } from '@sp/testing';
import {
  eventNumberOf,
  subscriptionsWorld,
  typeOf,
  type SubscriptionsWorld,
} from './support/fhir-subscriptions-world';

describe('FHIR Subscriptions: failing subscribers', () => {
  let w: SubscriptionsWorld;

  beforeAll(async () => {
    w = await subscriptionsWorld('fhirsubsfail');
  }, 240_000);

  afterAll(async () => {
    await w?.close();
  }, 60_000);

  it('a handshake that keeps failing is retried, then the subscription is in error with the reason', async () => {
    w.receiver.behave('/fail-handshake', 'fail');
    const subId = await w.subscribe('vcsB', w.subscription('/fail-handshake'));
    const read = await w.waitForStatus('vcsB', subId, 'error');
    expect(read.body.error).toMatch(/answered 500/);
    expect(w.receiver.received.filter((r) => r.path === '/fail-handshake').length).toBe(3);
  });

  it('a notification answered 500 is retried and delivered, with the same event number; the subscription stays active', async () => {
    const subId = await w.subscribe('otherGp', w.subscription('/flaky'));
    await w.waitForStatus('otherGp', subId, 'active');
    const gpSub = await w.subscribe(
      'gp',
      w.subscription('/gp-flaky', { filter: `Task?requester=${w.org.gp}&owner=${w.org.vcsB}` }),
    );
    await w.waitForStatus('gp', gpSub, 'active');
    w.receiver.behave('/gp-flaky', 'fail-once');
    const rid = await w.refer(w.svc.b);
    await waitFor(() => w.eventsAt('/gp-flaky').length >= 2, {
      timeoutMs: 30_000,
      description: 'retried event',
    });
    const [failed, delivered] = w.eventsAt('/gp-flaky');
    expect([failed, delivered].map((r) => eventNumberOf(r!))).toEqual(['1', '1']);
    expect(delivered!.body.entry[1].fullUrl).toBe(`${w.base}/fhir/Task/${rid}`);
    const read = await w.fhir('gp', 'GET', `/fhir/Subscription/${gpSub}`);
    expect(read.body.status).toBe('active');
    // The other practice's subscription never hears of this practice's referral.
    expect(w.eventsAt('/flaky')).toEqual([]);
  });

  it('a subscriber that never answers is cut off at its timeout and retried, without delaying another subscriber; after 3 failures it is in error', async () => {
    const hung = await w.subscribe('vcsA', w.subscription('/vcs-a-hang', { timeout: 1 }));
    await w.waitForStatus('vcsA', hung, 'active');
    const fast = await w.subscribe(
      'gp',
      w.subscription('/gp-fast', { filter: `Task?requester=${w.org.gp}&owner=${w.org.vcsA}` }),
    );
    await w.waitForStatus('gp', fast, 'active');
    w.receiver.behave('/vcs-a-hang', 'hang');
    const rid = await w.refer(w.svc.a);

    const gpEvent = await waitFor(() => w.eventsAt('/gp-fast')[0], {
      timeoutMs: 30_000,
      description: 'GP event',
    });
    const firstHang = await waitFor(() => w.eventsAt('/vcs-a-hang')[0], {
      timeoutMs: 30_000,
      description: 'hang',
    });
    expect(gpEvent.at).toBeLessThan(firstHang.at + 1_000);

    const errored = await w.waitForStatus('vcsA', hung, 'error');
    expect(errored.body.error).toMatch(/no answer within 1000 ms/);
    const attempts = w.eventsAt('/vcs-a-hang');
    expect(attempts).toHaveLength(3);
    expect(
      attempts.every((a) => eventNumberOf(a) === '1' && a.body.entry[1].fullUrl.endsWith(`/Task/${rid}`)),
    ).toBe(true);
    expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(1_000);

    // In error: further changes are not sent to it.
    expect((await w.setStatus('vcsA', rid, 'accepted')).status).toBe(200);
    await waitFor(() => w.eventsAt('/gp-fast').length >= 2, {
      timeoutMs: 30_000,
      description: 'GP second event',
    });
    expect(
      w.receiver.received.filter((r) => r.path === '/vcs-a-hang' && typeOf(r) === 'event-notification'),
    ).toHaveLength(3);
  });
});
