// Pure part of the FHIR validation helpers: turns what the validators report into one list of
// OperationOutcome-like issues, each with its FHIRPath expression. Unit-tested without loading
// the definitions.
import type { OperationOutcomeIssue } from '@medplum/fhirtypes';

export type FhirIssueSeverity = 'fatal' | 'error' | 'warning' | 'information';

export interface FhirIssue {
  severity: FhirIssueSeverity;
  /** OperationOutcome issue type (structure, invariant, code-invalid, ...). */
  code: string;
  /** FHIRPath expressions of the offending element (empty for the resource as a whole). */
  expression: string[];
  diagnostics: string;
  /** Which check reported it: R4 structure and invariants, R4 terminology, pinned Gravity codes. */
  source: 'structure' | 'terminology' | 'gravity' | 'json' | 'hapi';
}

/** A message of FHIR.js's validator (`fhir` package). */
export interface TerminologyMessage {
  location?: string;
  resourceId?: string;
  severity?: string;
  message?: string;
}

export interface CollectInput {
  structure: OperationOutcomeIssue[];
  terminology: TerminologyMessage[];
  /** Pinned code systems: url -> code -> display. */
  gravity: ReadonlyMap<string, ReadonlyMap<string, string | undefined>>;
  resource: { resourceType: string };
}

export function collectIssues(input: CollectInput): FhirIssue[] {
  return [
    ...input.structure.map(fromStructure),
    ...input.terminology.map(fromTerminology),
    ...gravityIssues(input.resource, input.gravity),
    ...jsonRuleIssues(input.resource),
  ];
}

function severityOf(value: string | undefined): FhirIssueSeverity {
  switch (value) {
    case 'fatal':
    case 'error':
    case 'warning':
      return value;
    default:
      return 'information';
  }
}

export function fromStructure(issue: OperationOutcomeIssue): FhirIssue {
  const text = [issue.details?.text, issue.diagnostics].filter((t) => t !== undefined).join(' ');
  return {
    severity: severityOf(issue.severity),
    code: issue.code ?? 'processing',
    expression: issue.expression ?? [],
    diagnostics: text,
    source: 'structure',
  };
}

/**
 * FHIR.js names the element relative to the resource it is in: `location` starts with that
 * resource's type and `resourceId` is the path of the resource (`#initial` for the root).
 */
export function fromTerminology(message: TerminologyMessage): FhirIssue {
  const location = message.location ?? '';
  const within = message.resourceId;
  let expression = location;
  if (within !== undefined && within !== '#initial' && within.includes('.')) {
    const dot = location.indexOf('.');
    expression = dot === -1 ? within : `${within}${location.slice(dot)}`;
  }
  const severity = severityOf(message.severity);
  const text = message.message ?? '';
  return {
    severity,
    code: /value set/i.test(text) ? 'code-invalid' : 'structure',
    expression: expression === '' ? [] : [expression],
    diagnostics: text,
    source: 'terminology',
  };
}

/**
 * Every Coding (an object with `system` and `code`) whose system is a pinned code system must use
 * one of its codes; a display, when given, should be the code system's.
 */
export function gravityIssues(
  resource: { resourceType: string },
  codeSystems: ReadonlyMap<string, ReadonlyMap<string, string | undefined>>,
): FhirIssue[] {
  const issues: FhirIssue[] = [];
  const visit = (value: unknown, path: string): void => {
    if (Array.isArray(value)) {
      value.forEach((item, i) => visit(item, `${path}[${i}]`));
      return;
    }
    if (value === null || typeof value !== 'object') return;
    const node = value as Record<string, unknown>;
    const system = node['system'];
    const code = node['code'];
    if (typeof system === 'string' && typeof code === 'string') {
      const concepts = codeSystems.get(system);
      if (concepts) {
        if (!concepts.has(code)) {
          issues.push({
            severity: 'error',
            code: 'code-invalid',
            expression: [path],
            diagnostics: `Unknown code '${code}' in the CodeSystem '${system}'`,
            source: 'gravity',
          });
        } else {
          const display = node['display'];
          const expected = concepts.get(code);
          if (typeof display === 'string' && expected !== undefined && display !== expected) {
            issues.push({
              severity: 'warning',
              code: 'code-invalid',
              expression: [`${path}.display`],
              diagnostics: `Wrong display '${display}' for ${system}#${code}: should be '${expected}'`,
              source: 'gravity',
            });
          }
        }
      }
    }
    for (const [key, child] of Object.entries(node)) {
      visit(child, `${path}.${key}`);
    }
  };
  visit(resource, resource.resourceType);
  return issues;
}

const ID = /^[A-Za-z0-9\-.]{1,64}$/;

/**
 * Rules of the R4 specification that Medplum's validator does not enforce (found by testing it):
 * no empty strings in FHIR JSON (json.html: "string property values can never be empty"), a
 * resource id matches the `id` type's regex (Resource.id is typed System.String in the
 * definitions), and dom-3 (a contained resource is referenced from its container, or refers to
 * it with "#").
 */
export function jsonRuleIssues(resource: { resourceType: string }): FhirIssue[] {
  const issues: FhirIssue[] = [];
  const error = (path: string, code: string, diagnostics: string) =>
    issues.push({ severity: 'error', code, expression: [path], diagnostics, source: 'json' });
  const references = (value: unknown, out: string[]): string[] => {
    if (Array.isArray(value)) value.forEach((v) => references(v, out));
    else if (value !== null && typeof value === 'object') {
      for (const [key, child] of Object.entries(value)) {
        if (key === 'reference' && typeof child === 'string') out.push(child);
        else references(child, out);
      }
    }
    return out;
  };
  const visit = (value: unknown, path: string): void => {
    if (value === '') error(path, 'value', 'Empty strings are not allowed in FHIR JSON');
    if (Array.isArray(value)) {
      value.forEach((item, i) => visit(item, `${path}[${i}]`));
      return;
    }
    if (value === null || typeof value !== 'object') return;
    const node = value as Record<string, unknown>;
    if (typeof node['resourceType'] === 'string' && node['id'] !== undefined) {
      if (typeof node['id'] !== 'string' || !ID.test(node['id'])) {
        error(`${path}.id`, 'value', `Resource id ${JSON.stringify(node['id'])} is not a valid id`);
      }
    }
    if (Array.isArray(node['contained'])) {
      const all = references(node, []);
      node['contained'].forEach((contained: unknown, i) => {
        const id = (contained as { id?: unknown } | null)?.id;
        const refersToContainer = references(contained, []).includes('#');
        if (typeof id === 'string' && !all.includes(`#${id}`) && !refersToContainer) {
          error(
            `${path}.contained[${i}]`,
            'invariant',
            'Constraint dom-3 not met: a contained resource is referenced from elsewhere in the resource or refers to the containing resource',
          );
        }
      });
    }
    for (const [key, child] of Object.entries(node)) visit(child, `${path}.${key}`);
  };
  visit(resource, resource.resourceType);
  return issues;
}

export function errorIssues(issues: FhirIssue[]): FhirIssue[] {
  return issues.filter((i) => i.severity === 'error' || i.severity === 'fatal');
}

export function formatIssues(issues: FhirIssue[]): string {
  return issues
    .map(
      (i) =>
        `  ${i.severity} [${i.source}/${i.code}] ${i.expression.join(', ') || '(resource)'}: ${i.diagnostics}`,
    )
    .join('\n');
}
