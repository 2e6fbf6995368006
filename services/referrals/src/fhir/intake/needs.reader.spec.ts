import { NEED_MAPPING_VERSION, SDOHCC_TEMPORARY_CODES_SYSTEM } from '@sp/contracts';
import { FieldExpressions } from '../field-expressions';
import { NEED_SYSTEM, SNOMED_CT } from '../fhir.constants';
import { Problems } from '../fhir-json';
import {
  DerivedNeeds,
  needsFromCategories,
  needsFromReasonCode,
  needsFromRequestCode,
  noNeedProblem,
} from './needs.reader';

const at = 'ServiceRequest';
function setUp() {
  const expressions = new FieldExpressions(at);
  return { expressions, needs: new DerivedNeeds(expressions), problems: new Problems() };
}

describe('needs reader', () => {
  it('keeps each need once, naming the first place it was found', () => {
    const { expressions, needs } = setUp();
    needs.add('sp-need-food', 'A');
    needs.add('sp-need-food', 'B');
    needs.addSnomed('422650009', 'C'); // Social isolation: mapped need, and the concept as given
    expect(needs.list).toEqual(['sp-need-food', 'sp-need-loneliness', '422650009']);
    expect([0, 1, 2].map((i) => expressions.expressionFor(`needs[${i}]`))).toEqual(['A', 'C', 'C']);
  });

  it('keeps an unmapped SNOMED CT concept as given', () => {
    const { needs } = setUp();
    needs.addSnomed('160695008', 'X');
    expect(needs.list).toEqual(['160695008']);
  });

  it('reads reasonCode in our need system or SNOMED CT and refuses any other coding', () => {
    const { needs, problems } = setUp();
    needsFromReasonCode(
      {
        reasonCode: [
          { coding: [{ system: NEED_SYSTEM, code: 'sp-need-debt' }] },
          { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10', code: 'Z59.0' }] },
          { coding: [{ system: SNOMED_CT, code: '73595000' }] },
        ],
      },
      at,
      problems,
      needs,
    );
    expect(needs.list).toEqual(['sp-need-debt', 'sp-need-mental-wellbeing', '73595000']);
    expect(problems.list).toEqual([
      expect.objectContaining({ field: `${at}.reasonCode[1]`, code: 'code-invalid' }),
    ]);
  });

  it('maps SDOH categories, ignores other category codings and categories without a platform need', () => {
    const { needs, problems } = setUp();
    needsFromCategories(
      {
        category: [
          { coding: [{ system: SNOMED_CT, code: '410606002' }] },
          { coding: [{ system: SDOHCC_TEMPORARY_CODES_SYSTEM, code: 'housing-instability' }] },
          { coding: [{ system: SDOHCC_TEMPORARY_CODES_SYSTEM, code: 'veteran-status' }] },
          { coding: [{ system: SDOHCC_TEMPORARY_CODES_SYSTEM, code: 'housing-unstable' }] },
        ],
      },
      at,
      problems,
      needs,
    );
    expect(needs.list).toEqual(['sp-need-housing']);
    expect(problems.list).toEqual([
      expect.objectContaining({ field: `${at}.category[3].coding[0].code`, code: 'code-invalid' }),
    ]);
  });

  it('takes a need from a need-specific procedure only, never from a generic or unmapped one', () => {
    const { needs } = setUp();
    needsFromRequestCode(
      {
        code: {
          coding: [
            { system: SNOMED_CT, code: '871731000000106' },
            { system: SNOMED_CT, code: '306206005' },
            { system: SNOMED_CT, code: '467771000124109' },
          ],
        },
      },
      at,
      needs,
    );
    expect(needs.list).toEqual(['sp-need-food']);
  });

  it('refuses a referral with no need, naming the mapping version', () => {
    const { problems } = setUp();
    noNeedProblem(at, problems);
    expect(problems.list).toEqual([expect.objectContaining({ field: `${at}.reasonCode`, code: 'required' })]);
    expect(problems.list[0]?.message).toContain(NEED_MAPPING_VERSION);
  });
});
