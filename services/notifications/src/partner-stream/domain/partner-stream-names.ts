// What a partner stream is called on the broker, derived from the organisation id (and, for the
// user, the credential generation), so the names, the ACLs and the channel that produces to the
// topic always agree. Pure rules, no framework imports.
import { partnerPrefix, partnerReferralTopic } from '@sp/contracts';

/** Kafka topic names allow [a-zA-Z0-9._-] up to 249 characters; our names add about 30. */
const ORGANISATION_ID = /^[A-Za-z0-9_-]{1,200}$/;

export interface PartnerStreamNames {
  /** The SCRAM user of this credential generation: `partner-<orgId>-<generation>`. */
  username: string;
  /** The organisation's referral events: `sp.partner.<orgId>.referrals.v1`. */
  topic: string;
  /** Topic and consumer-group prefix the organisation may read: `sp.partner.<orgId>.`. */
  prefix: string;
}

/**
 * The organisation id must be safe inside topic and principal names: no dot (a dot would let
 * organisation `a` read `a.b`'s prefix `sp.partner.a.b.`, which starts with `sp.partner.a.`).
 */
export function isStreamableOrganisationId(organisationId: string): boolean {
  return ORGANISATION_ID.test(organisationId);
}

/**
 * Every issue and every rotation makes a new user (generation 1, 2, ...) and deletes the previous
 * one with its ACLs: ACLs belong to a user, not to a session, so this is what cuts off sessions
 * opened with an old password (the broker does not re-authenticate them).
 */
export function partnerStreamNames(organisationId: string, generation = 1): PartnerStreamNames {
  if (!isStreamableOrganisationId(organisationId)) {
    throw new RangeError(`organisation id '${organisationId}' cannot name a partner stream`);
  }
  if (!Number.isInteger(generation) || generation < 1) {
    throw new RangeError(`credential generation must be a positive integer, got ${generation}`);
  }
  return {
    username: `partner-${organisationId}-${generation}`,
    topic: partnerReferralTopic(organisationId),
    prefix: partnerPrefix(organisationId),
  };
}

export type AclResource = 'topic' | 'group';
export type AclOperation = 'read' | 'describe';

/** One ALLOW binding on a PREFIXED resource pattern, for one principal from any host. */
export interface PartnerAcl {
  principal: string;
  resource: AclResource;
  prefix: string;
  operation: AclOperation;
}

/**
 * Everything a partner may do, and nothing else (the broker denies whatever no ACL allows):
 * read and describe its own topics, read (join, fetch and commit offsets) with its own groups.
 */
export function partnerAcls(organisationId: string, username: string): PartnerAcl[] {
  const { prefix } = partnerStreamNames(organisationId);
  const principal = `User:${username}`;
  return [
    { principal, resource: 'topic', prefix, operation: 'read' },
    { principal, resource: 'topic', prefix, operation: 'describe' },
    { principal, resource: 'group', prefix, operation: 'read' },
  ];
}
