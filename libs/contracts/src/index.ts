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
  ORGANISATION_KINDS,
  OrganisationRegisteredV1Schema,
  OrganisationRegisteredV1,
} from './events/organisation.registered.v1.event';
export type { OrganisationRegisteredV1Data } from './events/organisation.registered.v1.event';
export {
  OrganisationContactEmailChangedV1Schema,
  OrganisationContactEmailChangedV1,
} from './events/organisation.contact-email-changed.v1.event';
export type { OrganisationContactEmailChangedV1Data } from './events/organisation.contact-email-changed.v1.event';
export {
  OrganisationReinstatedV1Schema,
  OrganisationReinstatedV1,
} from './events/organisation.reinstated.v1.event';
export type { OrganisationReinstatedV1Data } from './events/organisation.reinstated.v1.event';
export {
  OrganisationSuspendedV1Schema,
  OrganisationSuspendedV1,
} from './events/organisation.suspended.v1.event';
export type { OrganisationSuspendedV1Data } from './events/organisation.suspended.v1.event';
export {
  OrganisationUnverifiedV1Schema,
  OrganisationUnverifiedV1,
} from './events/organisation.unverified.v1.event';
export type { OrganisationUnverifiedV1Data } from './events/organisation.unverified.v1.event';
export {
  OrganisationVerifiedV1Schema,
  OrganisationVerifiedV1,
} from './events/organisation.verified.v1.event';
export type { OrganisationVerifiedV1Data } from './events/organisation.verified.v1.event';
export { ReferralAcceptedV1Schema, ReferralAcceptedV1 } from './events/referral.accepted.v1.event';
export type { ReferralAcceptedV1Data } from './events/referral.accepted.v1.event';
export { ReferralCancelledV1Schema, ReferralCancelledV1 } from './events/referral.cancelled.v1.event';
export type { ReferralCancelledV1Data } from './events/referral.cancelled.v1.event';
export { ReferralCompletedV1Schema, ReferralCompletedV1 } from './events/referral.completed.v1.event';
export type { ReferralCompletedV1Data } from './events/referral.completed.v1.event';
export {
  ReferralConsentWithdrawnV1Schema,
  ReferralConsentWithdrawnV1,
} from './events/referral.consent-withdrawn.v1.event';
export type { ReferralConsentWithdrawnV1Data } from './events/referral.consent-withdrawn.v1.event';
export {
  ReferralEnteredInErrorV1Schema,
  ReferralEnteredInErrorV1,
} from './events/referral.entered-in-error.v1.event';
export type { ReferralEnteredInErrorV1Data } from './events/referral.entered-in-error.v1.event';
export { ReferralExpiredV1Schema, ReferralExpiredV1 } from './events/referral.expired.v1.event';
export type { ReferralExpiredV1Data } from './events/referral.expired.v1.event';
export { ReferralFailedV1Schema, ReferralFailedV1 } from './events/referral.failed.v1.event';
export type { ReferralFailedV1Data } from './events/referral.failed.v1.event';
export {
  GP_SUMMARY_CLOSING_STATUSES,
  ReferralGpSummaryIssuedV1Schema,
  ReferralGpSummaryIssuedV1,
} from './events/referral.gp-summary-issued.v1.event';
export type { ReferralGpSummaryIssuedV1Data } from './events/referral.gp-summary-issued.v1.event';
export {
  ReferralOnwardCreatedV1Schema,
  ReferralOnwardCreatedV1,
} from './events/referral.onward-created.v1.event';
export type { ReferralOnwardCreatedV1Data } from './events/referral.onward-created.v1.event';
export { ReferralPutOnHoldV1Schema, ReferralPutOnHoldV1 } from './events/referral.put-on-hold.v1.event';
export type { ReferralPutOnHoldV1Data } from './events/referral.put-on-hold.v1.event';
export { ReferralRejectedV1Schema, ReferralRejectedV1 } from './events/referral.rejected.v1.event';
export type { ReferralRejectedV1Data } from './events/referral.rejected.v1.event';
export { ReferralReminderDueV1Schema, ReferralReminderDueV1 } from './events/referral.reminder-due.v1.event';
export type { ReferralReminderDueV1Data } from './events/referral.reminder-due.v1.event';
export { ReferralResumedV1Schema, ReferralResumedV1 } from './events/referral.resumed.v1.event';
export type { ReferralResumedV1Data } from './events/referral.resumed.v1.event';
export { ReferralStartedV1Schema, ReferralStartedV1 } from './events/referral.started.v1.event';
export type { ReferralStartedV1Data } from './events/referral.started.v1.event';
export {
  REFERRAL_PRIORITIES,
  ReferralSubmittedV1Schema,
  ReferralSubmittedV1,
} from './events/referral.submitted.v1.event';
export type { ReferralSubmittedV1Data } from './events/referral.submitted.v1.event';
export { ReferralSubmittedV2Schema, ReferralSubmittedV2 } from './events/referral.submitted.v2.event';
export type { ReferralSubmittedV2Data } from './events/referral.submitted.v2.event';
export {
  REFUSAL_REASON_CODES,
  ReferralRefusedV1Schema,
  ReferralRefusedV1,
} from './events/referral.refused.v1.event';
export type { ReferralRefusedV1Data, RefusalReasonCode } from './events/referral.refused.v1.event';
export {
  AGE_BANDS,
  SEX_CODES,
  ETHNIC_CATEGORIES,
  ETHNIC_CATEGORY_NAMES,
  IMD_DECILES,
  PopulationCodes,
  ageBandOf,
} from './population/population';
export type { AgeBand, SexCode, EthnicCategory, ImdDecile } from './population/population';
export {
  ServiceCapacityChangedV1Schema,
  ServiceCapacityChangedV1,
} from './events/service.capacity-changed.v1.event';
export type { ServiceCapacityChangedV1Data } from './events/service.capacity-changed.v1.event';
export {
  SERVICE_STATUSES,
  ServicePublishedV1Schema,
  ServicePublishedV1,
} from './events/service.published.v1.event';
export type { ServicePublishedV1Data } from './events/service.published.v1.event';
export { ServicePublishedV2Schema, ServicePublishedV2 } from './events/service.published.v2.event';
export type { ServicePublishedV2Data } from './events/service.published.v2.event';
export { ServiceUpdatedV1Schema, ServiceUpdatedV1 } from './events/service.updated.v1.event';
export type { ServiceUpdatedV1Data } from './events/service.updated.v1.event';
export { ServiceWithdrawnV1Schema, ServiceWithdrawnV1 } from './events/service.withdrawn.v1.event';
export type { ServiceWithdrawnV1Data } from './events/service.withdrawn.v1.event';
export {
  statusChangeFields,
  ReasonCode,
  OutcomeCodes,
  Ons4Scores,
  Wellbeing,
  TASK_STATUSES,
  REFERRAL_REASON_CODES,
  ACTOR_ROLES,
} from './events/referral-change.fields';
export type { TaskStatus, ReferralReasonCode } from './events/referral-change.fields';
export { serviceListingFields, CAPACITY_STATUSES, EVIDENCE_TYPES } from './events/directory.fields';
export type { CapacityStatus, EvidenceType } from './events/directory.fields';

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

