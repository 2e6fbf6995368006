/**
 * Our published need taxonomy (codes usable where SNOMED CT is not), kept in @sp/contracts where
 * the organisations service reads the same list. SNOMED CT concept ids (6-18 digits) are accepted
 * as they are; terminology-server validation is out of scope here.
 */
export { NEED_CODES, isKnownNeedCode } from '@sp/contracts';
