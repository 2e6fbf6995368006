import { ContractRegistry } from './contract-registry';
import type { EventContract } from './event-contract';
import { OrganisationRegisteredV1 } from './events/organisation.registered.v1.event';
import { ReferralSubmittedV1 } from './events/referral.submitted.v1.event';
import { ServicePublishedV1 } from './events/service.published.v1.event';

/** Every event contract of the platform. A new contract is added here, and nowhere else. */
export const platformContracts: EventContract[] = [
  ReferralSubmittedV1 as EventContract,
  OrganisationRegisteredV1 as EventContract,
  ServicePublishedV1 as EventContract,
];

export const contractRegistry = new ContractRegistry(platformContracts);
