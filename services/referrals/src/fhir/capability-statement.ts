import { SUBSCRIPTION_CAPABILITY } from '../fhir-subscriptions/subscription-capability';
import { COMMUNICATION_SEARCH_PARAMS } from '../gp-summary/read-gp-summary/communication-search.request';
import { CARE_PLAN_SEARCH_PARAMS } from './case-record/care-plan-search.request';
import { GOAL_SEARCH_PARAMS } from './case-record/goal-search.request';
import { FHIR_VERSION, FHIR_JSON, JSON_PATCH, NHS_NUMBER_SYSTEM, ODS_CODE_SYSTEM } from './fhir.constants';
import { SERVICE_REQUEST_SEARCH_PARAMS } from './service-request-search';
import { TASK_INCLUDES, TASK_SEARCH_PARAMS } from './task-search';

/**
 * What the /fhir endpoint supports, and nothing more: test/fhir-http.spec.ts checks every
 * interaction here against the controllers' routes and every /fhir route against this list, and
 * the search parameters declared against those the searches accept.
 */

export type Interaction =
  'read' | 'vread' | 'update' | 'patch' | 'create' | 'search-type' | 'history-instance';

export interface ResourceCapability {
  type: string;
  interactions: Interaction[];
  searchParams: { name: string; type: string; documentation: string }[];
  documentation: string;
  conditionalCreate?: boolean;
  conditionalUpdate?: boolean;
  searchInclude?: readonly string[];
  versioning?: 'no-version' | 'versioned' | 'versioned-update';
}

type SearchParamDoc = ResourceCapability['searchParams'][number];

const COMMON_PARAM_DOCS = {
  _lastUpdated: { type: 'date', documentation: 'gt, ge, lt or le followed by a date or dateTime with zone' },
  _count: { type: 'number', documentation: 'Page size, 1-100 (default 20)' },
  _offset: { type: 'number', documentation: 'Zero-based index of the first result' },
};

const TASK_PARAM_DOCS: Record<(typeof TASK_SEARCH_PARAMS)[number], Omit<SearchParamDoc, 'name'>> = {
  owner: {
    type: 'reference',
    documentation:
      'Organization/<id>, HealthcareService/<id> or an organisation id; owner:missing=true finds open referrals (no owner yet, claimable), owner:missing=false owned ones',
  },
  requester: { type: 'reference', documentation: 'Organization/<id> or an organisation id' },
  status: { type: 'token', documentation: 'Task status; several separated by commas' },
  focus: { type: 'reference', documentation: 'ServiceRequest/<id>' },
  'part-of': { type: 'reference', documentation: 'Task/<id>: onward referrals of a referral' },
  ...COMMON_PARAM_DOCS,
};

/** Keyed by the parameter as sent; a `name:modifier` key is declared under `name`. */
const SERVICE_REQUEST_PARAM_DOCS: Record<
  (typeof SERVICE_REQUEST_SEARCH_PARAMS)[number],
  Omit<SearchParamDoc, 'name'>
> = {
  'subject:identifier': {
    type: 'reference',
    documentation: `Only with the :identifier modifier: subject:identifier=${NHS_NUMBER_SYSTEM}|<NHS number> (one patient's referrals)`,
  },
  requester: { type: 'reference', documentation: 'Organization/<id> or an organisation id' },
  performer: { type: 'reference', documentation: 'HealthcareService/<id> or a directory service id' },
  status: { type: 'token', documentation: 'ServiceRequest status; several separated by commas' },
  'based-on': { type: 'reference', documentation: 'ServiceRequest/<id>: onward referrals of a referral' },
  _id: { type: 'token', documentation: 'Referral id; up to 100 separated by commas' },
  ...COMMON_PARAM_DOCS,
};

const COMMUNICATION_PARAM_DOCS: Record<
  (typeof COMMUNICATION_SEARCH_PARAMS)[number],
  Omit<SearchParamDoc, 'name'>
> = {
  'based-on': {
    type: 'reference',
    documentation: "ServiceRequest/<id>: that referral's summary and its contacts with the patient",
  },
  category: {
    type: 'token',
    documentation:
      'http://terminology.hl7.org/CodeSystem/communication-category|notification (GP summaries) or https://socialprescribing.example.org/CodeSystem/communication-category|patient-contact (contacts with the patient); the code alone also matches; comma-separated for either',
  },
  subject: {
    type: 'reference',
    documentation:
      "Patient/<id> (the pseudonymous patient key of Task.for): that patient's contacts (a GP summary's patient is contained, so subject finds contacts only)",
  },
  recipient: {
    type: 'reference',
    documentation: `Organization/<id> or an organisation id, or with the :identifier modifier recipient:identifier=${ODS_CODE_SYSTEM}|<ODS code> (a practice's summaries; recipient finds GP summaries only)`,
  },
  'recipient:identifier': { type: 'reference', documentation: 'Declared under recipient' },
  ...COMMON_PARAM_DOCS,
};

