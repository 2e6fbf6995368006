export { waitFor, StopWaiting } from './wait-for';
export type { WaitForOptions } from './wait-for';
export { uniqueName, testDatabaseName } from './unique-name';
export { testInfra, mongoUrlWithDatabase } from './test-infra';
export { validateFhir, expectValidFhir, GRAVITY_DIR } from './fhir-validation';
export { errorIssues, formatIssues } from './fhir-issues';
export { validateFhirWithHapi, expectValidFhirByHapi, fromHapiOutcome } from './hapi-validator';
export type { FhirIssue, FhirIssueSeverity } from './fhir-issues';
export { createOidcPerson, localOidcIssuersEnv } from './oidc-people';
export type { NewOidcPerson, OidcPerson } from './oidc-people';
export {
  oidcSignIn,
  OidcSignInError,
  LOCAL_OIDC_PORTAL_CLIENT,
  LOCAL_OIDC_API_RESOURCE,
  LOCAL_OIDC_OTHER_RESOURCE,
} from './oidc-sign-in';
export type { OidcSignIn, OidcSignInOptions } from './oidc-sign-in';
export { groupCaughtUp, startGroupsAtTopicsEnd } from './kafka-groups';
export type { StartGroupsAtEndOptions } from './kafka-groups';
