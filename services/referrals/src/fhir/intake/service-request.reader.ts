import { SDOHCC_TEMPORARY_CODES_SYSTEM } from '@sp/contracts';
import type { Priority } from '../../referrals/referral.entity';
import type { FieldExpressions } from '../field-expressions';
import { ELEMENTS } from '../fhir-elements';
import {
  DIRECTORY_SERVICE_SYSTEM,
  DO_NOT_CONTACT_CODE,
  ODS_CODE_SYSTEM,
  ORDER_DETAIL_SYSTEM,
} from '../fhir.constants';
import { isObject, list, text, unknownElements, type Json, type Problems } from '../fhir-json';
import { codings, ID, idFromReference, identifierValue, type Scope } from './references';

/** The elements of a ServiceRequest read the same way for a new referral and an onward one. */

const PRIORITIES: readonly Priority[] = ['routine', 'urgent', 'asap', 'stat'];
/** SDOHCC temporary code: the subject does not want to be contacted about this request. */
export const SDOHCC_CONTACTING_SUBJECT_PROHIBITED = 'contacting-subject-prohibited';

export function readRequesterOds(
  ref: unknown,
  path: string,
  scope: Scope,
  problems: Problems,
): string | undefined {
  if (!isObject(ref)) {
    problems.required(path, 'The referring organisation (requester) is required');
    return undefined;
  }
  if (isObject(ref.identifier)) {
    const value = text(ref.identifier.value);
    if (ref.identifier.system === ODS_CODE_SYSTEM && value !== undefined) return value;
    problems.add(
      `${path}.identifier`,
      'value',
      `The requester must be identified by ODS code (${ODS_CODE_SYSTEM})`,
    );
    return undefined;
  }
  const reference = text(ref.reference);
  const found = reference !== undefined ? scope.resolve(reference) : undefined;
  const ods = found ? identifierValue(found.resource.identifier, ODS_CODE_SYSTEM) : undefined;
  if (found?.resource.resourceType === 'Organization' && ods) return ods.value;
  problems.add(
    path,
    'value',
    `The requester must be an Organization identified by ODS code (${ODS_CODE_SYSTEM})`,
  );
  return undefined;
}

/** HealthcareService/<id>, or an identifier in the directory's system; undefined (open referral) when absent. */
export function readPerformer(
  sr: Json,
  path: string,
  scope: Scope,
  problems: Problems,
): { serviceId?: string; invalid: boolean } {
  const performers = list(sr.performer, `${path}.performer`, problems);
  if (performers.length === 0) return { invalid: false };
  if (performers.length > 1) {
    problems.add(
      `${path}.performer`,
      'not-supported',
      'A referral is addressed to one service (one performer)',
    );
    return { invalid: true };
  }
  const ref = performers[0];
  const at = `${path}.performer[0]`;
  let serviceId: string | undefined;
  if (isObject(ref)) {
    const reference = text(ref.reference);
    if (reference !== undefined) {
      serviceId = idFromReference(reference, 'HealthcareService');
      const found = serviceId === undefined ? scope.resolve(reference) : undefined;
      if (found?.resource.resourceType === 'HealthcareService')
        serviceId = identifierValue(found.resource.identifier, DIRECTORY_SERVICE_SYSTEM)?.value;
    } else if (isObject(ref.identifier) && ref.identifier.system === DIRECTORY_SERVICE_SYSTEM) {
      serviceId = text(ref.identifier.value);
    }
  }
  if (serviceId === undefined || !ID.test(serviceId)) {
    problems.add(
      at,
      'value',
      `The performer must be a directory service: HealthcareService/<id> or an identifier with system ${DIRECTORY_SERVICE_SYSTEM}`,
    );
    return { invalid: true };
  }
  return { serviceId, invalid: false };
}

export function readPriority(
  sr: Json,
  path: string,
  problems: Problems,
  expressions: FieldExpressions,
): Priority {
  expressions.set('priority', `${path}.priority`);
  if (sr.priority === undefined) return 'routine';
  if (PRIORITIES.includes(sr.priority as Priority)) return sr.priority as Priority;
  problems.add(`${path}.priority`, 'value', `priority must be one of ${PRIORITIES.join(', ')}`);
  return 'routine';
}

