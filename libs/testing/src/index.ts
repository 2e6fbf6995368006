export { waitFor, StopWaiting } from './wait-for';
export type { WaitForOptions } from './wait-for';
export { uniqueName, testDatabaseName } from './unique-name';
export { testInfra, mongoUrlWithDatabase } from './test-infra';
export { validateFhir, expectValidFhir, GRAVITY_DIR } from './fhir-validation';
export { errorIssues, formatIssues } from './fhir-issues';
export { validateFhirWithHapi, expectValidFhirByHapi, fromHapiOutcome } from './hapi-validator';
export type { FhirIssue, FhirIssueSeverity } from './fhir-issues';
