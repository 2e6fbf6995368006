import type { OnwardReferralInput, ReferralIntake } from '../../referrals/referral-operations';
import type { FieldExpressions } from '../field-expressions';
import type { ConditionalCreate } from '../if-none-exist';

/** What a FHIR payload asks for: a new referral, or onward referrals of a parent. */

export interface ParsedIntake {
  kind: 'intake';
  intake: ReferralIntake;
  conditional?: ConditionalCreate;
  expressions: FieldExpressions;
  /** Transaction entry index of each resource (for the response Bundle). */
  entries: { serviceRequest?: number; patient?: number; task?: number; consent?: number };
}

export interface OnwardTarget {
  target: OnwardReferralInput['targets'][number];
  entries: { serviceRequest?: number; task?: number };
}

export interface ParsedOnward {
  kind: 'onward';
  parentReferralId: string;
  reroutedFromReferralId?: string;
  targets: OnwardTarget[];
  conditional?: ConditionalCreate;
  expressions: FieldExpressions;
}

export type ParsedReferral = ParsedIntake | ParsedOnward;

/** The conditional-create identifier is a business identifier of the referral. */
export function withConditionalIdentifier(
  intake: ReferralIntake,
  conditional: ConditionalCreate | undefined,
): ReferralIntake {
  if (!conditional) return intake;
  const ids = intake.identifiers ?? [];
  const { system, value } = conditional.identifier;
  if (ids.some((i) => i.system === system && i.value === value)) return intake;
  return { ...intake, identifiers: [...ids, { system, value }] };
}
