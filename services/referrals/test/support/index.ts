/** Shared set-up of the referrals service's end-to-end specs (real Kafka, MongoDB and Redis). */
export { DirectoryFeed, waitForReplica, type ReplicaExpectation } from './directory-feed';
export { send, type Reply } from './http';
export { bootReferrals, testRun, type ReferralsApp } from './referrals-app';
export {
  AUDIENCE,
  startTokenServer,
  testPrincipals,
  type TestOrganisations,
  type TestParty,
  type TokenServer,
} from './tokens';
export { readTopicFromNow, type TopicRecord } from './topic-reader';
