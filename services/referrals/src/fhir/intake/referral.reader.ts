import { intakeProblems, type Actor } from '../../domain/referral-intake.rules';
import type { OnwardReferralInput, ReferralIntake } from '../../referrals/referral-operations';
import { FieldExpressions } from '../field-expressions';
import type { Problems } from '../fhir-json';
import { NEED_MAPPING_VERSION } from '@sp/contracts';
import { NO_CONSENT, readConsent, type ConsentFacts } from './consent.reader';
import {
  DerivedNeeds,
  MAX_NEEDS,
  needsFromCategories,
  needsFromReasonCode,
  needsFromRequestCode,
  noNeedProblem,
} from './needs.reader';
import { readReasons } from './reasons.reader';
import { NO_PATIENT, readPatient, resolvePatient } from './patient.reader';
import type { Located, Scope } from './references';
import {
  checkCommonRequest,
  readDoNotContact,
  readIdentifiers,
  readNote,
  readPerformer,
  readPriority,
  readRequesterOds,
} from './service-request.reader';
import { readPatientTelecom } from './patient-telecom.reader';
import { readPatientDemographics } from './patient-demographics.reader';

/** A new referral from its ServiceRequest (patient and consent resolved within the payload). */
export function readIntake(
  sr: Located,
  scope: Scope,
  problems: Problems,
  expressions: FieldExpressions,
  actor: Actor,
  now: Date,
): { intake: ReferralIntake; patient?: Located; consent?: Located; used: Located[] } {
  const { resource, path } = sr;
  checkCommonRequest(resource, path, problems);
  const patientRef = resolvePatient(resource.subject, `${path}.subject`, scope, problems);
  const patient = patientRef
    ? {
        ...readPatient(patientRef, problems, expressions),
        ...readPatientDemographics(patientRef, problems, expressions),
      }
    : NO_PATIENT;
  const patientContact = patientRef ? readPatientTelecom(patientRef, problems) : undefined;
  expressions.set('requesterOdsCode', `${path}.requester`);
  const requesterOdsCode = readRequesterOds(resource.requester, `${path}.requester`, scope, problems) ?? '';
  expressions.set('targetServiceId', `${path}.performer`);
  const performer = readPerformer(resource, path, scope, problems);
  const derived = new DerivedNeeds(expressions);
  const reasons = readNeeds(sr, patientRef, scope, problems, expressions, derived, true);
  const needs = derived.list;
  const priority = readPriority(resource, path, problems, expressions);
  const consentRef = reasons.consent;
  expressions.set('consent', `${path}.supportingInfo`);
  let consent: ConsentFacts = NO_CONSENT;
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
    ...(patientContact ? { patientContact } : {}),
    ...(note !== undefined ? { note } : {}),
    ...(identifiers.length > 0 ? { identifiers } : {}),
    ...(reasons.conditions.length > 0 || reasons.goals.length > 0
      ? {
          reasons: {
            conditions: reasons.conditions,
            goals: reasons.goals,
            needMappingVersion: NEED_MAPPING_VERSION,
          },
        }
      : {}),
  };
  return {
    intake,
    used: reasons.used,
    ...(patientRef ? { patient: patientRef } : {}),
    ...(consentRef ? { consent: consentRef } : {}),
  };
}

/** One onward referral (ServiceRequest basedOn the parent): the parent's patient and consent carry over. */
export function readOnwardTarget(
  sr: Located,
  scope: Scope,
  problems: Problems,
  expressions: FieldExpressions,
  index: number,
  used: Located[] = [],
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
  const derived = new DerivedNeeds(sub);
  const read = readNeeds(sr, undefined, scope, problems, sub, derived, false);
  used.push(...read.used);
  const needs = derived.list;
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

/**
 * Every need of a ServiceRequest, from reasonCode, the Conditions it references, its SDOH
 * categories and its code (in that order; each need once), and the reasons read on the way.
 */
function readNeeds(
  sr: Located,
  patient: Located | undefined,
  scope: Scope,
  problems: Problems,
  expressions: FieldExpressions,
  derived: DerivedNeeds,
  required: boolean,
): ReturnType<typeof readReasons> {
  const { resource, path } = sr;
  expressions.set('needs', `${path}.reasonCode`);
  needsFromReasonCode(resource, path, problems, derived);
  // A new referral (needs required) reads supportingInfo; an onward one may not send it at all.
  const reasons = readReasons(sr, patient, scope, problems, derived, { supportingInfo: required });
  needsFromCategories(resource, path, problems, derived);
  needsFromRequestCode(resource, path, derived);
  const count = derived.list.length;
  if (count === 0 && required) noNeedProblem(path, problems);
  if (count > MAX_NEEDS)
    problems.add(`${path}.reasonCode`, 'value', `At most ${MAX_NEEDS} needs per referral (${count} derived)`);
  return reasons;
}
