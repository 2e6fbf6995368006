import {
  NEED_MAPPING_VERSION,
  isGenericReferralCode,
  needForSnomed,
  sdohCategory,
  SDOHCC_TEMPORARY_CODES_SYSTEM,
} from '@sp/contracts';
import type { FieldExpressions } from '../field-expressions';
import { NEED_SYSTEM, SNOMED_CT } from '../fhir.constants';
import { list, text, type Json, type Problems } from '../fhir-json';
import { codings } from './references';

/**
 * A referral's needs, derived from every place the HL7 Gravity IG puts them, through the published
 * need mapping of @sp/contracts (NEED_MAPPING_VERSION): reasonCode, the Conditions given as
 * reasons, ServiceRequest.category (SDOH categories) and ServiceRequest.code. Each need remembers
 * the FHIRPath it came from, so a rule failing on `needs[i]` names the client's element.
 */

/** At most this many needs per referral (the referral.submitted contract's limit). */
export const MAX_NEEDS = 20;

export class DerivedNeeds {
  private readonly codes: string[] = [];

  constructor(private readonly expressions: FieldExpressions) {}

  /** Adds a need once (the first place it was found is the one named). */
  add(code: string, expression: string): void {
    if (this.codes.includes(code)) return;
    this.expressions.set(`needs[${this.codes.length}]`, expression);
    this.codes.push(code);
  }

  /**
   * A SNOMED CT concept that is a need: the platform need it maps to (if the table maps it), and
   * the concept itself as given, so a service listing either is matched.
   */
  addSnomed(code: string, expression: string): void {
    const mapped = needForSnomed(code);
    if (mapped !== undefined) this.add(mapped, expression);
    this.add(code, expression);
  }

  get list(): string[] {
    return [...this.codes];
  }
}

/** reasonCode: each needs a SNOMED CT or platform need coding (the first one is read). */
export function needsFromReasonCode(sr: Json, path: string, problems: Problems, into: DerivedNeeds): void {
  const reasons = list(sr.reasonCode, `${path}.reasonCode`, problems);
  reasons.forEach((reason, i) => {
    const all = codings(reason);
    const k = all.findIndex((c) => (c.system === SNOMED_CT || c.system === NEED_SYSTEM) && text(c.code));
    if (k === -1) {
      problems.add(
        `${path}.reasonCode[${i}]`,
        'code-invalid',
        `Each reasonCode needs a coding from ${SNOMED_CT} or ${NEED_SYSTEM}`,
      );
      return;
    }
    const code = text(all[k]?.code) ?? '';
    const at = `${path}.reasonCode[${i}].coding[${k}].code`;
    if (all[k]?.system === SNOMED_CT) into.addSnomed(code, at);
    else into.add(code, at);
  });
}

/**
 * SDOH categories (SDOHCC temporary codes) of a ServiceRequest or Condition: each maps to a
 * platform need or to none (the category is known, the platform has no such need). A code of that
 * system outside the SDOH category value set is refused: it is a typo or not a category.
 * Other category codings (SNOMED CT `Social service procedure`, `health-concern`) add no need.
 */
export function needsFromCategories(
  resource: Json,
  path: string,
  problems: Problems,
  into: DerivedNeeds,
): void {
  list(resource.category, `${path}.category`, problems).forEach((category, i) => {
    codings(category).forEach((c, k) => {
      if (c.system !== SDOHCC_TEMPORARY_CODES_SYSTEM) return;
      const code = text(c.code) ?? '';
      const row = sdohCategory(code);
      const at = `${path}.category[${i}].coding[${k}].code`;
      if (!row)
        problems.add(
          at,
          'code-invalid',
          `"${code}" is not in the SDOH category value set (${SDOHCC_TEMPORARY_CODES_SYSTEM})`,
        );
      else if (row.need !== null) into.add(row.need, at);
    });
  });
}

/**
 * ServiceRequest.code: a need-specific procedure of the mapping adds its need. A generic referral
 * code (Referral to social prescribing service) or an unmapped procedure adds none: a procedure is
 * what is asked for, not a need, so it is not kept as one.
 */
export function needsFromRequestCode(sr: Json, path: string, into: DerivedNeeds): void {
  codings(sr.code).forEach((c, k) => {
    const code = text(c.code);
    if (c.system !== SNOMED_CT || code === undefined || isGenericReferralCode(code)) return;
    const mapped = needForSnomed(code);
    if (mapped !== undefined) into.add(mapped, `${path}.code.coding[${k}].code`);
  });
}

/** The refusal when nothing in the request says what the patient needs. */
export function noNeedProblem(path: string, problems: Problems): void {
  problems.required(
    `${path}.reasonCode`,
    `At least one need is required: a reasonCode (${SNOMED_CT} or ${NEED_SYSTEM}), a Condition in reasonReference coded in ${SNOMED_CT}, ` +
      `a category from the SDOH category value set that maps to a platform need, or a need-specific ServiceRequest.code (need mapping ${NEED_MAPPING_VERSION})`,
  );
}
