import type { ServerResponse } from 'node:http';
import type { ErrorRenderer, ProblemDocument } from '@sp/service-kit';
import { FHIR_JSON } from './fhir.constants';
import type { OperationOutcome, OperationOutcomeIssue } from './fhir.types';

/**
 * Every error on a /fhir route as an OperationOutcome: the same status, code and field problems the
 * problem+json filter computed, with each field problem as an issue whose `expression` is the
 * FHIRPath of the failing element (the FHIR controllers translate intake field names before they
 * rethrow). Errors raised before any controller runs (body parsing, auth, unknown route) come
 * through the same renderer.
 */

/** Our error codes, quoted in issue.details.coding so clients can branch on them. */
export const ERROR_CODE_SYSTEM = 'https://socialprescribing.example.org/CodeSystem/error-code';

const ISSUE_FOR_STATUS: Record<number, string> = {
  400: 'invalid',
  401: 'security',
  403: 'forbidden',
  404: 'not-found',
  405: 'not-supported',
  406: 'not-supported',
  409: 'conflict',
  410: 'deleted',
  412: 'conflict',
  413: 'too-costly',
  415: 'not-supported',
  422: 'processing',
  428: 'required',
  429: 'throttled',
  503: 'transient',
};

/** issue.code for an error without field problems. */
export function issueCodeForStatus(status: number, code: string): string {
  if (code === 'REQUEST.MALFORMED_JSON') return 'structure';
  return ISSUE_FOR_STATUS[status] ?? (status >= 500 ? 'exception' : 'processing');
}

/** Field-problem codes (ours, FHIR's and @sp/validation's) -> FHIR issue-type codes. */
const ISSUE_FOR_PROBLEM: Record<string, string> = {
  required: 'required',
  structure: 'structure',
  unknown_field: 'structure',
  not_allowed: 'structure',
  wrong_type: 'structure',
  'not-supported': 'not-supported',
  'code-invalid': 'code-invalid',
  unknown_code: 'code-invalid',
  consent_required: 'business-rule',
  not_your_organisation: 'forbidden',
  forbidden: 'forbidden',
  conflict: 'conflict',
};

export function issueCodeForProblem(code: string): string {
  return ISSUE_FOR_PROBLEM[code] ?? 'value';
}

/** Whether a field names a FHIRPath (the FHIR controllers' translation) or a header. */
function isExpression(field: string): boolean {
  return /^[A-Z][A-Za-z]*(\.|\[|$)/.test(field);
}

export function toOperationOutcome(problem: ProblemDocument): OperationOutcome {
  const details = (code: string, textValue: string) => ({
    coding: [{ system: ERROR_CODE_SYSTEM, code }],
    text: textValue,
  });
  const diagnostics = problem.correlationId ? `correlationId: ${problem.correlationId}` : undefined;
  const issues: OperationOutcomeIssue[] =
    problem.errors && problem.errors.length > 0
      ? problem.errors.map((p) => ({
          severity: 'error',
          code: issueCodeForProblem(p.code),
          details: details(problem.code, p.message),
          ...(diagnostics ? { diagnostics } : {}),
          ...(p.field !== '' && isExpression(p.field) ? { expression: [p.field] } : {}),
        }))
      : [
          {
            severity: problem.status >= 500 ? 'fatal' : 'error',
            code: issueCodeForStatus(problem.status, problem.code),
            details: details(problem.code, problem.detail),
            ...(diagnostics ? { diagnostics } : {}),
          },
        ];
  // Problems naming a header (If-None-Exist, If-Match) keep it in the text instead of an expression.
  for (const [i, p] of (problem.errors ?? []).entries()) {
    const issue = issues[i];
    if (issue && p.field !== '' && !isExpression(p.field) && issue.details)
      issue.details.text = `${p.field}: ${p.message}`;
  }
  return { resourceType: 'OperationOutcome', issue: issues };
}

export function sendOperationOutcome(res: ServerResponse, status: number, outcome: OperationOutcome): void {
  const body = JSON.stringify(outcome);
  res.statusCode = status;
  res.setHeader('Content-Type', `${FHIR_JSON}; charset=utf-8`);
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.end(body);
}

/** True for `/fhir` and everything under it. */
export function isFhirPath(path: string): boolean {
  return path === '/fhir' || path.startsWith('/fhir/');
}

/** Registered with service-kit (ERROR_RENDERERS): OperationOutcome for every error under /fhir. */
export const fhirErrorRenderer: ErrorRenderer = {
  handles: isFhirPath,
  render(res, problem) {
    sendOperationOutcome(res, problem.status, toOperationOutcome(problem));
  },
};
