export { Topics, deadLetterTopicName, isDeadLetterTopic } from './topics';
export type { TopicDefinition } from './topics';
export { defineEvent, eventTypeFor, CLOUD_EVENT_TYPE_PREFIX } from './event-contract';
export type { EventContract, ServiceName } from './event-contract';
export { ContractViolationError } from './contract.errors';
export type { ContractViolationCode } from './contract.errors';
export { ContractRegistry, assertValidData } from './contract-registry';
export { contractRegistry, platformContracts } from './platform-contracts';

export { Code, Id, OccurredAt, OdsCode, PatientKey, StringEnum } from './events/fields.schema';
export {
  ReferralSubmittedV1,
  ReferralSubmittedV1Schema,
  REFERRAL_PRIORITIES,
} from './events/referral.submitted.v1.event';
export type { ReferralSubmittedV1Data } from './events/referral.submitted.v1.event';
export {
  OrganisationRegisteredV1,
  OrganisationRegisteredV1Schema,
  ORGANISATION_KINDS,
} from './events/organisation.registered.v1.event';
export type { OrganisationRegisteredV1Data } from './events/organisation.registered.v1.event';
export {
  ServicePublishedV1,
  ServicePublishedV1Schema,
  SERVICE_STATUSES,
} from './events/service.published.v1.event';
export type { ServicePublishedV1Data } from './events/service.published.v1.event';

export { createEnvelope, validateEnvelope, EnvelopeAttributesSchema } from './envelope/event-envelope';
export type { EventEnvelope, EnvelopeMeta } from './envelope/event-envelope';
export {
  toKafkaRecord,
  fromKafkaRecord,
  CloudEventHeaders,
  JSON_CONTENT_TYPE,
} from './envelope/cloudevents-kafka';
export type { KafkaRecord, IncomingKafkaRecord } from './envelope/cloudevents-kafka';

export {
  buildAsyncApiDocument,
  messageIdFor,
  deadLetterMessageIdFor,
} from './asyncapi/build-asyncapi-document';
export type { AsyncApiDocument } from './asyncapi/build-asyncapi-document';
