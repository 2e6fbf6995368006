/**
 * Our published need taxonomy (codes usable where SNOMED CT is not). SNOMED CT concept ids
 * (6-18 digits) are accepted as they are; terminology-server validation is out of scope here.
 */
export const NEED_CODES = [
  'sp-need-loneliness',
  'sp-need-debt',
  'sp-need-housing',
  'sp-need-mental-wellbeing',
  'sp-need-physical-activity',
  'sp-need-food',
  'sp-need-carer-support',
  'sp-need-employment-training',
  'sp-need-benefits',
  'sp-need-bereavement',
] as const;

const SNOMED_CT_ID = /^\d{6,18}$/;

export function isKnownNeedCode(code: string): boolean {
  return (NEED_CODES as readonly string[]).includes(code) || SNOMED_CT_ID.test(code);
}
