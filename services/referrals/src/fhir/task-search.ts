import { TASK_STATUSES, type TaskStatus } from '@sp/contracts';
import { ValidationError, type FieldProblem } from '@sp/errors';
import type { ReferralDocument } from '../referrals/referral.entity';
import type { ReferralPage, ReferralSearch } from '../referrals/referral-operations';
import type { Bundle, BundleLink } from './fhir.types';
import { toTask } from './referral-to-fhir';

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
const IGNORED_PARAMS = ['_format'];
const DEFAULT_COUNT = 20;
const MAX_COUNT = 100;

export interface TaskSearch {
  search: ReferralSearch & { count: number; offset: number };
  /** focus=ServiceRequest/<id>: the one Task of that referral. */
  focusId?: string;
}

type Query = Record<string, unknown>;

function values(query: Query, name: string): string[] {
  const v = query[name];
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v]).map(String);
}

function single(query: Query, name: string, problems: FieldProblem[]): string | undefined {
  const all = values(query, name);
  if (all.length > 1)
    problems.push({ field: name, code: 'not-supported', message: `${name} may be given once` });
  return all[0];
}

/** `Type/<id>` or a bare id. */
function idParam(value: string, types: readonly string[]): { type?: string; id: string } | undefined {
  const match = /^(?:([A-Za-z]+)\/)?([A-Za-z0-9._:-]{1,64})$/.exec(value.trim());
  if (!match?.[2]) return undefined;
  if (match[1] !== undefined && !types.includes(match[1])) return undefined;
  return { ...(match[1] !== undefined ? { type: match[1] } : {}), id: match[2] };
}

function integer(
  value: string | undefined,
  name: string,
  min: number,
  max: number,
  problems: FieldProblem[],
): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max) {
    problems.push({
      field: name,
      code: 'value',
      message: `${name} must be a whole number from ${min} to ${max}`,
    });
    return undefined;
  }
  return n;
}

export function parseTaskSearch(query: Query): TaskSearch {
  const problems: FieldProblem[] = [];
  for (const name of Object.keys(query))
    if (!(TASK_SEARCH_PARAMS as readonly string[]).includes(name) && !IGNORED_PARAMS.includes(name))
      problems.push({
        field: name,
        code: 'not-supported',
        message: `Unsupported search parameter (supported: ${TASK_SEARCH_PARAMS.join(', ')})`,
      });

  const search: ReferralSearch = {};
  const owner = single(query, 'owner', problems);
  if (owner !== undefined) {
    const ref = idParam(owner, ['Organization', 'HealthcareService']);
    if (!ref)
      problems.push({
        field: 'owner',
        code: 'value',
        message: 'owner is Organization/<id>, HealthcareService/<id> or an organisation id',
      });
    else if (ref.type === 'HealthcareService') search.targetServiceId = ref.id;
    else search.ownerOrganisationId = ref.id;
  }
  const requester = single(query, 'requester', problems);
  if (requester !== undefined) {
    const ref = idParam(requester, ['Organization']);
    if (!ref)
      problems.push({
        field: 'requester',
        code: 'value',
        message: 'requester is Organization/<id> or an organisation id',
      });
    else search.requesterOrganisationId = ref.id;
  }
  const statuses = values(query, 'status').flatMap((v) => v.split(','));
  if (statuses.length > 0) {
    const bad = statuses.filter((s) => !(TASK_STATUSES as readonly string[]).includes(s));
    if (bad.length > 0)
      problems.push({ field: 'status', code: 'code-invalid', message: `Unknown status ${bad.join(', ')}` });
    else search.status = statuses as TaskStatus[];
  }
  let focusId: string | undefined;
  const focus = single(query, 'focus', problems);
  if (focus !== undefined) {
    const ref = idParam(focus, ['ServiceRequest']);
    if (!ref) problems.push({ field: 'focus', code: 'value', message: 'focus is ServiceRequest/<id>' });
    else focusId = ref.id;
  }
  const partOf = single(query, 'part-of', problems);
  if (partOf !== undefined) {
    const ref = idParam(partOf, ['Task']);
    if (!ref) problems.push({ field: 'part-of', code: 'value', message: 'part-of is Task/<id>' });
    else search.parentReferralId = ref.id;
  }
  for (const v of values(query, '_lastUpdated')) {
    const match =
      /^(gt|ge|lt|le)(\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?)$/.exec(v);
    const at =
      match?.[2] !== undefined
        ? Date.parse(match[2].length === 10 ? `${match[2]}T00:00:00Z` : match[2])
        : NaN;
    if (!match || Number.isNaN(at)) {
      problems.push({
        field: '_lastUpdated',
        code: 'value',
        message: '_lastUpdated is gt|ge|lt|le followed by a date or dateTime with zone',
      });
      continue;
    }
    // The model's bounds are exclusive: ge/le widen by one millisecond.
    if (match[1] === 'gt') search.updatedAfter = new Date(at);
    if (match[1] === 'ge') search.updatedAfter = new Date(at - 1);
    if (match[1] === 'lt') search.updatedBefore = new Date(at);
    if (match[1] === 'le') search.updatedBefore = new Date(at + 1);
  }
  const count = integer(single(query, '_count', problems), '_count', 1, MAX_COUNT, problems) ?? DEFAULT_COUNT;
  const offset = integer(single(query, '_offset', problems), '_offset', 0, 1_000_000, problems) ?? 0;
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

/** The query string of a page: the client's filters in a stable order, then _count and _offset. */
function pageUrl(base: string, query: Query, count: number, offset: number): string {
  const params = new URLSearchParams();
  for (const name of TASK_SEARCH_PARAMS) {
    if (name === '_count' || name === '_offset') continue;
    for (const v of values(query, name)) params.append(name, v);
  }
  params.set('_count', String(count));
  params.set('_offset', String(offset));
  return `${base}/Task?${params.toString()}`;
}

export function searchsetBundle(base: string, query: Query, parsed: TaskSearch, page: ReferralPage): Bundle {
  const { count, offset } = parsed.search;
  const link: BundleLink[] = [
    { relation: 'self', url: pageUrl(base, query, count, offset) },
    { relation: 'first', url: pageUrl(base, query, count, 0) },
  ];
  if (offset > 0)
    link.push({ relation: 'previous', url: pageUrl(base, query, count, Math.max(0, offset - count)) });
  if (offset + count < page.total)
    link.push({ relation: 'next', url: pageUrl(base, query, count, offset + count) });
  if (page.total > 0)
    link.push({
      relation: 'last',
      url: pageUrl(base, query, count, Math.floor((page.total - 1) / count) * count),
    });
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    total: page.total,
    link,
    entry: page.items.map((doc) => ({
      fullUrl: `${base}/Task/${doc._id}`,
      resource: toTask(doc),
      search: { mode: 'match' },
    })),
  };
}
