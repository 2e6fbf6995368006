import { Type } from '@sinclair/typebox';
import { StringEnum } from '../events/fields.schema';

/**
 * Coarse, non-identifying population codes that referral events carry for analytics (equity and
 * outcome reporting). None of them identifies a person: an age band instead of a birth date, a
 * deprivation decile instead of a postcode. Shared vocabulary: producers and consumers import it
 * from here and nowhere else.
 */

/** Age bands at submission, as used in NHS population statistics (the last one open-ended). */
export const AGE_BANDS = [
  '0-17',
  '18-24',
  '25-34',
  '35-44',
  '45-54',
  '55-64',
  '65-74',
  '75-84',
  '85+',
] as const;
export type AgeBand = (typeof AGE_BANDS)[number];

/** The age band of someone aged `age` whole years (negative ages are refused before this). */
export function ageBandOf(age: number): AgeBand {
  if (age < 18) return '0-17';
  if (age < 25) return '18-24';
  if (age >= 85) return '85+';
  const lower = Math.floor((age - 25) / 10) * 10 + 25;
  return `${lower}-${lower + 9}` as AgeBand;
}

/** FHIR AdministrativeGender (http://hl7.org/fhir/administrative-gender): the sex recorded at intake. */
export const SEX_CODES = ['female', 'male', 'other', 'unknown'] as const;
export type SexCode = (typeof SEX_CODES)[number];

/**
 * NHS Data Dictionary ETHNIC CATEGORY (2001 census categories; the UK Core
 * UKCore-EthnicCategoryEngland code system): A-S a stated category, Z not stated, 99 not known.
 */
export const ETHNIC_CATEGORIES = [
  'A', // White - British
  'B', // White - Irish
  'C', // White - Any other White background
  'D', // Mixed - White and Black Caribbean
  'E', // Mixed - White and Black African
  'F', // Mixed - White and Asian
  'G', // Mixed - Any other mixed background
  'H', // Asian or Asian British - Indian
  'J', // Asian or Asian British - Pakistani
  'K', // Asian or Asian British - Bangladeshi
  'L', // Asian or Asian British - Any other Asian background
  'M', // Black or Black British - Caribbean
  'N', // Black or Black British - African
  'P', // Black or Black British - Any other Black background
  'R', // Other Ethnic Groups - Chinese
  'S', // Other Ethnic Groups - Any other ethnic group
  'Z', // Not stated
  '99', // Not known
] as const;
export type EthnicCategory = (typeof ETHNIC_CATEGORIES)[number];

/** Display names of the ethnic categories (NHS Data Dictionary). */
export const ETHNIC_CATEGORY_NAMES: Record<EthnicCategory, string> = {
  A: 'White - British',
  B: 'White - Irish',
  C: 'White - Any other White background',
  D: 'Mixed - White and Black Caribbean',
  E: 'Mixed - White and Black African',
  F: 'Mixed - White and Asian',
  G: 'Mixed - Any other mixed background',
  H: 'Asian or Asian British - Indian',
  J: 'Asian or Asian British - Pakistani',
  K: 'Asian or Asian British - Bangladeshi',
  L: 'Asian or Asian British - Any other Asian background',
  M: 'Black or Black British - Caribbean',
  N: 'Black or Black British - African',
  P: 'Black or Black British - Any other Black background',
  R: 'Other Ethnic Groups - Chinese',
  S: 'Other Ethnic Groups - Any other ethnic group',
  Z: 'Not stated',
  '99': 'Not known',
};

/** Index of Multiple Deprivation 2019 deciles: 1 the most deprived tenth of LSOAs in England, 10 the least. */
export const IMD_DECILES = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] as const;
export type ImdDecile = (typeof IMD_DECILES)[number];

/** The population codes of one referral, as events carry them. */
export const PopulationCodes = () =>
  Type.Object(
    {
      ageBand: StringEnum(AGE_BANDS, { description: 'Age band of the patient on the day of submission' }),
      sex: StringEnum(SEX_CODES, {
        description: 'Sex as recorded at intake (FHIR AdministrativeGender); unknown when not given',
      }),
      imdDecile: Type.Optional(
        Type.Integer({
          minimum: 1,
          maximum: 10,
          description:
            "IMD 2019 decile of the LSOA of the patient's postcode (1 most deprived); absent when no postcode was given or it is not in the deprivation table. The postcode itself never leaves the referrals service.",
        }),
      ),
      ethnicCategory: Type.Optional(
        StringEnum(ETHNIC_CATEGORIES, { description: 'NHS ethnic category code, when recorded at intake' }),
      ),
    },
    {
      additionalProperties: false,
      description:
        'Coarse, non-identifying population codes for equity reporting (never a birth date or postcode)',
    },
  );
