export { waitFor, StopWaiting } from './wait-for';
export type { WaitForOptions } from './wait-for';
export { uniqueName, testDatabaseName } from './unique-name';
export { testInfra, mongoUrlWithDatabase } from './test-infra';
