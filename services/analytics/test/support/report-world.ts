// A small, fully known world of referrals for the report specs: who referred whom, with which
// population codes, and exactly when each thing happened (days after BASE), published to the real
// Kafka as the referrals and organisations services publish them. Every expected figure in the
// specs is computed by hand from the table below.
import { randomUUID } from 'node:crypto';
import {
  createEnvelope,
  ReferralAcceptedV1,
  ReferralCancelledV1,
  ReferralCompletedV1,
  ReferralExpiredV1,
  ReferralFirstContactMadeV1,
  ReferralRefusedV1,
  ReferralRejectedV1,
  ReferralStartedV1,
  ReferralSubmittedV1,
  ReferralSubmittedV2,
  ServiceCapacityChangedV1,
  type EventEnvelope,
} from '@sp/contracts';
import {
  ATTENDED,
  CAPACITY,
  PLANS,
  REFUSALS,
  RESPOND_WITHIN_DAYS,
  type ReferralPlan,
} from './report-world-plan';

export { CAPACITY, PLANS, REFUSALS, RESPOND_WITHIN_DAYS } from './report-world-plan';

/**
 * Monday 6 March 2023, 09:00 UTC (ISO week 2023-W10). Every time below is a day offset from it. A
 * period far from other specs' data: the broker is shared, and a spec narrowed only by practice
 * (commissioner areas) would otherwise count another spec's referrals of the demo practices if
 * they ran at the same time.
 */
export const BASE = Date.UTC(2023, 2, 6, 9, 0, 0);
const DAY = 86_400_000;
export const at = (day: number) => new Date(BASE + day * DAY).toISOString();

/** The period every report spec asks for: March to August 2023. */
export const PERIOD = 'from=2023-03-01&to=2023-09-01';

/**
 * The same world 52 weeks later (Monday 4 March 2024), for the scope spec, whose commissioner
 * reports count by practice only: its figures stay its own even if another spec publishes the
 * world at the same time.
 */
export const SHIFTED = { days: 364, period: 'from=2024-03-01&to=2024-09-01' } as const;

/** Practices of the fixture (infra/local/data/gp-registrations): A and B in one PCN and ICB, C elsewhere. */
export const ODS = { A: 'A81001', B: 'A81002', C: 'B82001' } as const;

/** The fixture's areas: practices A and B are in PCN U81234 of ICB AREA.icb; C is in neither. */
export const AREA = { pcn: 'U81234', icb: 'QHM', otherPcn: 'U82345', otherIcb: 'QOQ' } as const;

const PATIENT_KEY = 'b5a2c96250612366ea272ffac6d9744aaf4b45aacd96aa7cfcb931ee3b558259';
/** The run's organisation and service ids (fresh per run: the specs share one broker). */
export interface WorldIds {
  practice: Record<keyof typeof ODS, string>;
  /** S1 is run by a VCS provider, S2 by a link-worker organisation. */
  service: { S1: string; S2: string };
  owner: { S1: string; S2: string };
  referral: Record<string, string>;
  /** Days added to every time of the table (a spec's own period: see SHIFTED). */
  shiftDays: number;
}

/**
 * `organisation=` narrowing to this run's organisations (ops' reports: without it ops would also
 * count whatever other specs publish to the shared broker meanwhile).
 */
export function runOrganisations(ids: WorldIds, which = ['A', 'B', 'C', 'S1', 'S2']): string {
  const all: Record<string, string> = { ...ids.practice, S1: ids.owner.S1, S2: ids.owner.S2 };
  return `&organisation=${which.map((k) => all[k]).join(',')}`;
}

export function worldIds(shiftDays = 0): WorldIds {
  return {
    practice: { A: randomUUID(), B: randomUUID(), C: randomUUID() },
    service: { S1: randomUUID(), S2: randomUUID() },
    owner: { S1: randomUUID(), S2: randomUUID() },
    referral: Object.fromEntries(PLANS.map((p) => [p.key, randomUUID()])),
    shiftDays,
  };
}

const meta = { source: '/services/referrals', correlationId: 'report-world' };

