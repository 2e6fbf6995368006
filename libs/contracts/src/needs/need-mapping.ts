import type { NeedCode } from './need-taxonomy';

/**
 * The published need mapping: which platform need a coded concept from a referral means. Read by
 * FHIR intake to derive a referral's needs from every place the HL7 Gravity SDOH Clinical Care IG
 * puts them (ServiceRequest.reasonCode, the Condition in reasonReference, ServiceRequest.category,
 * ServiceRequest.code). Published as data (docs/need-mapping.md) and versioned: a changed row is a
 * new NEED_MAPPING_VERSION, so a referral's derived needs can always be explained.
 *
 * Every SNOMED CT id below was checked against a published source with its description (the
 * Gravity IG's own examples where they exist); concepts we could not verify are left out, never
 * guessed. A SNOMED CT concept not in this table is kept as given (it is a valid need code and is
 * matched wherever a service lists it).
 */
export const NEED_MAPPING_VERSION = '2026-12-03';

export const SNOMED_CT_SYSTEM = 'http://snomed.info/sct';
/** HL7 Gravity SDOHCC temporary codes (SDOH categories, `contacting-subject-prohibited`, ...). */
export const SDOHCC_TEMPORARY_CODES_SYSTEM =
  'http://hl7.org/fhir/us/sdoh-clinicalcare/CodeSystem/SDOHCC-CodeSystemTemporaryCodes';
/** Canonical URL of the SDOH category value set (ServiceRequest.category, Condition.category). */
export const SDOHCC_CATEGORY_VALUE_SET =
  'http://hl7.org/fhir/us/sdoh-clinicalcare/ValueSet/SDOHCC-ValueSetSDOHCategory';

export interface SnomedNeedRow {
  /** SNOMED CT concept id. */
  code: string;
  /** Its description (fully specified name where the source gave one). */
  display: string;
  /** finding / situation: a need itself; procedure: a need-specific referral or service. */
  kind: 'finding' | 'procedure';
  need: NeedCode;
}

/** SNOMED CT concepts that mean a platform need. */
export const SNOMED_NEED_MAPPING: readonly SnomedNeedRow[] = [
  { code: '422650009', display: 'Social isolation', kind: 'finding', need: 'sp-need-loneliness' },
  { code: '160932005', display: 'Financial problem (finding)', kind: 'finding', need: 'sp-need-debt' },
  { code: '32911000', display: 'Homeless', kind: 'finding', need: 'sp-need-housing' },
  { code: '105531004', display: 'Housing problem (finding)', kind: 'finding', need: 'sp-need-housing' },
  { code: '73595000', display: 'Stress (finding)', kind: 'finding', need: 'sp-need-mental-wellbeing' },
  {
    code: '40979000',
    display: 'Lack of physical exercise',
    kind: 'finding',
    need: 'sp-need-physical-activity',
  },
  { code: '733423003', display: 'Food insecurity', kind: 'finding', need: 'sp-need-food' },
  { code: '73438004', display: 'Unemployed', kind: 'finding', need: 'sp-need-employment-training' },
  {
    code: '390893007',
    display: 'Referral to physical activity program (procedure)',
    kind: 'procedure',
    need: 'sp-need-physical-activity',
  },
  {
    code: '467771000124109',
    display: 'Assistance with application for food pantry program',
    kind: 'procedure',
    need: 'sp-need-food',
  },
];

/**
 * SNOMED CT procedures that say what kind of referral this is but not which need: in
 * ServiceRequest.code or .category they add no need (and are not kept as one).
 */
export const SNOMED_GENERIC_REFERRAL_CODES: readonly { code: string; display: string }[] = [
  { code: '871731000000106', display: 'Referral to social prescribing service' },
  { code: '410606002', display: 'Social service procedure' },
];

export interface SdohCategoryRow {
  /** Code in SDOHCC_TEMPORARY_CODES_SYSTEM, member of the SDOH category value set. */
  code: string;
  display: string;
  /** The platform need; null when the platform has no such need (the category adds none). */
  need: NeedCode | null;
}

/** Every code of the SDOHCC SDOH category value set, with the platform need it means (if any). */
export const SDOH_CATEGORY_NEED_MAPPING: readonly SdohCategoryRow[] = [
  { code: 'sdoh-category-unspecified', display: 'SDOH Category Unspecified', need: null },
  { code: 'food-insecurity', display: 'Food Insecurity', need: 'sp-need-food' },
  { code: 'housing-instability', display: 'Housing Instability', need: 'sp-need-housing' },
  { code: 'homelessness', display: 'Homelessness', need: 'sp-need-housing' },
  { code: 'inadequate-housing', display: 'Inadequate Housing', need: 'sp-need-housing' },
  { code: 'transportation-insecurity', display: 'Transportation Insecurity', need: null },
  { code: 'financial-insecurity', display: 'Financial Insecurity', need: 'sp-need-debt' },
  { code: 'material-hardship', display: 'Material Hardship', need: null },
  {
    code: 'educational-attainment',
    display: 'Educational Attainment',
    need: 'sp-need-employment-training',
  },
  { code: 'employment-status', display: 'Employment Status', need: 'sp-need-employment-training' },
  { code: 'veteran-status', display: 'Veteran Status', need: null },
  { code: 'stress', display: 'Stress', need: 'sp-need-mental-wellbeing' },
  { code: 'social-connection', display: 'Social Connection', need: 'sp-need-loneliness' },
  { code: 'intimate-partner-violence', display: 'Intimate Partner Violence', need: null },
  { code: 'elder-abuse', display: 'Elder Abuse', need: null },
  { code: 'personal-health-literacy', display: 'Personal Health Literacy', need: null },
  { code: 'health-insurance-coverage-status', display: 'Health Insurance Coverage Status', need: null },
  { code: 'medical-cost-burden', display: 'Medical Cost Burden', need: null },
  { code: 'digital-literacy', display: 'Digital Literacy', need: null },
  { code: 'digital-access', display: 'Digital Access', need: null },
  { code: 'utility-insecurity', display: 'Utility Insecurity', need: null },
  { code: 'incarceration-status', display: 'Incarceration Status', need: null },
  { code: 'language-access', display: 'Language Status', need: null },
  { code: 'protective-factor', display: 'Protective Factor', need: null },
];

/** The platform need a SNOMED CT concept means, if the table maps it. */
export function needForSnomed(code: string): NeedCode | undefined {
  return SNOMED_NEED_MAPPING.find((row) => row.code === code)?.need;
}

/** True for SNOMED CT codes that name the referral but no need (see SNOMED_GENERIC_REFERRAL_CODES). */
export function isGenericReferralCode(code: string): boolean {
  return SNOMED_GENERIC_REFERRAL_CODES.some((row) => row.code === code);
}

/**
 * The SDOH category row of a code: undefined when the code is not in the value set; a row with
 * `need: null` when the category is known but the platform has no such need.
 */
export function sdohCategory(code: string): SdohCategoryRow | undefined {
  return SDOH_CATEGORY_NEED_MAPPING.find((row) => row.code === code);
}
