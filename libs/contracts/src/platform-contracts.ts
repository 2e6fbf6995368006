import { ContractRegistry } from './contract-registry';
import type { EventContract } from './event-contract';
import { OrganisationContactEmailChangedV1 } from './events/organisation.contact-email-changed.v1.event';
import { OrganisationRegisteredV1 } from './events/organisation.registered.v1.event';
import { OrganisationReinstatedV1 } from './events/organisation.reinstated.v1.event';
import { OrganisationSuspendedV1 } from './events/organisation.suspended.v1.event';
import { OrganisationUnverifiedV1 } from './events/organisation.unverified.v1.event';
import { OrganisationVerifiedV1 } from './events/organisation.verified.v1.event';
import { ReferralAssignedV1 } from './events/referral.assigned.v1.event';
import { ReferralFirstContactMadeV1 } from './events/referral.first-contact-made.v1.event';
import { TeamCaseloadChangedV1 } from './events/team.caseload-changed.v1.event';
import { ReferralAcceptedV1 } from './events/referral.accepted.v1.event';
import { ReferralCancelledV1 } from './events/referral.cancelled.v1.event';
import { ReferralCompletedV1 } from './events/referral.completed.v1.event';
import { ReferralConsentWithdrawnV1 } from './events/referral.consent-withdrawn.v1.event';
import { ReferralEnteredInErrorV1 } from './events/referral.entered-in-error.v1.event';
import { ReferralExpiredV1 } from './events/referral.expired.v1.event';
import { ReferralFailedV1 } from './events/referral.failed.v1.event';
import { ReferralGpSummaryIssuedV1 } from './events/referral.gp-summary-issued.v1.event';
import { ReferralOnwardCreatedV1 } from './events/referral.onward-created.v1.event';
import { ReferralPutOnHoldV1 } from './events/referral.put-on-hold.v1.event';
import { ReferralRejectedV1 } from './events/referral.rejected.v1.event';
import { ReferralReminderDueV1 } from './events/referral.reminder-due.v1.event';
import { ReferralResumedV1 } from './events/referral.resumed.v1.event';
import { ReferralStartedV1 } from './events/referral.started.v1.event';
import { ReferralSubmittedV1 } from './events/referral.submitted.v1.event';
import { ReferralSubmittedV2 } from './events/referral.submitted.v2.event';
import { ReferralRefusedV1 } from './events/referral.refused.v1.event';
import { ServiceCapacityChangedV1 } from './events/service.capacity-changed.v1.event';
import { ServicePublishedV1 } from './events/service.published.v1.event';
import { ServicePublishedV2 } from './events/service.published.v2.event';
import { ServiceUpdatedV1 } from './events/service.updated.v1.event';
import { ServiceWithdrawnV1 } from './events/service.withdrawn.v1.event';

/** Every event contract of the platform. A new contract is added here, and nowhere else. */
export const platformContracts: EventContract[] = [
  OrganisationContactEmailChangedV1 as EventContract,
  OrganisationRegisteredV1 as EventContract,
  OrganisationReinstatedV1 as EventContract,
  OrganisationSuspendedV1 as EventContract,
  OrganisationUnverifiedV1 as EventContract,
  OrganisationVerifiedV1 as EventContract,
  ReferralAcceptedV1 as EventContract,
  ReferralAssignedV1 as EventContract,
  ReferralCancelledV1 as EventContract,
  ReferralCompletedV1 as EventContract,
  ReferralConsentWithdrawnV1 as EventContract,
  ReferralEnteredInErrorV1 as EventContract,
  ReferralExpiredV1 as EventContract,
  ReferralFailedV1 as EventContract,
  ReferralFirstContactMadeV1 as EventContract,
  ReferralGpSummaryIssuedV1 as EventContract,
  ReferralOnwardCreatedV1 as EventContract,
  ReferralPutOnHoldV1 as EventContract,
  ReferralRejectedV1 as EventContract,
  ReferralReminderDueV1 as EventContract,
  ReferralResumedV1 as EventContract,
  ReferralStartedV1 as EventContract,
  ReferralSubmittedV1 as EventContract,
  ReferralSubmittedV2 as EventContract,
  ReferralRefusedV1 as EventContract,
  ServiceCapacityChangedV1 as EventContract,
  ServicePublishedV1 as EventContract,
  ServicePublishedV2 as EventContract,
  ServiceUpdatedV1 as EventContract,
  ServiceWithdrawnV1 as EventContract,
  TeamCaseloadChangedV1 as EventContract,
];

export const contractRegistry = new ContractRegistry(platformContracts);
