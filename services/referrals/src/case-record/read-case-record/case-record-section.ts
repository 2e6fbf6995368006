/**
 * One section of the whole-record read (GET /v1/referrals/{id}/case-record): its name in the
 * answer and how to read it for one referral, already shaped for the JSON API. Sections are
 * registered in case-record.wiring.ts (CASE_RECORD_SECTIONS).
 */
export interface CaseRecordSection {
  /** The key of this section in the whole-record answer, e.g. `contacts`. */
  readonly name: string;
  forReferral(referralId: string): Promise<unknown>;
}
