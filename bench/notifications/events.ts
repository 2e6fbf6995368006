// The events of the fan-out benchmark: valid referral.submitted events (per the contract in
// @sp/contracts) as the referrals service publishes them (CloudEvents binary mode, keyed by
// referral id, idempotent producer, acks from every replica), each addressed to one of the
// organisations round robin (ownerOrganisationId: the notifications service tells the owner).
// occurredAt is the time just before the record is produced: the proxy of the referral's commit
// that the latency figures start from.
import { createHash, randomUUID } from 'node:crypto';
import { createEnvelope, ReferralSubmittedV1, toKafkaRecord, Topics } from '@sp/contracts';
import type { Kafka, Message, Producer } from 'kafkajs';
import type { Expectation } from './receiver';

const topic = Topics.referralLifecycle.name;

export interface Organisations {
  ids: string[];
  /** The receiver path of each organisation's endpoint, by organisation id. */
  pathOf(organisationId: string): string;
}

export interface Produced {
  /** Just before the first produce and when the last send was acknowledged (ms since the epoch). */
  startedAt: number;
  endedAt: number;
  count: number;
}

function submitted(
  organisationId: string,
  seq: number,
  occurredAt: string,
  run: string,
): Message & { id: string } {
  const referralId = randomUUID();
  const env = createEnvelope(
    ReferralSubmittedV1,
    {
      referralId,
      requesterOrganisationId: `org-bench-gp-${seq % 20}`,
      requesterOdsCode: `A8${String(1000 + (seq % 20))}`,
      targetServiceId: randomUUID(),
      ownerOrganisationId: organisationId,
      needs: ['sp-need-loneliness'],
      priority: seq % 5 === 0 ? 'urgent' : 'routine',
      status: 'requested',
      patientKey: createHash('sha256').update(`${run}-patient-${seq}`).digest('hex'),
      occurredAt,
    },
    { source: '/services/referrals', correlationId: `bench-${referralId}`, time: occurredAt },
  );
  const record = toKafkaRecord(env);
  return { id: env.id, key: record.key, value: record.value, headers: record.headers };
}

export async function connectProducer(kafka: Kafka): Promise<Producer> {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  return producer;
}

/** `count` events at once (recorded in `expected` as they are built, before they are sent), in sends of 1,000 (each send's events stamped just before it). */
export async function produceBacklog(
  producer: Producer,
  orgs: Organisations,
  count: number,
  run: string,
  expected: Map<string, Expectation>,
): Promise<Produced> {
  const startedAt = Date.now();
  for (let i = 0; i < count; i += 1000) {
    const at = new Date().toISOString();
    const batch = [];
    for (let seq = i; seq < Math.min(count, i + 1000); seq += 1) {
      const org = orgs.ids[seq % orgs.ids.length] as string;
      const m = submitted(org, seq, at, run);
      expected.set(m.id, { path: orgs.pathOf(org) });
      batch.push(m);
    }
    await producer.send({ topic, acks: -1, messages: batch });
  }
  return { startedAt, endedAt: Date.now(), count };
}

/**
 * `rate` events a second for `seconds`: every few milliseconds the events due by then are stamped
 * and produced (one send; a slow send makes the next one carry more, so the rate holds).
 */
export async function produceAtRate(
  producer: Producer,
  orgs: Organisations,
  rate: number,
  seconds: number,
  run: string,
  expected: Map<string, Expectation>,
): Promise<Produced> {
  const total = Math.round(rate * seconds);
  const startedAt = Date.now();
  const clock = performance.now();
  let sent = 0;
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - clock) / 1000) * rate) + 1);
    if (due <= sent) {
      const nextAt = clock + (sent / rate) * 1000;
      await new Promise((resolve) => setTimeout(resolve, Math.max(1, nextAt - performance.now())));
      continue;
    }
    const at = new Date().toISOString();
    const batch = [];
    for (let seq = sent; seq < due; seq += 1) {
      const org = orgs.ids[seq % orgs.ids.length] as string;
      const m = submitted(org, seq, at, run);
      expected.set(m.id, { path: orgs.pathOf(org) });
      batch.push(m);
    }
    await producer.send({ topic, acks: -1, messages: batch });
    sent = due;
  }
  return { startedAt, endedAt: Date.now(), count: total };
}
