import type { FieldExpressions } from '../field-expressions';
import { ELEMENTS } from '../fhir-elements';
import { CONSENT_SCOPE_CODE } from '../fhir.constants';
import { isObject, list, text, unknownElements, type Problems } from '../fhir-json';
import { resolvePatient, samePatient } from './patient.reader';
import { codings, DATE, DATE_TIME, type Located, type Scope } from './references';

/** FHIR Consent -> the referral's consent to share with the receiving service. */

export interface ConsentFacts {
  given: boolean;
  recordedBy: string;
  recordedAt: string;
  scope: string;
}

export const NO_CONSENT: ConsentFacts = {
  given: false,
  recordedBy: '',
  recordedAt: '',
  scope: CONSENT_SCOPE_CODE,
};

function actorName(ref: unknown): string | undefined {
  if (!isObject(ref)) return undefined;
  if (isObject(ref.identifier)) {
    const value = text(ref.identifier.value);
    if (value !== undefined) return value;
  }
  return text(ref.display) ?? text(ref.reference);
}

export function readConsent(
  c: Located,
  patient: Located | undefined,
  scope: Scope,
  problems: Problems,
  expressions: FieldExpressions,
): ConsentFacts {
  const { resource, path } = c;
  unknownElements(resource, ELEMENTS.Consent, path, problems);
  expressions.set('consent', path);
  expressions.set('consent.given', `${path}.status`);
  expressions.set('consent.recordedAt', `${path}.dateTime`);
  expressions.set('consent.recordedBy', `${path}.performer`);
  expressions.set('consent.scope', `${path}.scope`);

  const status = text(resource.status);
  if (status === undefined) problems.required(`${path}.status`, 'Consent.status is required');
  const provision = isObject(resource.provision) ? resource.provision : undefined;
  const given = status === 'active' && provision?.type !== 'deny';

  let recordedAt = text(resource.dateTime);
  if (recordedAt === undefined)
    problems.required(`${path}.dateTime`, 'When consent was recorded is required');
  else if (DATE.test(recordedAt)) recordedAt = `${recordedAt}T00:00:00Z`;
  else if (!DATE_TIME.test(recordedAt) || Number.isNaN(Date.parse(recordedAt)))
    problems.add(`${path}.dateTime`, 'value', 'Consent.dateTime must be a FHIR dateTime');

  const performers = list(resource.performer, `${path}.performer`, problems);
  const organisations = list(resource.organization, `${path}.organization`, problems);
  const recordedBy = actorName(performers[0]) ?? actorName(organisations[0]);
  if (recordedBy === undefined)
    problems.required(`${path}.performer`, 'Who recorded the consent is required (Consent.performer)');

  if (!isObject(resource.scope) || codings(resource.scope).length === 0)
    problems.required(`${path}.scope`, 'Consent.scope is required');
  if (list(resource.category, `${path}.category`, problems).length === 0)
    problems.required(`${path}.category`, 'Consent.category is required');

  if (resource.patient !== undefined && patient) {
    const designated = resolvePatient(resource.patient, `${path}.patient`, scope, problems);
    if (designated && !samePatient(designated, patient))
      problems.add(`${path}.patient`, 'value', "The consent is not the referred patient's");
  }
  return { given, recordedBy: recordedBy ?? '', recordedAt: recordedAt ?? '', scope: CONSENT_SCOPE_CODE };
}