const CARE_PLAN_PARAM_DOCS: Record<(typeof CARE_PLAN_SEARCH_PARAMS)[number], Omit<SearchParamDoc, 'name'>> = {
  subject: {
    type: 'reference',
    documentation: "Patient/<id> (the pseudonymous patient key of Task.for): the patient's plans",
  },
  _id: {
    type: 'token',
    documentation: "The referral id (a CarePlan has its referral's id); up to 100 separated by commas",
  },
  _count: COMMON_PARAM_DOCS._count,
  _offset: COMMON_PARAM_DOCS._offset,
};

const GOAL_PARAM_DOCS: Record<(typeof GOAL_SEARCH_PARAMS)[number], Omit<SearchParamDoc, 'name'>> = {
  ...CARE_PLAN_PARAM_DOCS,
  subject: {
    type: 'reference',
    documentation: 'Patient/<id> (the pseudonymous patient key of Task.for): what matters to that patient',
  },
  _id: { type: 'token', documentation: 'Goal ids; up to 100 separated by commas' },
};

function searchParams<P extends string>(
  params: readonly P[],
  docs: Record<P, Omit<SearchParamDoc, 'name'>>,
): SearchParamDoc[] {
  return params.map((param) => ({ name: param.split(':')[0]!, ...docs[param] }));
}

export const RESOURCE_CAPABILITIES: ResourceCapability[] = [
  {
    type: 'ServiceRequest',
    interactions: ['create', 'read', 'search-type'],
    searchParams: searchParams(SERVICE_REQUEST_SEARCH_PARAMS, SERVICE_REQUEST_PARAM_DOCS),
    conditionalCreate: true,
    versioning: 'versioned',
    documentation:
      'A referral. Create with the Patient contained (#patient, or subject.identifier with the NHS number and the Patient contained) and the Consent contained and referenced from supportingInfo; conditional create with If-None-Exist: identifier=system|value. basedOn a parent makes an onward referral. Search finds only the referrals the caller may see; unknown or malformed parameters are refused (400). Create honours Prefer: return=minimal|representation|OperationOutcome.',
  },
  {
    type: 'Task',
    interactions: ['read', 'vread', 'history-instance', 'search-type', 'patch', 'update'],
    searchParams: searchParams(TASK_SEARCH_PARAMS, TASK_PARAM_DOCS),
    searchInclude: TASK_INCLUDES,
    conditionalUpdate: false,
    versioning: 'versioned-update',
    documentation: `The referral's status (Gravity closed-loop Task). PATCH (${JSON_PATCH}) or PUT change status, statusReason, output (with contained Procedures of SDOHCC resulting-activity outputs) and (to claim an open referral) owner; If-Match W/"<versionId>" is honoured (412 when stale) and required on PUT (428); Prefer: return=minimal|representation|OperationOutcome.`,
  },
  {
    type: 'Patient',
    interactions: ['read'],
    searchParams: [],
    documentation:
      'The patient of a referral the caller may see; the id is the pseudonymous patient key of Task.for (also contained in ServiceRequest as #patient). Unknown or not visible: 404. Every read is audited.',
  },
  {
    type: 'Communication',
    interactions: ['read', 'search-type'],
    searchParams: searchParams(COMMUNICATION_SEARCH_PARAMS, COMMUNICATION_PARAM_DOCS).filter(
      (p, i, all) => all.findIndex((q) => q.name === p.name) === i,
    ),
    documentation:
      'The message back to the GP (PRSB Social Prescribing Information Standard): a coded summary of a closed referral (completed, rejected, cancelled, failed or expired), issued once per referral to the practice that made it (the root referral for an onward one). topic and reasonCode carry the national SNOMED CT codes for the record (871731000000106 Referral to social prescribing service, 871711000000103 Social prescribing declined) with the coded status reason and outcomes; basedOn the ServiceRequest, about the Task, payload a plain-language account, the Task and the HealthcareService. Readable by the practice and the organisation that took the referral on or closed it (others: 404); every read is audited. ' +
      'Also served here, category patient-contact: each contact (or attempt) with the patient recorded in the case record: status completed when the patient was reached, not-done with statusReason (contact-outcome: no-answer, declined, wrong-number) otherwise; medium the method (v3 ParticipationMode PHONE, FACE, VIDEOCONF, and always the platform contact-method code; a text message has no R4 ParticipationMode code); sent when; sender the person (identifier: their subject at the identity provider) or the organisation; subject and recipient the Patient (pseudonymous id); basedOn the ServiceRequest, partOf the Task; payload the summary text until consent withdrawal removes it. Readable by the organisation holding the referral only (the referring practice 403, others 404); every read is audited. Search returns GP summaries first, then contacts.',
  },
  {
    type: 'Procedure',
    interactions: [],
    searchParams: [],
    documentation:
      'Only contained in the Task (#procedure-n), referenced from Task.output of type SDOHCC resulting-activity; no Procedure endpoint.',
  },
  {
    type: 'Condition',
    interactions: [],
    searchParams: [],
    documentation:
      'Accepted with a new referral (Gravity SDOHCC Condition, health concern): a transaction entry or contained in the ServiceRequest, referenced from reasonReference or supportingInfo (or addresses of a Goal sent). Its SNOMED CT code and SDOH category become needs through the published need mapping; its code is kept with the referral and shown contained in the ServiceRequest (#condition-n, reasonReference). No Condition endpoint.',
  },
  {
    type: 'Goal',
    interactions: ['read', 'search-type'],
    searchParams: searchParams(GOAL_SEARCH_PARAMS, GOAL_PARAM_DOCS),
    documentation:
      'What matters to the person (case record, PRSB "what matters to me"): description.text in their words (after consent withdrawal a data-absent-reason masked), lifecycleStatus active, completed (achieved) or cancelled (no longer relevant), subject and expressedBy the patient, startDate when agreed, addresses the referral (ServiceRequest). Readable by the organisation holding the referral only (the referring practice 403, others 404); every read is audited. A Goal sent with a new referral (Gravity SDOHCC Goal: a transaction entry or contained in the ServiceRequest) is accepted and its description kept with the referral; it is not served here.',
  },
  {
    type: 'CarePlan',
    interactions: ['read', 'search-type'],
    searchParams: searchParams(CARE_PLAN_SEARCH_PARAMS, CARE_PLAN_PARAM_DOCS),
    documentation:
      "A referral's support plan (case record), id the referral's id, once it has an action: intent plan, status from the referral (active, on-hold, completed, revoked), subject the patient, supportingInfo the ServiceRequest (R4 CarePlan.basedOn may only reference a CarePlan), goal the what-matters Goals, addresses the case's coded needs as contained Conditions (clinicalStatus active or resolved), one activity per agreed action (detail: status scheduled | in-progress | completed | cancelled, description, scheduledPeriod.end the due day, performer the owner; an onward referral in outcomeReference, as cpl-3 forbids reference with detail). Readable by the organisation holding the referral only (the referring practice 403, others 404); every read is audited.",
  },
];

