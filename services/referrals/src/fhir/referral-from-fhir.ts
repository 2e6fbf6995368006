import { ValidationError, type FieldProblem } from '@sp/errors';
import { intakeProblems, type Actor } from '../domain/referral-intake.rules';
import type { Priority } from '../referrals/referral.entity';
import type { OnwardReferralInput, ReferralIntake } from '../referrals/referral-operations';
import { FieldExpressions } from './field-expressions';
import { ELEMENTS } from './fhir-elements';
import {
  CONSENT_SCOPE_CODE,
  DIRECTORY_SERVICE_SYSTEM,
  DO_NOT_CONTACT_CODE,
  NEED_SYSTEM,
  NHS_NUMBER_SYSTEM,
  ODS_CODE_SYSTEM,
  ORDER_DETAIL_SYSTEM,
  SNOMED_CT,
  TASK_CODE_SYSTEM,
} from './fhir.constants';
import { isObject, list, Problems, text, unknownElements, type Json } from './fhir-json';
import { parseIfNoneExist, type ConditionalCreate } from './if-none-exist';

/**
 * FHIR R4 -> the referral model. Reads a transaction Bundle (HL7 Gravity closed-loop referral:
 * Patient + ServiceRequest + Task + Consent, referencing each other by `urn:uuid` fullUrls) or a
 * single ServiceRequest (patient and consent contained), and returns either a new referral
 * (ReferralIntake) or onward referrals (ServiceRequest.basedOn a parent). Every problem is reported
 * at once with the FHIRPath of the offending element; nothing is partially accepted.
 * Pure code: no framework imports.
 */

/** A resource found in the payload, with the FHIRPath that reaches it. */
interface Located {
  resource: Json;
  path: string;
  /** Bundle entry index (transactions only). */
  entry?: number;
}

/** Resolves references between the resources of one payload. */
interface Scope {
  resolve(reference: string): Located | undefined;
  patients: Located[];
}

export interface ParsedIntake {
  kind: 'intake';
  intake: ReferralIntake;
  conditional?: ConditionalCreate;
  expressions: FieldExpressions;
  /** Transaction entry index of each resource (for the response Bundle). */
  entries: { serviceRequest?: number; patient?: number; task?: number; consent?: number };
}

export interface OnwardTarget {
  target: OnwardReferralInput['targets'][number];
  entries: { serviceRequest?: number; task?: number };
}

export interface ParsedOnward {
  kind: 'onward';
  parentReferralId: string;
  reroutedFromReferralId?: string;
  targets: OnwardTarget[];
  conditional?: ConditionalCreate;
  expressions: FieldExpressions;
}

export type ParsedReferral = ParsedIntake | ParsedOnward;

const PRIORITIES: readonly Priority[] = ['routine', 'urgent', 'asap', 'stat'];
const ID = /^[A-Za-z0-9._:-]{1,64}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

function fail(problems: Problems): never {
  throw new ValidationError(problems.list);
}

/** `ServiceRequest/abc` (optionally absolute or versioned) -> `abc` when the type matches. */
export function idFromReference(reference: string, type: string): string | undefined {
  const match = new RegExp(`(?:^|/)${type}/([A-Za-z0-9._:-]{1,64})(?:/_history/[^/]+)?$`).exec(reference);
  return match?.[1];
}

function identifierValue(identifiers: unknown, system: string): { value: string; index: number } | undefined {
  if (!Array.isArray(identifiers)) return undefined;
  for (const [index, id] of identifiers.entries()) {
    if (isObject(id) && id.system === system) {
      const value = text(id.value);
      if (value !== undefined) return { value, index };
    }
  }
  return undefined;
}

function codings(concept: unknown): Json[] {
  if (!isObject(concept) || !Array.isArray(concept.coding)) return [];
  return concept.coding.filter(isObject);
}

// ---- Patient --------------------------------------------------------------------------------

interface PatientFacts {
  nhsNumber: string;
  givenName: string;
  familyName: string;
  birthDate: string;
}

