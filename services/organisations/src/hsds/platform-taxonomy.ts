import type { HsdsRecord } from './hsds-store.port';

/**
 * The platform's need taxonomy as an HSDS taxonomy: term ids are the need codes referrals carry
 * (a copy of services/referrals/src/domain/need-taxonomy.ts: services never import each other;
 * keep the two lists the same). Seeded on boot, idempotently.
 */
export const PLATFORM_TAXONOMY_ID = 'sp-needs';
/** Same URL as the referrals service's FHIR NEED_SYSTEM. */
export const NEED_SYSTEM = 'https://socialprescribing.example.org/CodeSystem/need';

export const PLATFORM_NEED_TERMS: ReadonlyArray<{ code: string; name: string; description: string }> = [
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
];

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
    language: 'en',
    term_uri: `${NEED_SYSTEM}/${term.code}`,
  }));
}
