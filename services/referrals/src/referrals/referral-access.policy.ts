import type { Filter } from 'mongodb';
import type { DirectoryReplicaRepository } from '../directory-replica/directory-replica.repository';
import { mayClaim, partiesOf } from '../domain/referral-access';
import type { Actor } from '../domain/referral-intake.rules';
import { isServiceListed, needsMetBy, organisationProblems } from '../domain/service-eligibility';
import type { Party } from '../domain/task-lifecycle';
import { ReferralErrors } from './referral-errors';
import type { ReferralDocument } from './referral.entity';
import type { ReferralRepository } from './referral.repository';

/**
 * Checks common to every change: the caller is a party, consent has not been withdrawn, and the
 * version is the one the caller expected (If-Match), in that order.
 */
export function guardChange(
  current: ReferralDocument,
  actor: Actor,
  expectedVersion: number | undefined,
): Party[] {
  const parties = partiesOf(current, actor);
  if (parties.length === 0) throw ReferralErrors.notPermitted('Claim the open referral before acting on it');
  if (current.consent.withdrawnAt) throw ReferralErrors.consentWithdrawn(current._id);
  if (expectedVersion !== undefined && expectedVersion !== current.version)
    throw ReferralErrors.versionMismatch(expectedVersion, current.version);
  return parties;
}

/**
 * Who may see which referral. A caller who is neither the requester, the receiver (Task.owner),
 * ops, nor an organisation that may claim an open referral gets 404 REFERRAL.NOT_FOUND, exactly as
 * for an id that does not exist, so ids cannot be probed.
 */
export class ReferralAccessPolicy {
  constructor(
    private readonly referrals: Pick<ReferralRepository, 'findById'>,
    private readonly replica: Pick<DirectoryReplicaRepository, 'organisation' | 'servicesOf'>,
  ) {}

  /** Reads a referral the caller may see, or 404 (also for one that exists but is not theirs). */
  async load(id: string, actor: Actor): Promise<{ referral: ReferralDocument; parties: Party[] }> {
    const referral = await this.referrals.findById(id);
    if (!referral) throw ReferralErrors.notFound(id);
    const parties = partiesOf(referral, actor);
    if (parties.length === 0 && !(await this.mayViewOpen(referral, actor))) throw ReferralErrors.notFound(id);
    return { referral, parties };
  }

  /** The filter of the referrals `actor` may see (ops: all; use `{}`). */
  async visibleTo(actor: Actor): Promise<Filter<ReferralDocument>> {
    const clauses: Filter<ReferralDocument>[] = [
      { requesterOrganisationId: actor.organisationId },
      { ownerOrganisationId: actor.organisationId },
    ];
    const terms = await this.claimableTerms(actor);
    if (terms.length > 0) {
      clauses.push({
        ownerOrganisationId: { $exists: false },
        targetServiceId: { $exists: false },
        status: 'requested',
        'consent.withdrawnAt': { $exists: false },
        needs: { $in: terms },
      } as Filter<ReferralDocument>);
    }
    return { $or: clauses };
  }

  /** Open referrals are visible to organisations with a service that could take them (needs match). */
  private async mayViewOpen(referral: ReferralDocument, actor: Actor): Promise<boolean> {
    if (
      !mayClaim(actor) ||
      referral.ownerOrganisationId !== undefined ||
      referral.targetServiceId !== undefined
    )
      return false;
    if (referral.status !== 'requested' || referral.consent.withdrawnAt) return false;
    const terms = await this.claimableTerms(actor);
    return referral.needs.some((n) => terms.includes(n));
  }

  /** Need codes met by the caller's services that may receive referrals now. */
  private async claimableTerms(actor: Actor): Promise<string[]> {
    if (!mayClaim(actor)) return [];
    const now = new Date();
    const org = await this.replica.organisation(actor.organisationId);
    if (organisationProblems(org, now, 'organisation').length > 0) return [];
    const services = await this.replica.servicesOf(actor.organisationId);
    return [
      ...new Set(
        services
          .filter((s) => isServiceListed(s) && !s.withdrawn && s.status === 'active')
          .flatMap((s) => needsMetBy(s)),
      ),
    ];
  }
}
