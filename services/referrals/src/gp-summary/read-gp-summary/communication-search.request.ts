import { ValidationError, type FieldProblem } from '@sp/errors';
import { CONTACT_CATEGORY } from '../../fhir/case-record/contact-communication.resource';
import { ODS_CODE_SYSTEM } from '../../fhir/fhir.constants';
import {
  lastUpdated,
  paging,
  referenceParam,
  single,
  unsupportedParams,
  type Query,
} from '../../fhir/search-params';
import { COMMUNICATION_CATEGORY_SYSTEM } from './gp-summary-to-communication';

/** Search parameters of GET /fhir/Communication (declared in the CapabilityStatement). */
export const COMMUNICATION_SEARCH_PARAMS = [
  'based-on',
  'category',
  'subject',
  'recipient',
  'recipient:identifier',
  '_lastUpdated',
  '_count',
  '_offset',
] as const;

/**
 * The two kinds of Communication served at /fhir/Communication, by category: the GP summaries
 * (HL7 communication-category `notification`) and contacts with the patient (platform
 * `patient-contact`).
 */
export interface CommunicationKinds {
  gpSummaries: boolean;
  contacts: boolean;
}

export interface CommunicationSearch {
  kinds: CommunicationKinds;
  /** subject=Patient/<patient key> (contacts only: a GP summary's patient is contained). */
  patientKey?: string;
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
  const search: Omit<CommunicationSearch, 'count' | 'offset' | 'kinds'> = {};
  const kinds = categories(single(query, 'category', problems), problems);

  const basedOn = referenceParam(
    query,
    'based-on',
    ['ServiceRequest'],
    'based-on is ServiceRequest/<id>: the summary of that referral',
    problems,
  );
  if (basedOn) search.referralId = basedOn.id;

  const subject = referenceParam(query, 'subject', ['Patient'], 'subject is Patient/<id>', problems);
  if (subject) {
    search.patientKey = subject.id;
    kinds.gpSummaries = false;
  }

  const recipient = referenceParam(
    query,
    'recipient',
    ['Organization'],
    'recipient is Organization/<id> or an organisation id',
    problems,
  );
  if (recipient) search.recipientOrganisationId = recipient.id;
  // A contact's recipient is the patient: recipient searches find GP summaries only.
  if (search.recipientOrganisationId !== undefined || query['recipient:identifier'] !== undefined)
    kinds.contacts = false;

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
  return { ...search, kinds, count, offset };
}

/** category=[system|]code[,...]: which kinds are asked for (both when absent). */
function categories(value: string | undefined, problems: FieldProblem[]): CommunicationKinds {
  if (value === undefined) return { gpSummaries: true, contacts: true };
  const kinds = { gpSummaries: false, contacts: false };
  for (const token of value.split(',')) {
    const [system, code] = token.includes('|') ? token.split('|', 2) : [undefined, token];
    if (code === 'notification' && (system === undefined || system === COMMUNICATION_CATEGORY_SYSTEM))
      kinds.gpSummaries = true;
    else if (code === CONTACT_CATEGORY.code && (system === undefined || system === CONTACT_CATEGORY.system))
      kinds.contacts = true;
    else {
      problems.push({
        field: 'category',
        code: 'value',
        message: `category is ${COMMUNICATION_CATEGORY_SYSTEM}|notification (GP summaries) or ${CONTACT_CATEGORY.system}|${CONTACT_CATEGORY.code} (contacts with the patient)`,
      });
      break;
    }
  }
  return kinds;
}
