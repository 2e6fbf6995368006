// The backlog of the consumer benchmark: valid referral lifecycle events (per the contracts in
// @sp/contracts), as the referrals service publishes them, and what consuming them must produce.
import { createHash, randomUUID } from 'node:crypto';
import {
  createEnvelope,
  ReferralAcceptedV1,
  ReferralCompletedV1,
  ReferralStartedV1,
  ReferralSubmittedV2,
  AGE_BANDS,
  SEX_CODES,
  toKafkaRecord,
  Topics,
  type EventEnvelope,
} from '@sp/contracts';
import type { Message } from 'kafkajs';

export const PRACTICES = 20;
export const PROVIDERS = 10;
export const SERVICES = 50;

export interface Backlog {
  messages: Message[];
  /** What a consumer that applied everything exactly once must show. */
  expected: {
    events: number;
    referrals: number;
    /** Analytics: sum over the practices' counters. */
    submitted: number;
    completed: number;
    wellbeingPairs: number;
    /** Notifications: inbox items (one per event and recipient). */
    inboxItems: number;
  };
}

const source = '/services/referrals';

/**
 * `referrals` referrals, each submitted, accepted, started and completed by the provider that runs
 * its service (4 events each, keyed by referral id as the referrals service keys them). Every
 * other completion records ONS4 baseline and follow-up.
 */
export function lifecycleBacklog(referrals: number): Backlog {
  const envelopes: EventEnvelope[] = [];
  const start = Date.parse('2026-11-01T09:00:00.000Z');
  for (let r = 0; r < referrals; r += 1) {
    const referralId = randomUUID();
    const requesterOrganisationId = `org-bench-gp-${r % PRACTICES}`;
    const service = r % SERVICES;
    const targetServiceId = `svc-bench-${service}`;
    const ownerOrganisationId = `org-bench-provider-${service % PROVIDERS}`;
    const patientKey = createHash('sha256').update(`patient-${r}`).digest('hex');
    const at = (minutes: number) => new Date(start + r * 1000 + minutes * 60_000).toISOString();
    const submittedAt = at(0);
    const meta = (minutes: number) => ({ source, correlationId: `bench-${referralId}`, time: at(minutes) });
    const common = {
      referralId,
      requesterOrganisationId,
      targetServiceId,
      ownerOrganisationId,
      patientKey,
      submittedAt,
      actor: { organisationId: ownerOrganisationId, role: 'provider' as const },
    };
    envelopes.push(
      createEnvelope(
        ReferralSubmittedV2,
        {
          referralId,
          requesterOrganisationId,
          requesterOdsCode: `A8${String(1000 + (r % PRACTICES))}`,
          targetServiceId,
          ownerOrganisationId,
          needs: ['sp-need-loneliness'],
          priority: r % 5 === 0 ? 'urgent' : 'routine',
          status: 'requested',
          patientKey,
          respondBy: at(7 * 24 * 60),
          population: {
            ageBand: AGE_BANDS[r % AGE_BANDS.length]!,
            sex: SEX_CODES[r % 2]!,
            imdDecile: 1 + (r % 10),
          },
          occurredAt: submittedAt,
        },
        meta(0),
      ),
      createEnvelope(
        ReferralAcceptedV1,
        {
          ...common,
          version: 2,
          fromStatus: 'requested',
          toStatus: 'accepted',
          claimed: false,
          occurredAt: at(60),
        },
        meta(60),
      ),
      createEnvelope(
        ReferralStartedV1,
        { ...common, version: 3, fromStatus: 'accepted', toStatus: 'in-progress', occurredAt: at(120) },
        meta(120),
      ),
      createEnvelope(
        ReferralCompletedV1,
        {
          ...common,
          version: 4,
          fromStatus: 'in-progress',
          toStatus: 'completed',
          outcomeCodes: ['sp-outcome-attended'],
          ...(r % 2 === 0
            ? {
                wellbeing: {
                  baseline: { lifeSatisfaction: 4, worthwhile: 5, happiness: 3, anxiety: 8 },
                  followUp: { lifeSatisfaction: 7, worthwhile: 6, happiness: 6, anxiety: 4 },
                },
              }
            : {}),
          occurredAt: at(24 * 60),
        },
        meta(24 * 60),
      ),
    );
  }
  const messages = envelopes.map((env) => {
    const record = toKafkaRecord(env);
    return { key: record.key, value: record.value, headers: record.headers };
  });
  return {
    messages,
    expected: {
      events: messages.length,
      referrals,
      submitted: referrals,
      completed: referrals,
      wellbeingPairs: Math.ceil(referrals / 2),
      // submitted -> the provider; accepted, started, completed -> the practice.
      inboxItems: referrals * 4,
    },
  };
}

export const LIFECYCLE_TOPIC = Topics.referralLifecycle;
