import { ELEMENTS } from '../fhir-elements';
import { TASK_CODE_SYSTEM } from '../fhir.constants';
import { isObject, list, text, unknownElements, type Problems } from '../fhir-json';
import { resolvePatient, samePatient } from './patient.reader';
import { codings, idFromReference, type Located, type Scope } from './references';

/** The Task posted with a new or onward referral: checked against its ServiceRequest and patient. */
export function checkTask(
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
    if (designated && !samePatient(designated, patient))
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

export function taskFocusing(tasks: Located[], sr: Located, scope: Scope): Located | undefined {
  return tasks.find((t) => {
    const focus = isObject(t.resource.focus) ? text(t.resource.focus.reference) : undefined;
    return focus !== undefined && scope.resolve(focus)?.resource === sr.resource;
  });
}
