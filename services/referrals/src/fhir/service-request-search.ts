import { TASK_STATUSES, type TaskStatus } from '@sp/contracts';
import { ValidationError, type FieldProblem } from '@sp/errors';
import { nhsNumberProblem, normaliseNhsNumber } from '../domain/nhs-number';
import type { ReferralPage, ReferralSearch } from '../referrals/referral-operations';
import { NHS_NUMBER_SYSTEM } from './fhir.constants';
import type { Bundle } from './fhir.types';
import { requestStatus, toServiceRequest } from './referral-to-fhir';
import {
  referenceParam,
  lastUpdated,
  LOGICAL_ID,
  MAX_COUNT,
  paging,
  searchset,
  single,
  unsupportedParams,
  values,
  type Query,
} from './search-params';

/**
 * GET /fhir/ServiceRequest search parameters -> ReferralSearch, and the searchset Bundle with
 * paging links. As for Task search, unknown or malformed parameters are refused (400 naming each)
 * rather than ignored. The patient is found by NHS number (`subject:identifier`); the referral
 * model stores only a pseudonymous key to query by, so the caller turns `nhsNumber` into that key
 * (patientKeyFor) before searching. Pure code.
 */

export const SERVICE_REQUEST_SEARCH_PARAMS = [
  'subject:identifier',
  'requester',
  'performer',
  'status',
  'based-on',
  '_id',
  '_lastUpdated',
  '_count',
  '_offset',
] as const;

/** ServiceRequest.status codes (http://hl7.org/fhir/request-status). */
export const REQUEST_STATUSES = [
  'draft',
  'active',
  'on-hold',
  'revoked',
  'completed',
  'entered-in-error',
  'unknown',
] as const;

export interface ServiceRequestSearch {
  search: ReferralSearch & { count: number; offset: number };
  /** subject:identifier: the patient's NHS number, normalised (10 digits, check digit valid). */
  nhsNumber?: string;
  /** The filters can match no referral (status=unknown only): answer empty without a query. */
  matchesNothing: boolean;
}

/** The Task statuses of referrals whose ServiceRequest.status is one of `wanted`. */
export function taskStatusesFor(wanted: readonly string[]): TaskStatus[] {
  return TASK_STATUSES.filter((s) => wanted.includes(requestStatus(s)));
}

function subjectIdentifier(value: string, problems: FieldProblem[]): string | undefined {
  const bar = value.indexOf('|');
  const system = bar === -1 ? undefined : value.slice(0, bar);
  const nhsNumber = bar === -1 ? value : value.slice(bar + 1);
  if (system !== NHS_NUMBER_SYSTEM) {
    problems.push({
      field: 'subject:identifier',
      code: 'not-supported',
      message: `subject:identifier is ${NHS_NUMBER_SYSTEM}|<NHS number>`,
    });
    return undefined;
  }
  // The value is not echoed back: it identifies a patient.
  const problem = nhsNumberProblem(nhsNumber);
  if (problem) {
    problems.push({
      field: 'subject:identifier',
      code: 'value',
      message:
        problem === 'format'
          ? 'The NHS number must be 10 digits'
          : 'The NHS number is not valid (check digit)',
    });
    return undefined;
  }
  return normaliseNhsNumber(nhsNumber);
}

export function parseServiceRequestSearch(query: Query): ServiceRequestSearch {
  const problems: FieldProblem[] = [];
  unsupportedParams(query, SERVICE_REQUEST_SEARCH_PARAMS, problems);

  const search: ReferralSearch = {};
  let matchesNothing = false;

  let nhsNumber: string | undefined;
  const subject = single(query, 'subject:identifier', problems);
  if (subject !== undefined) nhsNumber = subjectIdentifier(subject, problems);

  const requester = referenceParam(
    query,
    'requester',
    ['Organization'],
    'requester is Organization/<id> or an organisation id',
    problems,
  );
  if (requester) search.requesterOrganisationId = requester.id;

  const performer = referenceParam(
    query,
    'performer',
    ['HealthcareService'],
    'performer is HealthcareService/<id> or a directory service id',
    problems,
  );
  if (performer) search.targetServiceId = performer.id;

  const statuses = values(query, 'status').flatMap((v) => v.split(','));
  if (statuses.length > 0) {
    const bad = statuses.filter((s) => !(REQUEST_STATUSES as readonly string[]).includes(s));
    if (bad.length > 0)
      problems.push({
        field: 'status',
        code: 'code-invalid',
        message: `Unknown status ${bad.join(', ')} (ServiceRequest statuses: ${REQUEST_STATUSES.join(', ')})`,
      });
    else {
      search.status = taskStatusesFor(statuses);
      // An empty list would mean "any status" to the search: no referral has these statuses.
      if (search.status.length === 0) matchesNothing = true;
    }
  }

  const basedOn = referenceParam(
    query,
    'based-on',
    ['ServiceRequest'],
    'based-on is ServiceRequest/<id>: onward referrals of a referral',
    problems,
  );
  if (basedOn) search.parentReferralId = basedOn.id;

  const id = single(query, '_id', problems);
  if (id !== undefined) {
    const ids = [...new Set(id.split(',').map((s) => s.trim()))];
    if (ids.length > MAX_COUNT || ids.some((s) => !LOGICAL_ID.test(s)))
      problems.push({
        field: '_id',
        code: 'value',
        message: `_id is a referral id, or up to ${MAX_COUNT} separated by commas`,
      });
    else search.ids = ids;
  }

  Object.assign(search, lastUpdated(query, problems));
  const { count, offset } = paging(query, problems);
  if (problems.length > 0) throw new ValidationError(problems);
  return {
    search: { ...search, count, offset },
    ...(nhsNumber !== undefined ? { nhsNumber } : {}),
    matchesNothing,
  };
}

export function serviceRequestSearchset(
  base: string,
  query: Query,
  parsed: ServiceRequestSearch,
  page: ReferralPage,
): Bundle {
  return searchset({
    base,
    type: 'ServiceRequest',
    params: SERVICE_REQUEST_SEARCH_PARAMS,
    query,
    count: parsed.search.count,
    offset: parsed.search.offset,
    page,
    toResource: toServiceRequest,
  });
}
