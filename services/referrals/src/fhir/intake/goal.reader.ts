import type { CodedConcept } from '../../referrals/referral.entity';
import { isObject, list, RESOURCE_ELEMENTS, text, unknownElements, type Problems } from '../fhir-json';
import { readConcept } from './codeable-concept';
import { checkSubject } from './patient.reader';
import type { Located, Scope } from './references';

/** FHIR R4 Goal elements (anything else is refused as a typo). */
export const GOAL_ELEMENTS = [
  ...RESOURCE_ELEMENTS,
  'identifier',
  'lifecycleStatus',
  'achievementStatus',
  'category',
  'priority',
  'description',
  'subject',
  'startDate',
  'startCodeableConcept',
  'target',
  'statusDate',
  'statusReason',
  'expressedBy',
  'addresses',
  'note',
  'outcomeCode',
  'outcomeReference',
] as const;

/**
 * A Goal sent with the referral (Gravity SDOHCC Goal, e.g. SNOMED CT 1078229009 |Food security|):
 * its description is stored; the Conditions it addresses are returned to be read as reasons.
 */
export function readGoal(
  g: Located,
  patient: Located | undefined,
  scope: Scope,
  problems: Problems,
): { description?: CodedConcept; addresses: { reference: string; path: string }[] } {
  const { resource, path } = g;
  unknownElements(resource, GOAL_ELEMENTS, path, problems);
  checkSubject(resource.subject, `${path}.subject`, patient, scope, problems, 'The Goal');
  const description = readConcept(resource.description);
  if (description === undefined)
    problems.required(`${path}.description`, 'Goal.description is required (coded, or text)');
  const addresses = list(resource.addresses, `${path}.addresses`, problems).flatMap((a, i) => {
    const reference = isObject(a) ? text(a.reference) : undefined;
    return reference !== undefined ? [{ reference, path: `${path}.addresses[${i}]` }] : [];
  });
  return { ...(description !== undefined ? { description } : {}), addresses };
}