export {
  DIRECTORY_ID_NAMESPACE,
  derivedDirectoryId,
  directoryId,
  directoryIdForSlug,
  isUuid,
} from './directory-ids';
export type { DirectoryTable } from './directory-ids';

export {
  NEED_SYSTEM,
  NEED_TERMS,
  NEED_CODES,
  SNOMED_CT_ID,
  isPlatformNeedCode,
  isKnownNeedCode,
  NEED_MAPPING_VERSION,
  SNOMED_CT_SYSTEM,
  SDOHCC_TEMPORARY_CODES_SYSTEM,
  SDOHCC_CATEGORY_VALUE_SET,
  SNOMED_NEED_MAPPING,
  SNOMED_GENERIC_REFERRAL_CODES,
  SDOH_CATEGORY_NEED_MAPPING,
  needForSnomed,
  isGenericReferralCode,
  sdohCategory,
} from './needs';
export type { NeedCode, NeedTerm, SnomedNeedRow, SdohCategoryRow } from './needs';
export {
  ReferralAssignedV1Schema,
  ReferralAssignedV1,
  ASSIGNMENT_ACTIONS,
  REASSIGNMENT_REASON_CODES,
} from './events/referral.assigned.v1.event';
export type {
  ReferralAssignedV1Data,
  AssignmentAction,
  ReassignmentReasonCode,
} from './events/referral.assigned.v1.event';
export {
  ReferralFirstContactMadeV1Schema,
  ReferralFirstContactMadeV1,
  CONTACT_METHODS,
} from './events/referral.first-contact-made.v1.event';
export type {
  ReferralFirstContactMadeV1Data,
  ContactMethod,
} from './events/referral.first-contact-made.v1.event';
export { TeamCaseloadChangedV1Schema, TeamCaseloadChangedV1 } from './events/team.caseload-changed.v1.event';
export type { TeamCaseloadChangedV1Data } from './events/team.caseload-changed.v1.event';
export {
  PARTNER_TOPIC_PREFIX,
  PARTNER_STRUCTURED_CONTENT_TYPE,
  PartnerReferralEventDataV1Schema,
  PartnerReferralEventV1Schema,
  partnerPrefix,
  partnerReferralEventProblems,
  partnerReferralEventV1Example,
  partnerReferralTopic,
} from './partner/partner-referral-event.v1';
export type { PartnerReferralEventDataV1, PartnerReferralEventV1 } from './partner/partner-referral-event.v1';