function referralEvents(plan: ReferralPlan, ids: WorldIds): EventEnvelope[] {
  const when = (day: number) => at(day + ids.shiftDays);
  const common = {
    referralId: ids.referral[plan.key]!,
    requesterOrganisationId: ids.practice[plan.practice],
    targetServiceId: ids.service[plan.service],
    ownerOrganisationId: ids.owner[plan.service],
    patientKey: PATIENT_KEY,
    submittedAt: when(plan.submitted),
  };
  const receiver = { organisationId: ids.owner[plan.service], role: 'provider' as const };
  const submitted = {
    referralId: common.referralId,
    requesterOrganisationId: common.requesterOrganisationId,
    requesterOdsCode: ODS[plan.practice],
    targetServiceId: common.targetServiceId,
    ownerOrganisationId: common.ownerOrganisationId,
    needs: plan.needs,
    priority: 'routine' as const,
    status: 'requested' as const,
    patientKey: PATIENT_KEY,
    occurredAt: when(plan.submitted),
  };
  const events: EventEnvelope[] = [
    plan.population
      ? createEnvelope(
          ReferralSubmittedV2,
          {
            ...submitted,
            respondBy: when(plan.submitted + RESPOND_WITHIN_DAYS),
            population: plan.population,
          },
          meta,
        )
      : createEnvelope(ReferralSubmittedV1, submitted, meta),
  ];
  let version = 1;
  let status: 'requested' | 'accepted' | 'in-progress' = 'requested';
  const move = { ...common };
  if (plan.accepted !== undefined) {
    events.push(
      createEnvelope(
        ReferralAcceptedV1,
        {
          ...move,
          version: ++version,
          fromStatus: status,
          toStatus: 'accepted',
          actor: receiver,
          claimed: false,
          occurredAt: when(plan.accepted),
        },
        meta,
      ),
    );
    status = 'accepted';
  }
  if (plan.rejected) {
    events.push(
      createEnvelope(
        ReferralRejectedV1,
        {
          ...move,
          version: ++version,
          fromStatus: status,
          toStatus: 'rejected',
          actor: receiver,
          reasonCode: plan.rejected.reason,
          occurredAt: when(plan.rejected.day),
        },
        meta,
      ),
    );
  }
  if (plan.expired !== undefined) {
    events.push(
      createEnvelope(
        ReferralExpiredV1,
        {
          ...move,
          version: ++version,
          fromStatus: status,
          toStatus: 'rejected',
          reasonCode: 'no-response',
          actor: { organisationId: 'platform', role: 'system' },
          respondBy: when(plan.submitted + RESPOND_WITHIN_DAYS),
          occurredAt: when(plan.expired),
        },
        meta,
      ),
    );
  }
  if (plan.started !== undefined) {
    events.push(
      createEnvelope(
        ReferralStartedV1,
        {
          ...move,
          version: ++version,
          fromStatus: status,
          toStatus: 'in-progress',
          actor: receiver,
          occurredAt: when(plan.started),
        },
        meta,
      ),
    );
    status = 'in-progress';
  }
  if (plan.firstContact !== undefined) {
    events.push(
      createEnvelope(
        ReferralFirstContactMadeV1,
        {
          referralId: common.referralId,
          requesterOrganisationId: common.requesterOrganisationId,
          ownerOrganisationId: common.ownerOrganisationId,
          targetServiceId: common.targetServiceId,
          patientKey: PATIENT_KEY,
          submittedAt: common.submittedAt,
          firstContactAt: when(plan.firstContact),
          method: 'phone',
          attemptsBefore: 0,
          occurredAt: when(plan.firstContact),
        },
        meta,
      ),
    );
  }
  if (plan.completed) {
    const { baseline, followUp } = plan.completed;
    events.push(
      createEnvelope(
        ReferralCompletedV1,
        {
          ...move,
          version: ++version,
          fromStatus: status,
          toStatus: 'completed',
          actor: receiver,
          outcomeCodes: [ATTENDED],
          ...(baseline ? { wellbeing: { baseline, ...(followUp ? { followUp } : {}) } } : {}),
          occurredAt: when(plan.completed.day),
        },
        meta,
      ),
    );
  }
  if (plan.cancelled) {
    events.push(
      createEnvelope(
        ReferralCancelledV1,
        {
          ...move,
          version: ++version,
          fromStatus: status,
          toStatus: 'cancelled',
          actor: { organisationId: common.requesterOrganisationId, role: 'referrer' },
          reasonCode: plan.cancelled.reason,
          occurredAt: when(plan.cancelled.day),
        },
        meta,
      ),
    );
  }
  return events;
}

/** Every event of the world: the referrals' lifecycles, the refusals and the capacity reports. */
export function worldEvents(ids: WorldIds): EventEnvelope[] {
  const when = (day: number) => at(day + ids.shiftDays);
  return [
    ...PLANS.flatMap((plan) => referralEvents(plan, ids)),
    ...REFUSALS.map((r) =>
      createEnvelope(
        ReferralRefusedV1,
        {
          refusalId: randomUUID(),
          requesterOrganisationId: ids.practice[r.practice],
          requesterOdsCode: ODS[r.practice],
          targetServiceId: ids.service[r.service],
          ownerOrganisationId: ids.owner[r.service],
          needs: [...r.needs],
          priority: 'routine',
          reasonCodes: [r.reason],
          population: { ...r.population },
          occurredAt: when(r.day),
        },
        meta,
      ),
    ),
    ...CAPACITY.map((c) =>
      createEnvelope(
        ServiceCapacityChangedV1,
        {
          serviceId: ids.service[c.service],
          organisationId: ids.owner[c.service],
          capacityStatus: c.waitlistLength > 0 ? 'waitlist' : 'has-capacity',
          caseload: c.caseload,
          waitlistLength: c.waitlistLength,
          occurredAt: when(c.day),
        },
        { source: '/services/organisations', correlationId: 'report-world' },
      ),
    ),
  ];
}