function readPatient(p: Located, problems: Problems, expressions: FieldExpressions): PatientFacts {
  const { resource, path } = p;
  unknownElements(resource, ELEMENTS.Patient, path, problems);
  const nhs = identifierValue(resource.identifier, NHS_NUMBER_SYSTEM);
  expressions.set('patient', path);
  if (nhs) expressions.set('patient.nhsNumber', `${path}.identifier[${nhs.index}].value`);
  else
    problems.required(
      `${path}.identifier`,
      `The patient needs an identifier with system ${NHS_NUMBER_SYSTEM}`,
    );

  const names = list(resource.name, `${path}.name`, problems);
  const nameIndex = Math.max(
    0,
    names.findIndex((n) => isObject(n) && n.use === 'official'),
  );
  const name = names[nameIndex];
  const namePath = `${path}.name[${nameIndex}]`;
  const familyName = isObject(name) ? text(name.family) : undefined;
  const givens = isObject(name) && Array.isArray(name.given) ? name.given.map(text).filter(Boolean) : [];
  const givenName = givens.length > 0 ? givens.join(' ') : undefined;
  expressions.set('patient.familyName', `${namePath}.family`);
  expressions.set('patient.givenName', `${namePath}.given`);
  if (!isObject(name)) problems.required(`${path}.name`, "The patient's name (family and given) is required");
  else {
    if (familyName === undefined)
      problems.required(`${namePath}.family`, "The patient's family name is required");
    if (givenName === undefined)
      problems.required(`${namePath}.given`, "The patient's given name is required");
  }

  const birthDate = text(resource.birthDate);
  expressions.set('patient.birthDate', `${path}.birthDate`);
  if (birthDate === undefined)
    problems.required(`${path}.birthDate`, "The patient's date of birth is required");
  else if (!DATE.test(birthDate) || Number.isNaN(Date.parse(`${birthDate}T00:00:00Z`)))
    problems.add(`${path}.birthDate`, 'value', 'The date of birth must be a full date (YYYY-MM-DD)');

  return {
    nhsNumber: nhs?.value ?? '',
    givenName: givenName ?? '',
    familyName: familyName ?? '',
    birthDate: birthDate ?? '',
  };
}

function nhsNumberOf(resource: Json): string | undefined {
  return identifierValue(resource.identifier, NHS_NUMBER_SYSTEM)?.value;
}

/** The Patient a reference designates: a resolvable reference, or an NHS number identifier matching a Patient sent alongside. */
function resolvePatient(ref: unknown, path: string, scope: Scope, problems: Problems): Located | undefined {
  if (!isObject(ref)) {
    problems.required(path, 'A reference to the patient is required');
    return undefined;
  }
  const reference = text(ref.reference);
  if (reference !== undefined) {
    const found = scope.resolve(reference);
    if (found && found.resource.resourceType === 'Patient') return found;
    problems.add(
      `${path}.reference`,
      'value',
      `${reference} does not resolve to a Patient sent in this request`,
    );
    return undefined;
  }
  if (isObject(ref.identifier)) {
    const value = text(ref.identifier.value);
    if (ref.identifier.system !== NHS_NUMBER_SYSTEM || value === undefined) {
      problems.add(
        `${path}.identifier`,
        'value',
        `A patient identifier must use the system ${NHS_NUMBER_SYSTEM}`,
      );
      return undefined;
    }
    const found = scope.patients.find((p) => nhsNumberOf(p.resource) === value);
    if (found) return found;
    problems.add(
      path,
      'required',
      "The patient's name and date of birth are needed at intake: send the Patient (contained as #patient, or as a Bundle entry) with this NHS number",
    );
    return undefined;
  }
  problems.required(path, 'A reference or an NHS number identifier for the patient is required');
  return undefined;
}

// ---- Consent ---------------------------------------------------------------------------------

interface ConsentFacts {
  given: boolean;
  recordedBy: string;
  recordedAt: string;
  scope: string;
}

function actorName(ref: unknown): string | undefined {
  if (!isObject(ref)) return undefined;
  if (isObject(ref.identifier)) {
    const value = text(ref.identifier.value);
    if (value !== undefined) return value;
  }
  return text(ref.display) ?? text(ref.reference);
}

