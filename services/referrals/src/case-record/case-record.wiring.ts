import type { Provider, Type } from '@nestjs/common';
import { CaseRecordRedactor, type RedactablePart } from './redaction/case-record-redactor';
import type { CaseRecordSection } from './read-case-record/case-record-section';

/**
 * The case record (issue 10): what a link worker records while working a referral. Add both
 * arrays to the referrals AppModule. Every part registers here:
 * - its controllers in `caseRecordControllers` (FHIR ones also in `caseRecordFhirControllers`,
 *   declared in the CapabilityStatement);
 * - its repository and use cases in `caseRecordProviders`;
 * - its repository in the `inject` list of CASE_RECORD_REDACTABLE_PARTS (it implements
 *   RedactablePart: free text removed on consent withdrawal, in the withdrawal's transaction);
 * - a CaseRecordSection in CASE_RECORD_SECTIONS (its part of GET /v1/referrals/{id}/case-record).
 * Part 1 (contacts, notes, whole-record read, redaction) and part 2 (what matters, needs, plan,
 * wellbeing) are marked below; add to the lists, keep the order.
 */

/** Every RedactablePart of the case record (a provider token: an array). */
export const CASE_RECORD_REDACTABLE_PARTS = 'CASE_RECORD_REDACTABLE_PARTS';
/** Every CaseRecordSection of the whole-record read (a provider token: an array). */
export const CASE_RECORD_SECTIONS = 'CASE_RECORD_SECTIONS';

export const caseRecordControllers: Type<unknown>[] = [
  // Part 1: contacts, notes, whole record.
  // Part 2: what matters, needs, plan, wellbeing.
];

/** The case-record controllers serving /fhir routes (declared in the CapabilityStatement). */
export const caseRecordFhirControllers: Type<unknown>[] = [
  // Part 1: Communication (contacts) is served by the gp-summary CommunicationController.
  // Part 2: CarePlan, Goal.
];

export const caseRecordProviders: Provider[] = [
  // Part 1: contacts, notes, whole record.
  // Part 2: what matters, needs, plan, wellbeing.
  {
    provide: CASE_RECORD_REDACTABLE_PARTS,
    inject: [
      // Part 1 repositories.
      // Part 2 repositories.
    ],
    useFactory: (...parts: RedactablePart[]): RedactablePart[] => parts,
  },
  {
    provide: CASE_RECORD_SECTIONS,
    inject: [
      // Part 1 sections.
      // Part 2 sections.
    ],
    useFactory: (...sections: CaseRecordSection[]): CaseRecordSection[] => sections,
  },
  {
    provide: CaseRecordRedactor,
    inject: [CASE_RECORD_REDACTABLE_PARTS],
    useFactory: (parts: RedactablePart[]) => new CaseRecordRedactor(parts),
  },
];
