/**
 * The slice of FHIR R4 this API reads and writes. Output types are precise; input is parsed from
 * `unknown` (see fhir-json.ts), never trusted to match these shapes.
 */

export interface Coding {
  system?: string;
  code?: string;
  display?: string;
}

export interface CodeableConcept {
  coding?: Coding[];
  text?: string;
}

export interface Identifier {
  system?: string;
  value?: string;
}

export interface Reference {
  reference?: string;
  identifier?: Identifier;
  display?: string;
}

export interface Meta {
  versionId?: string;
  lastUpdated?: string;
}

export interface Resource {
  resourceType: string;
  id?: string;
  meta?: Meta;
}

export interface Patient extends Resource {
  resourceType: 'Patient';
  identifier: Identifier[];
  name: { family: string; given: string[] }[];
  birthDate: string;
  gender?: string;
  address?: { use: 'home'; postalCode: string }[];
  extension?: {
    url: string;
    valueCodeableConcept: { coding: { system: string; code: string; display?: string }[] };
  }[];
}

export interface Annotation {
  text: string;
}

export interface ServiceRequest extends Resource {
  resourceType: 'ServiceRequest';
  contained?: Resource[];
  identifier?: Identifier[];
  basedOn?: Reference[];
  status: string;
  intent: 'order';
  category?: CodeableConcept[];
  priority: string;
  code: CodeableConcept;
  orderDetail?: CodeableConcept[];
  subject: Reference;
  authoredOn: string;
  requester: Reference;
  performer?: Reference[];
  reasonCode: CodeableConcept[];
  supportingInfo?: Reference[];
  note?: Annotation[];
}

export interface TaskInput {
  type: CodeableConcept;
  valueString?: string;
}

export interface TaskOutput {
  type: CodeableConcept;
  valueCodeableConcept?: CodeableConcept;
  valueInteger?: number;
  valueString?: string;
  valueReference?: Reference;
}

export interface Task extends Resource {
  resourceType: 'Task';
  /** The Procedures of resulting-activity outputs (Gravity closed loop). */
  contained?: Resource[];
  identifier?: Identifier[];
  basedOn?: Reference[];
  partOf?: Reference[];
  status: string;
  statusReason?: CodeableConcept;
  businessStatus?: CodeableConcept;
  intent: 'order';
  priority: string;
  code: CodeableConcept;
  focus: Reference;
  for: Reference;
  authoredOn: string;
  lastModified: string;
  requester: Reference;
  owner?: Reference;
  output?: TaskOutput[];
}

export interface OperationOutcomeIssue {
  severity: 'fatal' | 'error' | 'warning' | 'information';
  code: string;
  details?: CodeableConcept;
  diagnostics?: string;
  expression?: string[];
}

export interface OperationOutcome extends Resource {
  resourceType: 'OperationOutcome';
  issue: OperationOutcomeIssue[];
}

export interface BundleLink {
  relation: string;
  url: string;
}

export interface BundleEntry {
  fullUrl?: string;
  resource?: Resource;
  search?: { mode: 'match' | 'include' | 'outcome' };
  request?: { method: string; url: string };
  response?: {
    status: string;
    location?: string;
    etag?: string;
    lastModified?: string;
    outcome?: Resource;
  };
}

export interface Bundle extends Resource {
  resourceType: 'Bundle';
  type: 'searchset' | 'history' | 'transaction-response' | 'transaction';
  total?: number;
  link?: BundleLink[];
  entry?: BundleEntry[];
}
