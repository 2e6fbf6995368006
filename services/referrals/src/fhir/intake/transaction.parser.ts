import type { ValidationError } from '@sp/errors';
import type { Actor } from '../../domain/referral-intake.rules';
import { FieldExpressions } from '../field-expressions';
import { ELEMENTS } from '../fhir-elements';
import { isObject, list, Problems, text, unknownElements } from '../fhir-json';
import { parseIfNoneExist, type ConditionalCreate } from '../if-none-exist';
import { withConditionalIdentifier, type OnwardTarget, type ParsedReferral } from './parsed-referral';
import { readIntake, readOnwardTarget } from './referral.reader';
import { fail, type Located, type Scope } from './references';
import { parentOf, replacedOf } from './service-request.reader';
import { checkTask, taskFocusing } from './task.reader';

const TRANSACTION_TYPES = [
  'Patient',
  'ServiceRequest',
  'Task',
  'Consent',
  'Organization',
  'Condition',
  'Goal',
];
/** Resources read only when a ServiceRequest references them (reasons, goals). */
const REASON_TYPES = ['Condition', 'Goal'];

/** Conditions and Goals nothing references would be dropped unread: refused instead. */
function refuseUnreferenced(located: Located[], used: Located[], problems: Problems): void {
  for (const l of located)
    if (
      REASON_TYPES.includes(String(l.resource.resourceType)) &&
      !used.some((u) => u.resource === l.resource)
    )
      problems.add(
        l.path,
        'not-supported',
        `${String(l.resource.resourceType)} not referenced by the ServiceRequest (reasonReference, supportingInfo, pertainsToGoal) or by its Goal (addresses)`,
      );
}

/** The entries of a transaction Bundle, each located, with the conditional create they ask for. */
function readEntries(
  body: Record<string, unknown>,
  ifNoneExistHeader: string | undefined,
  problems: Problems,
): { located: Located[]; byFullUrl: Map<string, Located>; conditional?: ConditionalCreate } {
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
    const fullUrl = text(entry.fullUrl);
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
  return { located, byFullUrl, ...(conditional ? { conditional } : {}) };
}

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
  const { located, byFullUrl, conditional } = readEntries(body, ifNoneExistHeader, problems);

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
    refuseUnreferenced(located, read.used, problems);
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
  const used: Located[] = [];
  const targets: OnwardTarget[] = requests.map((r, i) => {
    const target = readOnwardTarget(r, scope, problems, expressions, i, used);
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
  refuseUnreferenced(located, used, problems);
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