function readConsent(
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
    if (
      designated &&
      designated.resource !== patient.resource &&
      nhsNumberOf(designated.resource) !== nhsNumberOf(patient.resource)
    )
      problems.add(`${path}.patient`, 'value', "The consent is not the referred patient's");
  }
  return { given, recordedBy: recordedBy ?? '', recordedAt: recordedAt ?? '', scope: CONSENT_SCOPE_CODE };
}

// ---- ServiceRequest ----------------------------------------------------------------------------

function readRequesterOds(ref: unknown, path: string, scope: Scope, problems: Problems): string | undefined {
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
function readPerformer(
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

function readNeeds(
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

function readPriority(sr: Json, path: string, problems: Problems, expressions: FieldExpressions): Priority {
  expressions.set('priority', `${path}.priority`);
  if (sr.priority === undefined) return 'routine';
  if (PRIORITIES.includes(sr.priority as Priority)) return sr.priority as Priority;
  problems.add(`${path}.priority`, 'value', `priority must be one of ${PRIORITIES.join(', ')}`);
  return 'routine';
}

function readNote(
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

function readDoNotContact(sr: Json, path: string, problems: Problems): boolean {
  return list(sr.orderDetail, `${path}.orderDetail`, problems).some((detail) =>
    codings(detail).some((c) => c.system === ORDER_DETAIL_SYSTEM && c.code === DO_NOT_CONTACT_CODE),
  );
}

function readIdentifiers(sr: Json, path: string, problems: Problems): { system: string; value: string }[] {
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

function checkCommonRequest(sr: Json, path: string, problems: Problems): void {
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

function parentOf(sr: Json, path: string, problems: Problems): string | undefined {
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

function consentOf(sr: Json, path: string, scope: Scope, problems: Problems): Located | undefined {
  const infos = list(sr.supportingInfo, `${path}.supportingInfo`, problems);
  for (const [i, info] of infos.entries()) {
    const reference = isObject(info) ? text(info.reference) : undefined;
    const found = reference !== undefined ? scope.resolve(reference) : undefined;
    if (found?.resource.resourceType === 'Consent') return found;
    if (reference !== undefined && !found)
      problems.add(
        `${path}.supportingInfo[${i}]`,
        'value',
        `${reference} does not resolve to a resource sent in this request`,
      );
  }
  return undefined;
}

/** A new referral from its ServiceRequest (patient and consent resolved within the payload). */
function readIntake(
  sr: Located,
  scope: Scope,
  problems: Problems,
  expressions: FieldExpressions,
  actor: Actor,
  now: Date,
): { intake: ReferralIntake; patient?: Located; consent?: Located } {
  const { resource, path } = sr;
  checkCommonRequest(resource, path, problems);
  const patientRef = resolvePatient(resource.subject, `${path}.subject`, scope, problems);
  const patient = patientRef
    ? readPatient(patientRef, problems, expressions)
    : { nhsNumber: '', givenName: '', familyName: '', birthDate: '' };
  expressions.set('requesterOdsCode', `${path}.requester`);
  const requesterOdsCode = readRequesterOds(resource.requester, `${path}.requester`, scope, problems) ?? '';
  expressions.set('targetServiceId', `${path}.performer`);
  const performer = readPerformer(resource, path, scope, problems);
  const needs = readNeeds(resource, path, problems, expressions, true);
  const priority = readPriority(resource, path, problems, expressions);
  const consentRef = consentOf(resource, path, scope, problems);
  expressions.set('consent', `${path}.supportingInfo`);
  let consent: ConsentFacts = { given: false, recordedBy: '', recordedAt: '', scope: CONSENT_SCOPE_CODE };
  if (consentRef) consent = readConsent(consentRef, patientRef, scope, problems, expressions);
  else
    problems.add(
      `${path}.supportingInfo`,
      'required',
      'Consent is required: reference a Consent (status active, dateTime, performer, scope) from supportingInfo',
    );
  const doNotContact = readDoNotContact(resource, path, problems);
  const note = readNote(resource, path, problems, expressions);
  const identifiers = readIdentifiers(resource, path, problems);
  expressions.set('identifiers', `${path}.identifier`);

  // The business rules too, so one answer names every failing field (skipping fields already reported).
  // Rules about a part that is missing altogether are left out: its absence is already reported.
  const rules = intakeProblems(
    { patient, requesterOdsCode, needs, consent: consentRef ? consent : { ...consent, given: true } },
    actor,
    now,
  ).filter(
    (p) => (patientRef || !p.field.startsWith('patient')) && (consentRef || !p.field.startsWith('consent')),
  );
  for (const p of expressions.translate(rules)) if (!problems.covers(p.field)) problems.list.push(p);

  const intake: ReferralIntake = {
    patient,
    requesterOdsCode,
    ...(performer.serviceId !== undefined ? { targetServiceId: performer.serviceId } : {}),
    needs,
    priority,
    consent,
    doNotContact,
    ...(note !== undefined ? { note } : {}),
    ...(identifiers.length > 0 ? { identifiers } : {}),
  };
  return {
    intake,
    ...(patientRef ? { patient: patientRef } : {}),
    ...(consentRef ? { consent: consentRef } : {}),
  };
}

function readOnwardTarget(
  sr: Located,
  scope: Scope,
  problems: Problems,
  expressions: FieldExpressions,
  index: number,
): OnwardReferralInput['targets'][number] {
  const { resource, path } = sr;
  checkCommonRequest(resource, path, problems);
  // The subject may be sent (Gravity does) but the parent's patient is the one referred.
  if (resource.supportingInfo !== undefined)
    problems.add(
      `${path}.supportingInfo`,
      'not-supported',
      "An onward referral carries the parent's consent; do not send it again",
    );
  const prefix = `targets[${index}]`;
  expressions.set(prefix, path);
  expressions.set(`${prefix}.targetServiceId`, `${path}.performer`);
  const performer = readPerformer(resource, path, scope, problems);
  if (performer.serviceId === undefined && !performer.invalid)
    problems.required(`${path}.performer`, 'An onward referral must name the directory service (performer)');
  const sub = new FieldExpressions(path);
  const needs = readNeeds(resource, path, problems, sub, false);
  needs.forEach((_, j) => expressions.set(`${prefix}.needs[${j}]`, sub.expressionFor(`needs[${j}]`)));
  const priority = resource.priority === undefined ? undefined : readPriority(resource, path, problems, sub);
  const note = readNote(resource, path, problems, sub);
  expressions.set(`${prefix}.priority`, `${path}.priority`);
  expressions.set(`${prefix}.note`, `${path}.note`);
  return {
    targetServiceId: performer.serviceId ?? '',
    ...(needs.length > 0 ? { needs } : {}),
    ...(priority !== undefined ? { priority } : {}),
    ...(note !== undefined ? { note } : {}),
  };
}

// ---- Task --------------------------------------------------------------------------------------

function checkTask(
  task: Located,
  sr: Located,
  patient: Located | undefined,
  parentReferralId: string | undefined,
  scope: Scope,
  problems: Problems,
): void {
  const { resource, path } = task;
  unknownElements(resource, ELEMENTS.Task, path, problems);
  if (resource.intent !== 'order') problems.add(`${path}.intent`, 'value', 'Task.intent must be order');
  if (resource.status !== 'requested')
    problems.add(`${path}.status`, 'value', 'A new referral Task must have status requested');
  if (
    resource.code !== undefined &&
    !codings(resource.code).some((c) => c.system === TASK_CODE_SYSTEM && c.code === 'fulfill')
  )
    problems.add(`${path}.code`, 'value', `Task.code must be fulfill (${TASK_CODE_SYSTEM})`);
  const focus = isObject(resource.focus) ? text(resource.focus.reference) : undefined;
  if (focus === undefined) problems.required(`${path}.focus`, 'Task.focus must reference the ServiceRequest');
  else if (scope.resolve(focus)?.resource !== sr.resource)
    problems.add(
      `${path}.focus`,
      'value',
      'Task.focus must reference the ServiceRequest of this transaction',
    );
  if (resource.for !== undefined && patient) {
    const designated = resolvePatient(resource.for, `${path}.for`, scope, problems);
    if (
      designated &&
      designated.resource !== patient.resource &&
      nhsNumberOf(designated.resource) !== nhsNumberOf(patient.resource)
    )
      problems.add(`${path}.for`, 'value', 'Task.for must be the patient of the ServiceRequest');
  }
  const partOf = list(resource.partOf, `${path}.partOf`, problems);
  const partOfId =
    isObject(partOf[0]) && text(partOf[0].reference)
      ? idFromReference(String(partOf[0].reference), 'Task')
      : undefined;
  if (parentReferralId === undefined && partOf.length > 0)
    problems.add(
      `${path}.partOf`,
      'value',
      'Only an onward referral (ServiceRequest.basedOn) is partOf another Task',
    );
  if (parentReferralId !== undefined && parentReferralId !== '' && partOfId !== parentReferralId)
    problems.add(`${path}.partOf`, 'value', `An onward referral Task is partOf Task/${parentReferralId}`);
}

function taskFocusing(tasks: Located[], sr: Located, scope: Scope): Located | undefined {
  return tasks.find((t) => {
    const focus = isObject(t.resource.focus) ? text(t.resource.focus.reference) : undefined;
    return focus !== undefined && scope.resolve(focus)?.resource === sr.resource;
  });
}

// ---- Entry points -----------------------------------------------------------------------------

const TRANSACTION_TYPES = ['Patient', 'ServiceRequest', 'Task', 'Consent', 'Organization'];

/**
 * A transaction Bundle: one new referral (Patient + ServiceRequest + Consent [+ Task]) or onward
 * referrals (ServiceRequests basedOn one parent [+ Tasks partOf its Task]).
 */
export function parseTransaction(
  body: unknown,
  actor: Actor,
  ifNoneExistHeader: string | undefined,
  now: Date,
): ParsedReferral {
  const problems = new Problems();
  if (!isObject(body) || body.resourceType !== 'Bundle') {
    problems.add('Bundle', 'structure', 'POST /fhir takes a transaction Bundle');
    fail(problems);
  }
  if (body.type !== 'transaction')
    problems.add('Bundle.type', 'value', 'Only transaction Bundles are processed (type transaction)');
  const rawEntries = list(body.entry, 'Bundle.entry', problems);
  if (rawEntries.length === 0) problems.required('Bundle.entry', 'The transaction has no entries');

  const located: Located[] = [];
  const byFullUrl = new Map<string, Located>();
  let conditional: ConditionalCreate | undefined;
  rawEntries.forEach((entry, i) => {
    const at = `Bundle.entry[${i}]`;
    if (!isObject(entry) || !isObject(entry.resource)) {
      problems.required(`${at}.resource`, 'Each entry needs a resource');
      return;
    }
    const resource = entry.resource;
    const type = text(resource.resourceType) ?? '';
    const path = `${at}.resource`;
    if (!TRANSACTION_TYPES.includes(type)) {
      problems.add(
        `${path}.resourceType`,
        'not-supported',
        `${type || 'A resource without resourceType'} cannot be posted here`,
      );
      return;
    }
    const request = isObject(entry.request) ? entry.request : undefined;
    if (!request) problems.required(`${at}.request`, 'Each transaction entry needs a request');
    else {
      if (request.method !== 'POST')
        problems.add(`${at}.request.method`, 'not-supported', 'Only POST (create) entries are supported');
      if (request.url !== type) problems.add(`${at}.request.url`, 'value', `request.url must be ${type}`);
      const ifNoneExist = text(request.ifNoneExist);
      if (ifNoneExist !== undefined) {
        if (type !== 'ServiceRequest')
          problems.add(
            `${at}.request.ifNoneExist`,
            'not-supported',
            'Conditional create applies to the ServiceRequest',
          );
        else if (conditional === undefined) {
          try {
            conditional = parseIfNoneExist(ifNoneExist, `${at}.request.ifNoneExist`);
          } catch (err) {
            problems.list.push(...(err as ValidationError).problems);
          }
        }
      }
    }
    const found: Located = { resource, path, entry: i };
    located.push(found);
    const fullUrl = isObject(entry) ? text(entry.fullUrl) : undefined;
    if (fullUrl !== undefined) {
      if (byFullUrl.has(fullUrl)) problems.add(`${at}.fullUrl`, 'value', `fullUrl ${fullUrl} is used twice`);
      byFullUrl.set(fullUrl, found);
    }
  });
  if (ifNoneExistHeader !== undefined && conditional === undefined) {
    try {
      conditional = parseIfNoneExist(ifNoneExistHeader, 'If-None-Exist');
    } catch (err) {
      problems.list.push(...(err as ValidationError).problems);
    }
  }

  const scope: Scope = {
    resolve: (reference) => byFullUrl.get(reference),
    patients: located.filter((l) => l.resource.resourceType === 'Patient'),
  };
  const ofType = (type: string) => located.filter((l) => l.resource.resourceType === type);
  const requests = ofType('ServiceRequest');
  const tasks = ofType('Task');
  for (const l of ofType('Organization'))
    unknownElements(l.resource, ELEMENTS.Organization, l.path, problems);

  if (requests.length === 0) {
    if (problems.empty) problems.required('Bundle.entry', 'The transaction needs a ServiceRequest');
    fail(problems);
  }
  const parents = requests.map((r) => parentOf(r.resource, r.path, problems));
  const onward = parents.some((p) => p !== undefined);

  if (!onward) {
    if (requests.length > 1) {
      for (const r of requests.slice(1))
        problems.add(r.path, 'not-supported', 'One new referral per transaction (one ServiceRequest)');
    }
    const sr = requests[0] as Located;
    const expressions = new FieldExpressions(sr.path);
    const read = readIntake(sr, scope, problems, expressions, actor, now);
    for (const [i, t] of tasks.entries()) {
      if (i > 0) problems.add(t.path, 'not-supported', 'One Task per referral');
      else checkTask(t, sr, read.patient, undefined, scope, problems);
    }
    if (ofType('Patient').length > 1)
      for (const p of ofType('Patient').filter((p) => p.resource !== read.patient?.resource))
        problems.add(p.path, 'not-supported', 'One patient per referral');
    for (const c of ofType('Consent').filter((c) => c.resource !== read.consent?.resource))
      problems.add(c.path, 'not-supported', 'Consent not referenced by the ServiceRequest (supportingInfo)');
    if (!problems.empty) fail(problems);
    const intake = withConditionalIdentifier(read.intake, conditional);
    return {
      kind: 'intake',
      intake,
      ...(conditional ? { conditional } : {}),
      expressions,
      entries: {
        serviceRequest: sr.entry,
        ...(read.patient?.entry !== undefined ? { patient: read.patient.entry } : {}),
        ...(read.consent?.entry !== undefined ? { consent: read.consent.entry } : {}),
        ...(tasks[0]?.entry !== undefined ? { task: tasks[0].entry } : {}),
      },
    };
  }

  // Onward referrals.
  const expressions = new FieldExpressions('Bundle');
  const parentIds = new Set(parents.filter((p): p is string => p !== undefined && p !== ''));
  requests.forEach((r, i) => {
    if (parents[i] === undefined)
      problems.add(
        `${r.path}.basedOn`,
        'required',
        'Every ServiceRequest of an onward transaction is basedOn the parent',
      );
  });
  if (parentIds.size > 1)
    problems.add('Bundle.entry', 'not-supported', 'Onward referrals of one transaction share one parent');
  for (const type of ['Patient', 'Consent'])
    for (const l of ofType(type))
      problems.add(
        l.path,
        'not-supported',
        "An onward referral carries the parent's patient and consent; do not send them again",
      );
  const parentReferralId = [...parentIds][0] ?? '';
  const reroutes = requests.map((r) => replacedOf(r.resource, r.path, problems, expressions));
  if (reroutes.some((x) => x !== undefined) && requests.length > 1)
    problems.add(
      'Bundle.entry',
      'not-supported',
      'A re-route (ServiceRequest.replaces) names one new service',
    );
  const targets: OnwardTarget[] = requests.map((r, i) => {
    const target = readOnwardTarget(r, scope, problems, expressions, i);
    const task = taskFocusing(tasks, r, scope);
    if (task) checkTask(task, r, undefined, parentReferralId, scope, problems);
    return {
      target,
      entries: { serviceRequest: r.entry, ...(task?.entry !== undefined ? { task: task.entry } : {}) },
    };
  });
  for (const t of tasks)
    if (!requests.some((r) => taskFocusing([t], r, scope)))
      problems.add(
        `${t.path}.focus`,
        'value',
        'Task.focus must reference a ServiceRequest of this transaction',
      );
  if (!problems.empty) fail(problems);
  const reroutedFromReferralId = reroutes.find((x) => x !== undefined);
  return {
    kind: 'onward',
    parentReferralId,
    ...(reroutedFromReferralId !== undefined ? { reroutedFromReferralId } : {}),
    targets,
    ...(conditional ? { conditional } : {}),
    expressions,
  };
}

function replacedOf(
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

/** The conditional-create identifier is a business identifier of the referral. */
function withConditionalIdentifier(
  intake: ReferralIntake,
  conditional: ConditionalCreate | undefined,
): ReferralIntake {
  if (!conditional) return intake;
  const ids = intake.identifiers ?? [];
  const { system, value } = conditional.identifier;
  if (ids.some((i) => i.system === system && i.value === value)) return intake;
  return { ...intake, identifiers: [...ids, { system, value }] };
}

/**
 * POST /fhir/ServiceRequest: the patient contained (`#patient`) or referenced by NHS number with
 * the Patient contained, the consent contained and referenced from supportingInfo; or an onward
 * referral (basedOn the parent).
 */
export function parseServiceRequest(
  body: unknown,
  actor: Actor,
  ifNoneExistHeader: string | undefined,
  now: Date,
): ParsedReferral {
  const problems = new Problems();
  if (!isObject(body) || body.resourceType !== 'ServiceRequest') {
    problems.add('ServiceRequest', 'structure', 'POST /fhir/ServiceRequest takes a ServiceRequest');
    fail(problems);
  }
  const path = 'ServiceRequest';
  const contained = list(body.contained, `${path}.contained`, problems).map(
    (resource, i): Located | undefined =>
      isObject(resource) ? { resource, path: `${path}.contained[${i}]` } : undefined,
  );
  const located = contained.filter((c): c is Located => c !== undefined);
  const scope: Scope = {
    resolve: (reference) => {
      if (!reference.startsWith('#')) return undefined;
      return located.find((c) => c.resource.id === reference.slice(1));
    },
    patients: located.filter((c) => c.resource.resourceType === 'Patient'),
  };
  let conditional: ConditionalCreate | undefined;
  if (ifNoneExistHeader !== undefined) {
    try {
      conditional = parseIfNoneExist(ifNoneExistHeader, 'If-None-Exist');
    } catch (err) {
      problems.list.push(...(err as ValidationError).problems);
    }
  }
  const sr: Located = { resource: body, path };
  const parent = parentOf(body, path, problems);
  if (parent !== undefined) {
    const expressions = new FieldExpressions(path);
    const target = readOnwardTarget(sr, scope, problems, expressions, 0);
    const reroutedFromReferralId = replacedOf(body, path, problems, expressions);
    if (!problems.empty) fail(problems);
    return {
      kind: 'onward',
      parentReferralId: parent,
      ...(reroutedFromReferralId !== undefined ? { reroutedFromReferralId } : {}),
      targets: [{ target, entries: {} }],
      ...(conditional ? { conditional } : {}),
      expressions,
    };
  }
  const expressions = new FieldExpressions(path);
  const read = readIntake(sr, scope, problems, expressions, actor, now);
  if (!problems.empty) fail(problems);
  return {
    kind: 'intake',
    intake: withConditionalIdentifier(read.intake, conditional),
    ...(conditional ? { conditional } : {}),
    expressions,
    entries: {},
  };
}

/** Re-exported for the controllers' error translation. */
export type { FieldProblem };
