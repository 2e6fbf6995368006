/**
 * FHIR R4 -> the referral model. Reads a transaction Bundle (HL7 Gravity closed-loop referral:
 * Patient + ServiceRequest + Task + Consent, referencing each other by `urn:uuid` fullUrls) or a
 * single ServiceRequest (patient and consent contained), and returns either a new referral
 * (ReferralIntake) or onward referrals (ServiceRequest.basedOn a parent). Every problem is reported
 * at once with the FHIRPath of the offending element; nothing is partially accepted.
 *
 * One reader per resource lives in ./intake/; this module is the entry point callers import.
 */
export { parseTransaction } from './intake/transaction.parser';
export { parseServiceRequest } from './intake/service-request.parser';
export { idFromReference } from './intake/references';
export type { OnwardTarget, ParsedIntake, ParsedOnward, ParsedReferral } from './intake/parsed-referral';
export type { FieldProblem } from '@sp/errors';
