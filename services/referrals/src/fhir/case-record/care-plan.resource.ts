import type { CarePlan, CarePlanActivity, Condition, Reference } from 'fhir/r4';
import { isPlatformNeedCode } from '@sp/contracts';
import type { CaseNeedDocument } from '../../case-record/needs/case-need.entity';
import type { PlanActionDocument } from '../../case-record/plan/plan-action.entity';
import type { CaseStatementDocument } from '../../case-record/what-matters/case-statement.entity';
import { activityStatus, type ActionOwner } from '../../case-record/domain/support-plan.rules';
import type { ReferralDocument } from '../../referrals/referral.entity';
import { NEED_SYSTEM, PERSON_SUB_SYSTEM, SNOMED_CT } from '../fhir.constants';
import { patientReference } from '../outputs/procedure';
import { organisationReference } from '../referral-to-fhir';

const CONDITION_CLINICAL = 'http://terminology.hl7.org/CodeSystem/condition-clinical';

export interface CarePlanParts {
  referral: Pick<ReferralDocument, '_id' | 'status' | 'patientKey' | 'ownerOrganisationId' | 'consent'>;
  actions: PlanActionDocument[];
  goals: CaseStatementDocument[];
  needs: CaseNeedDocument[];
}

/** CarePlan.status for the referral it plans: done when the referral is, revoked when it stopped. */
export function carePlanStatus(referral: CarePlanParts['referral']): CarePlan['status'] {
  if (referral.consent.withdrawnAt) return 'revoked';
  switch (referral.status) {
    case 'completed':
      return 'completed';
    case 'on-hold':
      return 'on-hold';
    case 'entered-in-error':
      return 'entered-in-error';
    case 'cancelled':
    case 'rejected':
    case 'failed':
      return 'revoked';
    default:
      return 'active';
  }
}

function performer(owner: ActionOwner, referral: CarePlanParts['referral']): Reference {
  const display = owner.display !== undefined ? { display: owner.display } : {};
  switch (owner.kind) {
    case 'patient':
      return { ...patientReference(referral), ...display };
    case 'worker':
      return {
        type: 'Practitioner',
        identifier: { system: PERSON_SUB_SYSTEM, value: owner.sub ?? '' },
        ...display,
      };
    case 'organisation':
      return { type: 'Organization', ...organisationReference(owner.organisationId ?? ''), ...display };
  }
}

/**
 * An action as a CarePlan activity: its detail (status, description, due by scheduledPeriod.end,
 * performer). An onward referral is the activity's outcomeReference: R4 (cpl-3) allows either a
 * reference or a detail, and the detail carries what was agreed.
 */
function activity(action: PlanActionDocument, referral: CarePlanParts['referral']): CarePlanActivity {
  return {
    ...(action.onwardReferralId !== undefined
      ? { outcomeReference: [{ reference: `ServiceRequest/${action.onwardReferralId}` }] }
      : {}),
    detail: {
      ...(action.onwardReferralId !== undefined ? { kind: 'ServiceRequest' as const } : {}),
      status: activityStatus(action.status),
      ...(action.description !== undefined ? { description: action.description } : {}),
      scheduledPeriod: { end: action.dueDate },
      performer: [performer(action.owner, referral)],
    },
  };
}

/** A need of the working list as a contained Condition, active or resolved (onset: added, abatement: resolved). */
function needCondition(need: CaseNeedDocument, i: number, referral: CarePlanParts['referral']): Condition {
  return {
    resourceType: 'Condition',
    id: `need-${i + 1}`,
    clinicalStatus: {
      coding: [{ system: CONDITION_CLINICAL, code: need.resolvedAt ? 'resolved' : 'active' }],
    },
    code: { coding: [{ system: isPlatformNeedCode(need.code) ? NEED_SYSTEM : SNOMED_CT, code: need.code }] },
    subject: patientReference(referral),
    onsetDateTime: need.addedAt.toISOString(),
    ...(need.resolvedAt ? { abatementDateTime: need.resolvedAt.toISOString() } : {}),
  };
}

function lastUpdated(parts: CarePlanParts): string {
  const times = [...parts.actions, ...parts.goals, ...parts.needs].map((e) => e.updatedAt.getTime());
  return new Date(Math.max(...times)).toISOString();
}

/**
 * The support plan of one referral as a FHIR R4 CarePlan (id: the referral's id): intent plan,
 * subject the patient (Patient/<patient key>), the referral it answers in supportingInfo (R4
 * CarePlan.basedOn may only name another CarePlan), what matters as goals, the working list of
 * needs as contained Conditions it addresses, and one activity per action.
 */
export function toCarePlan(parts: CarePlanParts): CarePlan {
  const { referral } = parts;
  const conditions = parts.needs.map((n, i) => needCondition(n, i, referral));
  const created = parts.actions.map((a) => a.createdAt.getTime());
  return {
    resourceType: 'CarePlan',
    id: referral._id,
    meta: { lastUpdated: lastUpdated(parts) },
    ...(conditions.length > 0 ? { contained: conditions } : {}),
    status: carePlanStatus(referral),
    intent: 'plan',
    title: 'Social prescribing support plan',
    subject: patientReference(referral),
    ...(created.length > 0 ? { created: new Date(Math.min(...created)).toISOString() } : {}),
    ...(referral.ownerOrganisationId !== undefined
      ? { author: { type: 'Organization', ...organisationReference(referral.ownerOrganisationId) } }
      : {}),
    ...(conditions.length > 0 ? { addresses: conditions.map((c) => ({ reference: `#${c.id ?? ''}` })) } : {}),
    supportingInfo: [{ reference: `ServiceRequest/${referral._id}` }],
    ...(parts.goals.length > 0 ? { goal: parts.goals.map((g) => ({ reference: `Goal/${g._id}` })) } : {}),
    ...(parts.actions.length > 0 ? { activity: parts.actions.map((a) => activity(a, referral)) } : {}),
  };
}
