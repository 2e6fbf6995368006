import {
  CHARITY_NUMBER_SYSTEM,
  DIRECTORY_SERVICE_SYSTEM,
  FHIR_JSON,
  ODS_CODE_SYSTEM,
  ORGANISATION_ID_SYSTEM,
} from './fhir-mapping';

/**
 * What the directory's FHIR R4 facade (/fhir) supports, and nothing more: read and search of
 * HealthcareService and Organization, public, JSON only. The search parameters are those the
 * controller reads (test/fhir-facade-conformance.int-spec.ts searches with each of them and
 * validates this statement against the R4 definitions).
 */

/** When this statement last changed (CapabilityStatement.date). */
export const CAPABILITY_STATEMENT_DATE = '2026-12-03';

interface SearchParam {
  name: string;
  type: 'token' | 'reference' | 'number';
  definition?: string;
  documentation: string;
}

const PAGING: SearchParam[] = [
  { name: '_count', type: 'number', documentation: 'Page size, 1-200 (default 50)' },
  { name: '_offset', type: 'number', documentation: 'Zero-based index of the first result' },
];

export const HEALTHCARE_SERVICE_SEARCH_PARAMS: readonly SearchParam[] = [
  {
    name: 'organization',
    type: 'reference',
    definition: 'http://hl7.org/fhir/SearchParameter/HealthcareService-organization',
    documentation: 'Organization/<id> or an organisation id: the services an organisation provides',
  },
  {
    name: 'service-category',
    type: 'token',
    definition: 'http://hl7.org/fhir/SearchParameter/HealthcareService-service-category',
    documentation: 'A need code of the platform taxonomy ([system]|code): services that meet that need',
  },
  {
    name: 'active',
    type: 'token',
    definition: 'http://hl7.org/fhir/SearchParameter/HealthcareService-active',
    documentation:
      'true: listed in the directory (active, published, organisation not suspended); false: the others',
  },
  ...PAGING,
];

export const ORGANIZATION_SEARCH_PARAMS: readonly SearchParam[] = [
  {
    name: 'identifier',
    type: 'token',
    definition: 'http://hl7.org/fhir/SearchParameter/Organization-identifier',
    documentation: `[system]|value with system ${ODS_CODE_SYSTEM} (ODS code), ${CHARITY_NUMBER_SYSTEM} (charity number) or ${ORGANISATION_ID_SYSTEM} (platform id); without a system, any of them`,
  },
  ...PAGING,
];

const READ_AND_SEARCH = [{ code: 'read' }, { code: 'search-type' }];

/** The CapabilityStatement served at GET /fhir/metadata; `baseUrl` is the facade's base (…/fhir). */
export function capabilityStatement(baseUrl: string): Record<string, unknown> {
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: CAPABILITY_STATEMENT_DATE,
    publisher: 'Social prescribing platform',
    kind: 'instance',
    implementation: {
      description: 'Social prescribing directory: FHIR R4 read facade over the HSDS directory',
      url: baseUrl,
    },
    fhirVersion: '4.0.1',
    format: ['json', FHIR_JSON],
    rest: [
      {
        mode: 'server',
        documentation:
          'Public and read-only, like the HSDS read API. Errors are OperationOutcomes naming each invalid parameter. A withdrawn service still reads, with active false.',
        resource: [
          {
            type: 'HealthcareService',
            profile: 'http://hl7.org/fhir/StructureDefinition/HealthcareService',
            documentation: `A directory service; identifier ${DIRECTORY_SERVICE_SYSTEM}|<id>`,
            interaction: READ_AND_SEARCH,
            searchParam: HEALTHCARE_SERVICE_SEARCH_PARAMS.map((p) => ({ ...p })),
          },
          {
            type: 'Organization',
            profile: 'http://hl7.org/fhir/StructureDefinition/Organization',
            documentation: 'A directory organisation (VCS organisation, practice, link-worker service)',
            interaction: READ_AND_SEARCH,
            searchParam: ORGANIZATION_SEARCH_PARAMS.map((p) => ({ ...p })),
          },
        ],
      },
    ],
  };
}
