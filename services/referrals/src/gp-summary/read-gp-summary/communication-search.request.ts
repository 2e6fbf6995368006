import { ValidationError, type FieldProblem } from '@sp/errors';
import { ODS_CODE_SYSTEM } from '../../fhir/fhir.constants';
import {
  lastUpdated,
  paging,
  referenceParam,
  single,
  unsupportedParams,
  type Query,
} from '../../fhir/search-params';

/** Search parameters of GET /fhir/Communication (declared in the CapabilityStatement). */
export const COMMUNICATION_SEARCH_PARAMS = [
  'based-on',
  'recipient',
  'recipient:identifier',
  '_lastUpdated',
  '_count',
  '_offset',
] as const;

export interface CommunicationSearch {
  referralId?: string;
  recipientOrganisationId?: string;
  recipientOdsCode?: string;
  createdAfter?: Date;
  createdBefore?: Date;
  count: number;
  offset: number;
}

/** Reads the query; every problem is named (400 OperationOutcome, one issue per parameter). */
export function parseCommunicationSearch(query: Query): CommunicationSearch {
  const problems: FieldProblem[] = [];
  unsupportedParams(query, COMMUNICATION_SEARCH_PARAMS, problems);
  const search: Omit<CommunicationSearch, 'count' | 'offset'> = {};

  const basedOn = referenceParam(
    query,
    'based-on',
    ['ServiceRequest'],
    'based-on is ServiceRequest/<id>: the summary of that referral',
    problems,
  );
  if (basedOn) search.referralId = basedOn.id;

  const recipient = referenceParam(
    query,
    'recipient',
    ['Organization'],
    'recipient is Organization/<id> or an organisation id',
    problems,
  );
  if (recipient) search.recipientOrganisationId = recipient.id;

  const byIdentifier = single(query, 'recipient:identifier', problems);
  if (byIdentifier !== undefined) {
    const match = /^([^|]+)\|([A-Z0-9]{3,10})$/.exec(byIdentifier);
    if (!match || match[1] !== ODS_CODE_SYSTEM)
      problems.push({
        field: 'recipient:identifier',
        code: 'value',
        message: `recipient:identifier is ${ODS_CODE_SYSTEM}|<ODS code>`,
      });
    else search.recipientOdsCode = match[2];
  }

  const bounds = lastUpdated(query, problems);
  if (bounds.updatedAfter) search.createdAfter = bounds.updatedAfter;
  if (bounds.updatedBefore) search.createdBefore = bounds.updatedBefore;
  const { count, offset } = paging(query, problems);
  if (problems.length > 0) throw new ValidationError(problems);
  return { ...search, count, offset };
}
