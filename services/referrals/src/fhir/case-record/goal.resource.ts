import type { Goal } from 'fhir/r4';
import { ukDate } from '../../case-record/domain/case-dates';
import { goalLifecycleStatus } from '../../case-record/domain/case-statement.rules';
import type { CaseStatementDocument } from '../../case-record/what-matters/case-statement.entity';
import type { ReferralDocument } from '../../referrals/referral.entity';
import { patientReference } from '../outputs/procedure';

const GOAL_ACHIEVEMENT = 'http://terminology.hl7.org/CodeSystem/goal-achievement';
/** HL7 data-absent-reason: the text was removed (consent withdrawal). */
export const DATA_ABSENT_REASON = 'http://hl7.org/fhir/StructureDefinition/data-absent-reason';

/**
 * "What matters to me" as a FHIR R4 Goal: the person's words in description.text (after consent
 * withdrawal, a data-absent-reason `masked` instead), expressed by the patient, started when it
 * was agreed, addressing the referral. Status: active, completed (achieved) or cancelled (no
 * longer relevant).
 */
export function toGoal(
  statement: CaseStatementDocument,
  referral: Pick<ReferralDocument, 'patientKey'>,
): Goal {
  const lifecycleStatus = goalLifecycleStatus(statement.status);
  return {
    resourceType: 'Goal',
    id: statement._id,
    meta: { versionId: String(statement.version), lastUpdated: statement.updatedAt.toISOString() },
    lifecycleStatus,
    ...(statement.status === 'achieved'
      ? { achievementStatus: { coding: [{ system: GOAL_ACHIEVEMENT, code: 'achieved' }] } }
      : {}),
    description:
      statement.text !== undefined
        ? { text: statement.text }
        : { extension: [{ url: DATA_ABSENT_REASON, valueCode: 'masked' }] },
    subject: patientReference(referral),
    startDate: ukDate(statement.recordedAt),
    ...(statement.statusChangedAt ? { statusDate: ukDate(statement.statusChangedAt) } : {}),
    expressedBy: patientReference(referral),
    addresses: [{ reference: `ServiceRequest/${statement.referralId}` }],
  };
}
