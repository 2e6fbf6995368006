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
  source: 'structure' | 'terminology' | 'gravity';
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
