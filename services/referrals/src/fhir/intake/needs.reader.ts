import type { FieldExpressions } from '../field-expressions';
import { NEED_SYSTEM, SNOMED_CT } from '../fhir.constants';
import { list, text, type Json, type Problems } from '../fhir-json';
import { codings } from './references';

/** ServiceRequest.reasonCode -> the referral's coded needs. */
export function readNeeds(
  sr: Json,
  path: string,
  problems: Problems,
  expressions: FieldExpressions,
  required: boolean,
): string[] {
  const reasons = list(sr.reasonCode, `${path}.reasonCode`, problems);
  expressions.set('needs', `${path}.reasonCode`);
  if (reasons.length === 0) {
    if (required)
      problems.required(
        `${path}.reasonCode`,
        `At least one need is required (reasonCode coded in ${SNOMED_CT} or ${NEED_SYSTEM})`,
      );
    return [];
  }
  const needs: string[] = [];
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
    expressions.set(`needs[${needs.length}]`, `${path}.reasonCode[${i}].coding[${k}].code`);
    needs.push(text(all[k]?.code) ?? '');
  });
  return needs;
}
