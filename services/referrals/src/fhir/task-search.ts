import { TASK_STATUSES, type TaskStatus } from '@sp/contracts';
import { ValidationError, type FieldProblem } from '@sp/errors';
import type { ReferralDocument } from '../referrals/referral.entity';
import type { ReferralPage, ReferralSearch } from '../referrals/referral-operations';
import type { Bundle } from './fhir.types';
import { toPatient } from './patient/patient-resource';
import { toServiceRequest, toTask } from './referral-to-fhir';
import {
  referenceParam,
  lastUpdated,
  paging,
  searchset,
  single,
  unsupportedParams,
  values,
  type Query,
} from './search-params';

/**
 * GET /fhir/Task search parameters -> ReferralSearch, and the searchset Bundle with paging links
 * (and, with _include, the focused ServiceRequest and the Patient as search.mode include).
 * Unknown parameters are refused (400) rather than ignored, so a poller never mistakes an
 * unfiltered result for a filtered one. Pure code.
 */

export const TASK_SEARCH_PARAMS = [
  'owner',
  'requester',
  'status',
  'focus',
  'part-of',
  '_lastUpdated',
  '_count',
  '_offset',
] as const;

/** Also accepted: Gravity's open referrals (owner:missing) and the resources to include. */
export const TASK_SEARCH_EXTRAS = ['owner:missing', '_include'] as const;

/** _include values we serve (with or without the target type). */
export const TASK_INCLUDES = ['Task:focus', 'Task:patient'] as const;
export type TaskInclude = (typeof TASK_INCLUDES)[number];
const INCLUDE_FORMS: Record<string, TaskInclude> = {
  'Task:focus': 'Task:focus',
  'Task:focus:ServiceRequest': 'Task:focus',
  'Task:patient': 'Task:patient',
  'Task:patient:Patient': 'Task:patient',
};

/** Every query parameter Task search takes, in the order paging links repeat them. */
const ACCEPTED: readonly string[] = [...TASK_SEARCH_PARAMS, ...TASK_SEARCH_EXTRAS];

export interface TaskSearch {
  search: ReferralSearch & { count: number; offset: number };
  /** focus=ServiceRequest/<id>: the one Task of that referral. */
  focusId?: string;
  /** _include: the focused ServiceRequest and/or the Patient, as search.mode include. */
  include: TaskInclude[];
}

function ownerMissing(query: Query, problems: FieldProblem[]): boolean | undefined {
  const raw = single(query, 'owner:missing', problems);
  if (raw === undefined) return undefined;
  if (raw !== 'true' && raw !== 'false') {
    problems.push({ field: 'owner:missing', code: 'value', message: 'owner:missing is true or false' });
    return undefined;
  }
  if (query.owner !== undefined)
    problems.push({
      field: 'owner:missing',
      code: 'not-supported',
      message: 'Give owner or owner:missing, not both',
    });
  return raw === 'true';
}

function includes(query: Query, problems: FieldProblem[]): TaskInclude[] {
  const found = new Set<TaskInclude>();
  for (const v of values(query, '_include').flatMap((s) => s.split(','))) {
    const include = INCLUDE_FORMS[v.trim()];
    if (include) found.add(include);
    else
      problems.push({
        field: '_include',
        code: 'not-supported',
        message: `Unsupported _include (supported: ${TASK_INCLUDES.join(', ')})`,
      });
  }
  return [...found];
}

export function parseTaskSearch(query: Query): TaskSearch {
  const problems: FieldProblem[] = [];
  unsupportedParams(query, ACCEPTED, problems);

  const search: ReferralSearch = {};
  const owner = referenceParam(
    query,
    'owner',
    ['Organization', 'HealthcareService'],
    'owner is Organization/<id>, HealthcareService/<id> or an organisation id',
    problems,
  );
  if (owner?.type === 'HealthcareService') search.targetServiceId = owner.id;
  else if (owner) search.ownerOrganisationId = owner.id;
  const missing = ownerMissing(query, problems);
  if (missing !== undefined) search.ownerMissing = missing;
  const include = includes(query, problems);
  const requester = referenceParam(
    query,
    'requester',
    ['Organization'],
    'requester is Organization/<id> or an organisation id',
    problems,
  );
  if (requester) search.requesterOrganisationId = requester.id;
  const statuses = values(query, 'status').flatMap((v) => v.split(','));
  if (statuses.length > 0) {
    const bad = statuses.filter((s) => !(TASK_STATUSES as readonly string[]).includes(s));
    if (bad.length > 0)
      problems.push({ field: 'status', code: 'code-invalid', message: `Unknown status ${bad.join(', ')}` });
    else search.status = statuses as TaskStatus[];
  }
  const focusId = referenceParam(
    query,
    'focus',
    ['ServiceRequest'],
    'focus is ServiceRequest/<id>',
    problems,
  )?.id;
  const partOf = referenceParam(query, 'part-of', ['Task'], 'part-of is Task/<id>', problems);
  if (partOf) search.parentReferralId = partOf.id;
  Object.assign(search, lastUpdated(query, problems));
  const { count, offset } = paging(query, problems);
  if (problems.length > 0) throw new ValidationError(problems);
  return {
    search: { ...search, count, offset },
    ...(focusId !== undefined ? { focusId } : {}),
    include,
  };
}

/** Whether one referral matches the filters (used for focus=, where the id is known). */
export function matchesSearch(doc: ReferralDocument, search: ReferralSearch): boolean {
  return (
    (search.ownerOrganisationId === undefined || doc.ownerOrganisationId === search.ownerOrganisationId) &&
    (search.ownerMissing === undefined || (doc.ownerOrganisationId === undefined) === search.ownerMissing) &&
    (search.requesterOrganisationId === undefined ||
      doc.requesterOrganisationId === search.requesterOrganisationId) &&
    (search.targetServiceId === undefined || doc.targetServiceId === search.targetServiceId) &&
    (search.status === undefined || search.status.includes(doc.status)) &&
    (search.parentReferralId === undefined || doc.parentReferralId === search.parentReferralId) &&
    (search.updatedAfter === undefined || doc.updatedAt > search.updatedAfter) &&
    (search.updatedBefore === undefined || doc.updatedAt < search.updatedBefore)
  );
}

export function searchsetBundle(base: string, query: Query, parsed: TaskSearch, page: ReferralPage): Bundle {
  return searchset({
    base,
    type: 'Task',
    params: ACCEPTED,
    query,
    count: parsed.search.count,
    offset: parsed.search.offset,
    page,
    toResource: toTask,
    include: (doc) => [
      ...(parsed.include.includes('Task:focus')
        ? [{ type: 'ServiceRequest', resource: toServiceRequest(doc) }]
        : []),
      ...(parsed.include.includes('Task:patient') ? [{ type: 'Patient', resource: toPatient(doc) }] : []),
    ],
  });
}
