/**
 * The platform's need taxonomy: the codes a referral's `needs` carry and a directory service lists
 * as HSDS taxonomy terms. One published list, read by the referrals service (intake rules, FHIR
 * reasonCode) and the organisations service (HSDS taxonomy seeded on boot, matching).
 * A code, once published, never changes meaning; a new need is a new code.
 */

/** Code system URL of the taxonomy (FHIR `Coding.system`, HSDS `taxonomy.uri`). */
export const NEED_SYSTEM = 'https://socialprescribing.example.org/CodeSystem/need';

export interface NeedTerm {
  code: string;
  name: string;
  description: string;
}

export const NEED_TERMS = [
  {
    code: 'sp-need-loneliness',
    name: 'Loneliness and isolation',
    description: 'Feeling lonely or socially isolated.',
  },
  {
    code: 'sp-need-debt',
    name: 'Debt and money worries',
    description: 'Problem debt, budgeting, money worries.',
  },
  { code: 'sp-need-housing', name: 'Housing', description: 'Housing problems, homelessness or risk of it.' },
  {
    code: 'sp-need-mental-wellbeing',
    name: 'Mental wellbeing',
    description: 'Low mood, stress, anxiety (non-clinical support).',
  },
  {
    code: 'sp-need-physical-activity',
    name: 'Physical activity',
    description: 'Inactivity; wanting to be more active.',
  },
  { code: 'sp-need-food', name: 'Food', description: 'Food insecurity; cooking and healthy eating.' },
  { code: 'sp-need-carer-support', name: 'Carer support', description: 'Support for unpaid carers.' },
  {
    code: 'sp-need-employment-training',
    name: 'Employment and training',
    description: 'Work, volunteering, skills and training.',
  },
  { code: 'sp-need-benefits', name: 'Benefits', description: 'Benefit entitlement and claims.' },
  { code: 'sp-need-bereavement', name: 'Bereavement', description: 'Grief and loss.' },
] as const satisfies readonly NeedTerm[];

export type NeedCode = (typeof NEED_TERMS)[number]['code'];

export const NEED_CODES: readonly NeedCode[] = NEED_TERMS.map((t) => t.code);

/** A SNOMED CT concept id (sctid): 6-18 digits. */
export const SNOMED_CT_ID = /^\d{6,18}$/;

export function isPlatformNeedCode(code: string): code is NeedCode {
  return (NEED_CODES as readonly string[]).includes(code);
}

/**
 * A code a referral may carry as a need: one of the taxonomy, or a SNOMED CT concept id kept as
 * the referrer gave it (terminology-server validation of the id is out of scope).
 */
export function isKnownNeedCode(code: string): boolean {
  return isPlatformNeedCode(code) || SNOMED_CT_ID.test(code);
}