export function capabilityStatement(base: string, now: Date): Record<string, unknown> {
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: now.toISOString(),
    kind: 'instance',
    software: { name: 'Social prescribing referrals service' },
    implementation: {
      description: 'Closed-loop social prescribing referrals (HL7 Gravity workflow)',
      url: base,
    },
    fhirVersion: FHIR_VERSION,
    format: ['json', FHIR_JSON],
    patchFormat: [JSON_PATCH],
    rest: [
      {
        mode: 'server',
        security: {
          cors: false,
          service: [
            {
              coding: [
                { system: 'http://terminology.hl7.org/CodeSystem/restful-security-service', code: 'OAuth' },
              ],
              text: 'OAuth2 client credentials (POST /oauth/token of the organisations service); send Authorization: Bearer <token>',
            },
          ],
          description:
            'Every endpoint but /fhir/metadata needs a bearer token. A practice sees its own referrals, a provider those of its services (and open ones it may claim), ops all.',
        },
        resource: [
          ...RESOURCE_CAPABILITIES.map((r) => ({
            type: r.type,
            documentation: r.documentation,
            // R4: an empty array is not allowed; a resource only accepted inside others has none
            ...(r.interactions.length > 0 ? { interaction: r.interactions.map((code) => ({ code })) } : {}),
            ...(r.versioning ? { versioning: r.versioning } : {}),
            ...(r.interactions.includes('read') ? { readHistory: r.interactions.includes('vread') } : {}),
            ...(r.conditionalCreate !== undefined ? { conditionalCreate: r.conditionalCreate } : {}),
            ...(r.conditionalUpdate !== undefined ? { conditionalUpdate: r.conditionalUpdate } : {}),
            ...(r.interactions.includes('update') ? { updateCreate: false } : {}),
            ...(r.searchInclude ? { searchInclude: [...r.searchInclude] } : {}),
            ...(r.searchParams.length > 0 ? { searchParam: r.searchParams } : {}),
          })),
          // Topic-based Subscriptions (R4 backport): see src/fhir-subscriptions.
          SUBSCRIPTION_CAPABILITY,
        ],
        interaction: [
          {
            code: 'transaction',
            documentation:
              'Patient + ServiceRequest + Consent [+ Task] [+ Condition, Goal] (one new referral), ServiceRequests basedOn a parent [+ Tasks partOf its Task] (onward referrals), or PUT Task/<id> (request.ifMatch) with POST Procedure entries its resulting-activity outputs reference by fullUrl (the Procedures are kept contained in the Task)',
          },
        ],
      },
    ],
  };
}
