import { NEED_SYSTEM, NEED_TERMS, type NeedTerm } from '@sp/contracts';
import type { HsdsRecord } from './hsds-store.port';

/**
 * The platform's need taxonomy as an HSDS taxonomy: term ids are the need codes referrals carry.
 * The list itself is published in @sp/contracts (NEED_TERMS), where the referrals service reads it
 * too. Seeded on boot, idempotently.
 */
export const PLATFORM_TAXONOMY_ID = 'sp-needs';
/** Same URL as the referrals service's FHIR NEED_SYSTEM. */
export { NEED_SYSTEM };

export const PLATFORM_NEED_TERMS: ReadonlyArray<NeedTerm> = NEED_TERMS;

export function platformTaxonomy(): HsdsRecord {
  return {
    id: PLATFORM_TAXONOMY_ID,
    name: 'Social prescribing needs',
    description: 'Non-medical needs a patient may be referred for; the codes referrals carry.',
    uri: NEED_SYSTEM,
    version: '1',
  };
}

export function platformTaxonomyTerms(): HsdsRecord[] {
  return PLATFORM_NEED_TERMS.map((term) => ({
    id: term.code,
    code: term.code,
    name: term.name,
    description: term.description,
    taxonomy_id: PLATFORM_TAXONOMY_ID,
    // Open Referral UK: `taxonomy` names the taxonomy in use (by URI, as HSDS asks where
    // possible) and `term` is the term itself.
    taxonomy: NEED_SYSTEM,
    term: term.name,
    language: 'en',
    term_uri: `${NEED_SYSTEM}/${term.code}`,
  }));
}
