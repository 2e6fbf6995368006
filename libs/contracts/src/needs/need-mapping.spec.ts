import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  NEED_MAPPING_VERSION,
  SDOHCC_CATEGORY_VALUE_SET,
  SDOHCC_TEMPORARY_CODES_SYSTEM,
  SDOH_CATEGORY_NEED_MAPPING,
  SNOMED_GENERIC_REFERRAL_CODES,
  SNOMED_NEED_MAPPING,
  isGenericReferralCode,
  needForSnomed,
  sdohCategory,
} from './need-mapping';
import { NEED_CODES, NEED_TERMS, isKnownNeedCode } from './need-taxonomy';

interface PinnedCodeSystem {
  url: string;
  concept: { code: string; display: string }[];
}
interface PinnedValueSet {
  url: string;
  compose: { include: { system: string; concept: { code: string; display: string }[] }[] };
}

/** The Gravity terminology pinned in the project tree (standards/gravity, from the IG source, CC0). */
const GRAVITY = join(__dirname, '../../../../standards/gravity');
const pinned = <T>(file: string): T => JSON.parse(readFileSync(join(GRAVITY, file), 'utf8')) as T;
const temporaryCodes = pinned<PinnedCodeSystem>('CodeSystem-SDOHCC-CodeSystemTemporaryCodes.json');
const categoryValueSet = pinned<PinnedValueSet>('ValueSet-SDOHCC-ValueSetSDOHCategory.json');
const categoryInclude = categoryValueSet.compose.include.filter(
  (inc) => inc.system === SDOHCC_TEMPORARY_CODES_SYSTEM,
);
const SDOHCC_CATEGORY_CODES = categoryInclude.flatMap((inc) => inc.concept.map((c) => c.code));

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

  it('reads the pinned Gravity code system and category value set it maps from', () => {
    expect(temporaryCodes.url).toBe(SDOHCC_TEMPORARY_CODES_SYSTEM);
    expect(categoryValueSet.url).toBe(SDOHCC_CATEGORY_VALUE_SET);
    expect(SDOHCC_CATEGORY_CODES.length).toBeGreaterThan(20);
  });

  it('maps codes that exist in the pinned SDOHCC code system, with their published display', () => {
    for (const row of SDOH_CATEGORY_NEED_MAPPING) {
      const concept = temporaryCodes.concept.find((c) => c.code === row.code);
      expect({ code: row.code, display: concept?.display }).toEqual({ code: row.code, display: row.display });
    }
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

  it('is published as it is: docs/need-mapping.md shows this version and every row', () => {
    const doc = readFileSync(join(__dirname, '../../../../docs/need-mapping.md'), 'utf8');
    const cells = (line: string) => line.split('|').map((c) => c.trim().replace(/`/g, ''));
    const rows = doc
      .split('\n')
      .filter((l) => l.startsWith('|'))
      .map(cells);
    const has = (...values: string[]) => rows.some((r) => values.every((v, i) => r[i + 1] === v));
    expect(doc).toContain(`version ${NEED_MAPPING_VERSION}`);
    for (const row of SNOMED_NEED_MAPPING)
      expect({ row, published: has(row.code, row.display, row.kind, row.need) }).toEqual({
        row,
        published: true,
      });
    for (const row of SDOH_CATEGORY_NEED_MAPPING)
      expect({ row, published: has(row.code, row.display, row.need ?? 'none') }).toEqual({
        row,
        published: true,
      });
    for (const row of SNOMED_GENERIC_REFERRAL_CODES) expect(has(row.code, row.display)).toBe(true);
  });
});
