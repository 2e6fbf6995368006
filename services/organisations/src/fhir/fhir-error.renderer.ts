import type { ServerResponse } from 'node:http';
import type { ErrorRenderer, ProblemDocument } from '@sp/service-kit';
import { FHIR_JSON, operationOutcome } from './fhir-mapping';

/** Errors under /fhir are OperationOutcomes (application/fhir+json), not problem+json. */
export const fhirErrorRenderer: ErrorRenderer = {
  handles: (path) => path === '/fhir' || path.startsWith('/fhir/'),
  render(res: ServerResponse, problem: ProblemDocument): void {
    res.statusCode = problem.status;
    res.setHeader('Content-Type', `${FHIR_JSON}; charset=utf-8`);
    if (problem.correlationId) res.setHeader('X-Correlation-Id', problem.correlationId);
    res.end(JSON.stringify(operationOutcome(problem)));
  },
};