export function readNote(
  sr: Json,
  path: string,
  problems: Problems,
  expressions: FieldExpressions,
): string | undefined {
  expressions.set('note', `${path}.note`);
  const notes = list(sr.note, `${path}.note`, problems)
    .map((n) => (isObject(n) ? text(n.text) : undefined))
    .filter((n): n is string => n !== undefined);
  return notes.length > 0 ? notes.join('\n') : undefined;
}

/**
 * Do not contact the patient: our own order detail, or Gravity's SDOHCC `contacting-subject-prohibited`
 * (the SDOHCC ServiceRequest's orderDetail slice for it).
 */
export function readDoNotContact(sr: Json, path: string, problems: Problems): boolean {
  return list(sr.orderDetail, `${path}.orderDetail`, problems).some((detail) =>
    codings(detail).some(
      (c) =>
        (c.system === ORDER_DETAIL_SYSTEM && c.code === DO_NOT_CONTACT_CODE) ||
        (c.system === SDOHCC_TEMPORARY_CODES_SYSTEM && c.code === SDOHCC_CONTACTING_SUBJECT_PROHIBITED),
    ),
  );
}

export function readIdentifiers(
  sr: Json,
  path: string,
  problems: Problems,
): { system: string; value: string }[] {
  const out: { system: string; value: string }[] = [];
  list(sr.identifier, `${path}.identifier`, problems).forEach((id, i) => {
    const system = isObject(id) ? text(id.system) : undefined;
    const value = isObject(id) ? text(id.value) : undefined;
    if (system === undefined || value === undefined)
      problems.add(
        `${path}.identifier[${i}]`,
        'required',
        'A business identifier needs a system and a value',
      );
    else out.push({ system, value });
  });
  return out;
}

export function checkCommonRequest(sr: Json, path: string, problems: Problems): void {
  unknownElements(sr, ELEMENTS.ServiceRequest, path, problems);
  if (sr.status === undefined) problems.required(`${path}.status`);
  else if (sr.status !== 'active')
    problems.add(`${path}.status`, 'value', 'A new referral must have status active');
  if (sr.intent === undefined) problems.required(`${path}.intent`);
  else if (sr.intent !== 'order') problems.add(`${path}.intent`, 'value', 'intent must be order');
  if (sr.doNotPerform === true)
    problems.add(
      `${path}.doNotPerform`,
      'not-supported',
      'A request not to perform a service is not a referral',
    );
}

/** The parent referral of an onward referral (basedOn); '' when basedOn is unreadable. */
export function parentOf(sr: Json, path: string, problems: Problems): string | undefined {
  const basedOn = list(sr.basedOn, `${path}.basedOn`, problems);
  if (basedOn.length === 0) return undefined;
  const reference = isObject(basedOn[0]) ? text(basedOn[0].reference) : undefined;
  const id = reference !== undefined ? idFromReference(reference, 'ServiceRequest') : undefined;
  if (basedOn.length > 1 || id === undefined) {
    problems.add(`${path}.basedOn`, 'value', 'An onward referral is basedOn one parent: ServiceRequest/<id>');
    return '';
  }
  return id;
}

/** The rejected onward referral a re-route replaces. */
export function replacedOf(
  sr: Json,
  path: string,
  problems: Problems,
  expressions?: FieldExpressions,
): string | undefined {
  expressions?.set('rejectedChildId', `${path}.replaces`);
  const replaces = list(sr.replaces, `${path}.replaces`, problems);
  if (replaces.length === 0) return undefined;
  const reference = isObject(replaces[0]) ? text(replaces[0].reference) : undefined;
  const id = reference !== undefined ? idFromReference(reference, 'ServiceRequest') : undefined;
  if (replaces.length > 1 || id === undefined) {
    problems.add(
      `${path}.replaces`,
      'value',
      'A re-route replaces one rejected onward referral: ServiceRequest/<id>',
    );
    return undefined;
  }
  return id;
}
