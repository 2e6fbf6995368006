import type { CodedConcept } from '../../referrals/referral.entity';
import { isObject, list, text, type Problems } from '../fhir-json';
import { readCondition } from './condition.reader';
import { readGoal } from './goal.reader';
import type { DerivedNeeds } from './needs.reader';
import { resolveFrom, type Located, type Scope } from './references';

/** The extension by which a Gravity ServiceRequest names the Goal it pertains to. */
export const PERTAINS_TO_GOAL = 'http://hl7.org/fhir/StructureDefinition/resource-pertainsToGoal';

export interface ReasonsRead {
  /** The Consent referenced from supportingInfo (the first). */
  consent?: Located;
  conditions: CodedConcept[];
  goals: CodedConcept[];
  /** Every Condition and Goal read (a transaction refuses the ones nothing references). */
  used: Located[];
}

/**
 * What a ServiceRequest references as its reasons and support: Conditions (reasonReference, or
 * supportingInfo, or addressed by a Goal), Goals (supportingInfo or the pertainsToGoal extension)
 * and the Consent (supportingInfo). Each is read once, from the payload (Bundle entries or
 * resources contained in the ServiceRequest). A reference that does not resolve is refused: the
 * referral cannot be understood without what it points at.
 */
export function readReasons(
  sr: Located,
  patient: Located | undefined,
  scope: Scope,
  problems: Problems,
  needs: DerivedNeeds,
  options: { supportingInfo: boolean },
): ReasonsRead {
  const { resource, path } = sr;
  const out: ReasonsRead = { conditions: [], goals: [], used: [] };
  const seen = (l: Located) => out.used.some((u) => u.resource === l.resource);

  const condition = (found: Located) => {
    if (seen(found)) return;
    out.used.push(found);
    const code = readCondition(found, patient, scope, problems, needs);
    if (code) out.conditions.push(code);
  };
  const goal = (found: Located) => {
    if (seen(found)) return;
    out.used.push(found);
    const read = readGoal(found, patient, scope, problems);
    if (read.description) out.goals.push(read.description);
    for (const a of read.addresses) {
      const addressed = resolveFrom(found, a.reference, scope) ?? resolveFrom(sr, a.reference, scope);
      // A Goal may address what was not sent (an Observation, a server Condition): not a reason here.
      if (addressed?.resource.resourceType === 'Condition') condition(addressed);
    }
  };
  const resolve = (ref: unknown, at: string): Located | undefined => {
    const reference = isObject(ref) ? text(ref.reference) : undefined;
    if (reference === undefined) {
      problems.required(`${at}.reference`, 'A reference to a resource sent in this request is required');
      return undefined;
    }
    const found = resolveFrom(sr, reference, scope);
    if (!found) problems.add(at, 'value', `${reference} does not resolve to a resource sent in this request`);
    return found;
  };

  list(resource.reasonReference, `${path}.reasonReference`, problems).forEach((ref, i) => {
    const at = `${path}.reasonReference[${i}]`;
    const found = resolve(ref, at);
    if (!found) return;
    if (found.resource.resourceType === 'Condition') condition(found);
    else
      problems.add(
        at,
        'not-supported',
        `A reason must be a Condition (health concern), not ${String(found.resource.resourceType)}`,
      );
  });

  list(resource.extension, `${path}.extension`, problems).forEach((ext, i) => {
    if (!isObject(ext) || ext.url !== PERTAINS_TO_GOAL) return;
    const at = `${path}.extension[${i}].valueReference`;
    const found = resolve(ext.valueReference, at);
    if (found && found.resource.resourceType !== 'Goal')
      problems.add(at, 'value', 'pertainsToGoal must reference a Goal');
    else if (found) goal(found);
  });

  if (options.supportingInfo)
    list(resource.supportingInfo, `${path}.supportingInfo`, problems).forEach((info, i) => {
      const at = `${path}.supportingInfo[${i}]`;
      const found = resolve(info, at);
      const type = found?.resource.resourceType;
      if (!found) return;
      if (type === 'Consent') out.consent ??= found;
      else if (type === 'Goal') goal(found);
      else if (type === 'Condition') condition(found);
      else
        problems.add(
          at,
          'not-supported',
          `supportingInfo may reference a Consent, a Goal or a Condition, not ${String(type)}`,
        );
    });
  return out;
}
