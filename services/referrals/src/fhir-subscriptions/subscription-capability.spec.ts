import 'reflect-metadata';
import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { capabilityStatement } from '../fhir/capability-statement';
import { REFERRAL_TASK_TOPIC, BACKPORT_EXTENSIONS } from './domain/subscription-topic';
import { SubscriptionController } from './manage-subscriptions/subscription.controller';
import { SUBSCRIPTION_INTERACTIONS } from './subscription-capability';

function servedRoutes(): string[] {
  const base = String(Reflect.getMetadata(PATH_METADATA, SubscriptionController));
  const proto = SubscriptionController.prototype as unknown as Record<string, unknown>;
  return Object.getOwnPropertyNames(proto)
    .filter(
      (name) =>
        name !== 'constructor' && Reflect.getMetadata(PATH_METADATA, proto[name] as object) !== undefined,
    )
    .map((name) => {
      const handler = proto[name] as object;
      const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number];
      const sub = String(Reflect.getMetadata(PATH_METADATA, handler));
      return `${method} /${[base, sub].filter((s) => s !== '/' && s !== '').join('/')}`;
    })
    .sort();
}

describe('the Subscription entry of the CapabilityStatement', () => {
  it('promises exactly the routes SubscriptionController serves', () => {
    const route: Record<(typeof SUBSCRIPTION_INTERACTIONS)[number], string> = {
      create: 'POST /fhir/Subscription',
      read: 'GET /fhir/Subscription/:id',
      'search-type': 'GET /fhir/Subscription',
      delete: 'DELETE /fhir/Subscription/:id',
    };
    const promised = [
      ...SUBSCRIPTION_INTERACTIONS.map((i) => route[i]),
      'GET /fhir/Subscription/:id/$status',
    ];
    expect(servedRoutes()).toEqual(promised.sort());
  });

  it('declares the topic canonical with the backport extension', () => {
    const cs = capabilityStatement('http://x/fhir', new Date()) as {
      rest: { resource: { type: string; extension?: unknown[]; interaction?: unknown[] }[] }[];
    };
    const subscription = cs.rest[0]!.resource.find((r) => r.type === 'Subscription');
    expect(subscription?.extension).toEqual([
      { url: BACKPORT_EXTENSIONS.topicCanonical, valueCanonical: REFERRAL_TASK_TOPIC },
    ]);
    expect(subscription?.interaction).toEqual(SUBSCRIPTION_INTERACTIONS.map((code) => ({ code })));
  });
});
