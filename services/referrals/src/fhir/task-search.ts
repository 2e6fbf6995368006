import { TASK_STATUSES, type TaskStatus } from '@sp/contracts';
import { ValidationError, type FieldProblem } from '@sp/errors';
import type { ReferralDocument } from '../referrals/referral.entity';
import type { ReferralPage, ReferralSearch } from '../referrals/referral-operations';
import type { Bundle } from './fhir.types';
import { toTask } from './referral-to-fhir';
import {
  referenceParam,
  lastUpdated,
  paging,
  searchset,
  unsupportedParams,
  values,
  type Query,
} from './search-params';

/**
 * GET /fhir/Task search parameters -> ReferralSearch, and the searchset Bundle with paging links.
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

export interface TaskSearch {
  search: ReferralSearch & { count: number; offset: number };
  /** focus=ServiceRequest/<id>: the one Task of that referral. */
  focusId?: string;
}

export function parseTaskSearch(query: Query): TaskSearch {
  const problems: FieldProblem[] = [];
  unsupportedParams(query, TASK_SEARCH_PARAMS, problems);

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
  return { search: { ...search, count, offset }, ...(focusId !== undefined ? { focusId } : {}) };
}

/** Whether one referral matches the filters (used for focus=, where the id is known). */
export function matchesSearch(doc: ReferralDocument, search: ReferralSearch): boolean {
  return (
    (search.ownerOrganisationId === undefined || doc.ownerOrganisationId === search.ownerOrganisationId) &&
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
    params: TASK_SEARCH_PARAMS,
    query,
    count: parsed.search.count,
    offset: parsed.search.offset,
    page,
    toResource: toTask,
  });
}
