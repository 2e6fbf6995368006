import {
  NEED_MAPPING_VERSION,
  SDOH_CATEGORY_NEED_MAPPING,
  SNOMED_GENERIC_REFERRAL_CODES,
  SNOMED_NEED_MAPPING,
  isGenericReferralCode,
  needForSnomed,
  sdohCategory,
} from './need-mapping';
import { NEED_CODES, NEED_TERMS, isKnownNeedCode } from './need-taxonomy';

/**
 * The SDOH category value set as published by the HL7 Gravity SDOH Clinical Care IG
 * (HL7/fhir-sdoh-clinicalcare, input/fsh/valuesets/SDOHCCValueSetSDOHCategory.fsh, every code from
 * SDOHCC-CodeSystemTemporaryCodes), copied by hand to check the mapping against it.
 */
const SDOHCC_CATEGORY_CODES = [
  'sdoh-category-unspecified',
  'food-insecurity',
  'housing-instability',
  'homelessness',
  'inadequate-housing',
  'transportation-insecurity',
  'financial-insecurity',
  'material-hardship',
  'educational-attainment',
  'employment-status',
  'veteran-status',
  'stress',
  'social-connection',
  'intimate-partner-violence',
  'elder-abuse',
  'personal-health-literacy',
  'health-insurance-coverage-status',
  'medical-cost-burden',
  'digital-literacy',
  'digital-access',
  'utility-insecurity',
  'incarceration-status',
  'language-access',
  'protective-factor',
];

// Verhoeff check digit (SNOMED CT ids end with one): catches a mistyped concept id.
const D = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  [1, 2, 3, 4, 0, 6, 7, 8, 9, 5],
  [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
  [3, 4, 0, 1, 2, 8, 9, 5, 6, 7],
  [4, 0, 1, 2, 3, 9, 5, 6, 7, 8],
  [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
  [6, 5, 9, 8, 7, 1, 0, 4, 3, 2],
  [7, 6, 5, 9, 8, 2, 1, 0, 4, 3],
  [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
  [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
];
// Position permutations: P[i] is the permutation P[1] applied i times.
const P1 = [1, 5, 7, 6, 2, 8, 3, 0, 9, 4];
const P: number[][] = [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]];
for (let i = 1; i < 8; i++) P.push(P[i - 1]!.map((x) => P1[x]!));
function verhoeffValid(id: string): boolean {
  let c = 0;
  [...id].reverse().forEach((ch, i) => {
    c = D[c]![P[i % 8]![Number(ch)]!]!;
  });
  return c === 0;
}

describe('need mapping', () => {
  it('is versioned by the date it was published', () => {
    expect(NEED_MAPPING_VERSION).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('lists every code of the SDOHCC SDOH category value set once, and no other', () => {
    const mapped = SDOH_CATEGORY_NEED_MAPPING.map((row) => row.code);
    expect(new Set(mapped).size).toBe(mapped.length);
    expect([...mapped].sort()).toEqual([...SDOHCC_CATEGORY_CODES].sort());
  });

  it('maps only to needs of the platform taxonomy', () => {
    const targets = [
      ...SDOH_CATEGORY_NEED_MAPPING.map((row) => row.need).filter((n) => n !== null),
      ...SNOMED_NEED_MAPPING.map((row) => row.need),
    ];
    for (const need of targets) expect(NEED_CODES).toContain(need);
  });

  it('holds well-formed SNOMED CT concept ids (check digit, concept partition), each once', () => {
    expect(verhoeffValid('73595001')).toBe(false); // the check itself catches a typo
    const ids = [...SNOMED_NEED_MAPPING, ...SNOMED_GENERIC_REFERRAL_CODES].map((row) => row.code);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) {
      expect({ id, valid: verhoeffValid(id) }).toEqual({ id, valid: true });
      // Partition identifier: 00 (core concept) or 10 (extension concept).
      expect(['00', '10']).toContain(id.slice(-3, -1));
      expect(isKnownNeedCode(id)).toBe(true);
    }
  });

  it('answers lookups: mapped, generic, unknown', () => {
    expect(needForSnomed('422650009')).toBe('sp-need-loneliness');
    expect(needForSnomed('733423003')).toBe('sp-need-food');
    expect(needForSnomed('871731000000106')).toBeUndefined();
    expect(isGenericReferralCode('871731000000106')).toBe(true);
    expect(isGenericReferralCode('422650009')).toBe(false);
    expect(sdohCategory('social-connection')?.need).toBe('sp-need-loneliness');
    expect(sdohCategory('transportation-insecurity')).toEqual({
      code: 'transportation-insecurity',
      display: 'Transportation Insecurity',
      need: null,
    });
    expect(sdohCategory('not-a-category')).toBeUndefined();
  });

  it('publishes the taxonomy with a name and description per code', () => {
    expect(NEED_CODES).toEqual(NEED_TERMS.map((t) => t.code));
    for (const term of NEED_TERMS) {
      expect(term.code).toMatch(/^sp-need-[a-z-]+$/);
      expect(term.name.length).toBeGreaterThan(0);
      expect(term.description.length).toBeGreaterThan(0);
    }
  });
});
