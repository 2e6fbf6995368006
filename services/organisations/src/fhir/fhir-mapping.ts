import type { ProblemDocument } from '@sp/service-kit';
import { CHARITY_IDENTIFIER_SCHEME, type StoredRecord } from '../hsds/domain/hsds-record';
import { NEED_SYSTEM } from '../hsds/platform-taxonomy';

// FHIR R4 views of directory entries, so referral clients can reference them the FHIR way
// (ServiceRequest.performer -> HealthcareService / Organization). Systems match the referrals
// service's FHIR constants.

export const FHIR_JSON = 'application/fhir+json';
export const ODS_CODE_SYSTEM = 'https://fhir.nhs.uk/Id/ods-organization-code';
/** org-id.guide scheme for Charity Commission (England and Wales) numbers. */
export const CHARITY_NUMBER_SYSTEM = `http://org-id.guide/list/${CHARITY_IDENTIFIER_SCHEME}`;
export const DIRECTORY_SERVICE_SYSTEM = 'https://socialprescribing.example.org/Id/service';
export const ORGANISATION_ID_SYSTEM = 'https://socialprescribing.example.org/Id/organisation';
const ORGANISATION_KIND_SYSTEM = 'https://socialprescribing.example.org/CodeSystem/organisation-kind';

type Resource = Record<string, unknown>;

function lastUpdated(record: StoredRecord): Record<string, unknown> {
  return record.sp?.modifiedAt ? { meta: { lastUpdated: new Date(record.sp.modifiedAt).toISOString() } } : {};
}

function telecom(record: StoredRecord): Resource[] {
  const out: Resource[] = [];
  const phones = Array.isArray(record['phones']) ? (record['phones'] as Resource[]) : [];
  for (const p of phones)
    if (typeof p['number'] === 'string') out.push({ system: 'phone', value: p['number'] });
  if (typeof record['email'] === 'string') out.push({ system: 'email', value: record['email'] });
  const url = record['website'] ?? record['url'];
  if (typeof url === 'string') out.push({ system: 'url', value: url });
  return out;
}

/**
 * HealthcareService from an HSDS service. `active` is true only while the service is listed in
 * the directory (HSDS status active, published, organisation not suspended); taxonomy terms of
 * our need taxonomy become `category` codings.
 */
export function healthcareService(
  service: StoredRecord,
  organisation: StoredRecord | null,
  termNames: Map<string, { code: string; name: string }>,
): Resource {
  const listed =
    service['status'] === 'active' &&
    service.sp?.publication !== 'withdrawn' &&
    organisation?.sp?.status !== 'suspended';
  const terms = service.sp?.taxonomyTermIds ?? [];
  const tel = telecom(service);
  const minAge = service['minimum_age'];
  const maxAge = service['maximum_age'];
  const eligibility = [
    typeof service['eligibility_description'] === 'string' ? service['eligibility_description'] : undefined,
    typeof minAge === 'number' || typeof maxAge === 'number'
      ? `Ages ${typeof minAge === 'number' ? minAge : 0} to ${typeof maxAge === 'number' ? maxAge : 'any'}`
      : undefined,
  ].filter((t): t is string => t !== undefined);
  return {
    resourceType: 'HealthcareService',
    id: service.id,
    ...lastUpdated(service),
    identifier: [{ system: DIRECTORY_SERVICE_SYSTEM, value: service.id }],
    active: listed,
    ...(organisation
      ? { providedBy: { reference: `Organization/${organisation.id}`, display: organisation['name'] } }
      : {}),
    ...(terms.length > 0
      ? {
          category: terms.map((id) => {
            const term = termNames.get(id);
            return {
              coding: [
                { system: NEED_SYSTEM, code: term?.code ?? id, ...(term ? { display: term.name } : {}) },
              ],
            };
          }),
        }
      : {}),
    name: service['name'],
    ...(typeof service['description'] === 'string' ? { comment: service['description'] } : {}),
    ...(tel.length > 0 ? { telecom: tel } : {}),
    ...(eligibility.length > 0 ? { eligibility: [{ comment: eligibility.join('. ') }] } : {}),
    ...(Array.isArray(service['languages'])
      ? {
          communication: (service['languages'] as Resource[])
            .filter((l) => typeof l['code'] === 'string')
            .map((l) => ({ coding: [{ system: 'urn:ietf:bcp:47', code: l['code'] }] })),
        }
      : {}),
  };
}

export function fhirOrganization(org: StoredRecord): Resource {
  const identifiers: Resource[] = [{ system: ORGANISATION_ID_SYSTEM, value: org.id }];
  if (org.sp?.odsCode) identifiers.push({ system: ODS_CODE_SYSTEM, value: org.sp.odsCode });
  if (org.sp?.charityNumber) identifiers.push({ system: CHARITY_NUMBER_SYSTEM, value: org.sp.charityNumber });
  const tel = telecom(org);
  return {
    resourceType: 'Organization',
    id: org.id,
    ...lastUpdated(org),
    identifier: identifiers,
    active: (org.sp?.status ?? 'active') === 'active',
    type: [{ coding: [{ system: ORGANISATION_KIND_SYSTEM, code: org.sp?.kind ?? 'vcs' }] }],
    name: org['name'],
    ...(typeof org['alternate_name'] === 'string' ? { alias: [org['alternate_name']] } : {}),
    ...(tel.length > 0 ? { telecom: tel } : {}),
  };
}

export function searchset(baseUrl: string, resources: Resource[], total: number, selfUrl: string): Resource {
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    total,
    link: [{ relation: 'self', url: selfUrl }],
    // R4: no empty arrays; a search that finds nothing has no entry
    ...(resources.length > 0
      ? {
          entry: resources.map((resource) => ({
            fullUrl: `${baseUrl}/${String(resource['resourceType'])}/${String(resource['id'])}`,
            resource,
            search: { mode: 'match' },
          })),
        }
      : {}),
  };
}

const ISSUE_CODE: Record<number, string> = {
  400: 'invalid',
  401: 'login',
  403: 'forbidden',
  404: 'not-found',
  405: 'not-supported',
  406: 'not-supported',
  409: 'conflict',
  413: 'too-long',
  415: 'not-supported',
  422: 'processing',
};

/** OperationOutcome for a problem: one issue per field problem (expression = the parameter), or one for the whole. */
export function operationOutcome(
  problem: Pick<ProblemDocument, 'status' | 'detail' | 'code' | 'errors'>,
): Resource {
  const code = ISSUE_CODE[problem.status] ?? (problem.status >= 500 ? 'exception' : 'processing');
  const severity = problem.status >= 500 ? 'fatal' : 'error';
  const issues =
    problem.errors && problem.errors.length > 0
      ? problem.errors.map((e) => ({ severity, code, diagnostics: e.message, expression: [e.field] }))
      : [{ severity, code, diagnostics: problem.detail }];
  return {
    resourceType: 'OperationOutcome',
    issue: issues.map((issue) => ({ ...issue, details: { text: problem.code } })),
  };
}
