import { TASK_STATUSES, type TaskStatus } from '@sp/contracts';
import type { FieldProblem } from '@sp/errors';

/**
 * The backport-filter-criteria of a Subscription to the referral Task topic: a Task search
 * (`Task?owner=Organization/<id>&status=accepted`), evaluated against each change. Several
 * filters must all match (the IG's logical AND). A filter never widens what is delivered:
 * whatever it says, only Tasks the subscriber's organisation may read are notified (checked at
 * fan-out with the Task read authorisation). Pure code.
 */

export interface TaskFilter {
  ownerOrganisationId?: string;
  targetServiceId?: string;
  ownerMissing?: boolean;
  requesterOrganisationId?: string;
  status?: TaskStatus[];
  parentReferralId?: string;
  ids?: string[];
}

/** What a change says about the Task after it. */
export interface TaskFacts {
  referralId: string;
  status: TaskStatus;
  requesterOrganisationId: string;
  ownerOrganisationId?: string;
  targetServiceId?: string;
  parentReferralId?: string;
}

export interface FilterSubscriber {
  organisationId: string;
  role: 'referrer' | 'link-worker' | 'provider' | 'ops';
}

export const FILTER_PARAMS = ['owner', 'owner:missing', 'requester', 'status', 'part-of', '_id'] as const;

const ID = /^[A-Za-z0-9._:-]{1,64}$/;

function reference(value: string, types: readonly string[]): { type?: string; id: string } | undefined {
  const match = /^(?:([A-Za-z]+)\/)?(.+)$/.exec(value.trim());
  if (!match?.[2] || !ID.test(match[2])) return undefined;
  if (match[1] !== undefined && !types.includes(match[1])) return undefined;
  return { ...(match[1] !== undefined ? { type: match[1] } : {}), id: match[2] };
}

/**
 * Parses one filter; problems name `field` (the FHIRPath of the filter's valueString). A filter
 * naming another organisation as owner or requester, without naming the subscriber's own as the
 * other party, is refused: it could only ever match Tasks the subscriber may not see.
 */
export function parseTaskFilter(
  criteria: string,
  subscriber: FilterSubscriber,
  field: string,
): { filter: TaskFilter; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const filter: TaskFilter = {};
  const match = /^Task\?(.*)$/.exec(criteria.trim());
  if (!match) {
    problems.push({
      field,
      code: 'not-supported',
      message: 'The filter must be a Task search, e.g. Task?owner=Organization/<your organisation id>',
    });
    return { filter, problems };
  }
  const params = new URLSearchParams(match[1]);
  const seen = new Set<string>();
  for (const [name, value] of params) {
    if (!(FILTER_PARAMS as readonly string[]).includes(name)) {
      problems.push({
        field,
        code: 'not-supported',
        message: `Unsupported filter parameter ${name} (supported: ${FILTER_PARAMS.join(', ')})`,
      });
      continue;
    }
    if (seen.has(name)) {
      problems.push({ field, code: 'not-supported', message: `${name} may be given once` });
      continue;
    }
    seen.add(name);
    readParam(filter, name, value, field, problems);
  }
  if (filter.ownerMissing !== undefined && seen.has('owner'))
    problems.push({ field, code: 'not-supported', message: 'Give owner or owner:missing, not both' });
  if (subscriber.role !== 'ops') otherOrganisationProblems(filter, subscriber, field, problems);
  return { filter, problems };
}

function readParam(
  filter: TaskFilter,
  name: string,
  value: string,
  field: string,
  problems: FieldProblem[],
): void {
  const bad = (message: string) => problems.push({ field, code: 'value', message });
  switch (name) {
    case 'owner': {
      const ref = reference(value, ['Organization', 'HealthcareService']);
      if (!ref) bad('owner is Organization/<id>, HealthcareService/<id> or an organisation id');
      else if (ref.type === 'HealthcareService') filter.targetServiceId = ref.id;
      else filter.ownerOrganisationId = ref.id;
      return;
    }
    case 'owner:missing':
      if (value !== 'true' && value !== 'false') bad('owner:missing is true or false');
      else filter.ownerMissing = value === 'true';
      return;
    case 'requester': {
      const ref = reference(value, ['Organization']);
      if (!ref) bad('requester is Organization/<id> or an organisation id');
      else filter.requesterOrganisationId = ref.id;
      return;
    }
    case 'status': {
      const statuses = value.split(',');
      const unknown = statuses.filter((s) => !(TASK_STATUSES as readonly string[]).includes(s));
      if (unknown.length > 0)
        problems.push({ field, code: 'code-invalid', message: `Unknown Task status ${unknown.join(', ')}` });
      else filter.status = statuses as TaskStatus[];
      return;
    }
    case 'part-of': {
      const ref = reference(value, ['Task']);
      if (!ref) bad('part-of is Task/<id>');
      else filter.parentReferralId = ref.id;
      return;
    }
    case '_id': {
      const ids = value.split(',');
      if (ids.length > 100 || ids.some((i) => !ID.test(i)))
        bad('_id is up to 100 Task ids separated by commas');
      else filter.ids = ids;
      return;
    }
  }
}

function otherOrganisationProblems(
  filter: TaskFilter,
  subscriber: FilterSubscriber,
  field: string,
  problems: FieldProblem[],
): void {
  const own = subscriber.organisationId;
  const ownerIsOwn = filter.ownerOrganisationId === own;
  const requesterIsOwn = filter.requesterOrganisationId === own;
  for (const [param, org] of [
    ['owner', filter.ownerOrganisationId],
    ['requester', filter.requesterOrganisationId],
  ] as const) {
    if (org === undefined || org === own) continue;
    if (param === 'owner' ? requesterIsOwn : ownerIsOwn) continue;
    problems.push({
      field,
      code: 'not_your_organisation',
      message: `${param}=${org} names another organisation: a subscription is notified about Tasks your organisation (${own}) requested or owns, so name it as ${param === 'owner' ? 'requester' : 'owner'} too`,
    });
  }
}

export function matchesFilter(facts: TaskFacts, filter: TaskFilter): boolean {
  return (
    (filter.ownerOrganisationId === undefined || facts.ownerOrganisationId === filter.ownerOrganisationId) &&
    (filter.targetServiceId === undefined || facts.targetServiceId === filter.targetServiceId) &&
    (filter.ownerMissing === undefined ||
      (facts.ownerOrganisationId === undefined) === filter.ownerMissing) &&
    (filter.requesterOrganisationId === undefined ||
      facts.requesterOrganisationId === filter.requesterOrganisationId) &&
    (filter.status === undefined || filter.status.includes(facts.status)) &&
    (filter.parentReferralId === undefined || facts.parentReferralId === filter.parentReferralId) &&
    (filter.ids === undefined || filter.ids.includes(facts.referralId))
  );
}

/** Every filter matches (no filter: every change the subscriber may see). */
export function matchesAll(facts: TaskFacts, filters: readonly TaskFilter[]): boolean {
  return filters.every((f) => matchesFilter(facts, f));
}
