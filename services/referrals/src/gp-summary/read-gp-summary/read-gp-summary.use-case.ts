import { DomainError } from '@sp/errors';
import type { AuditLogRepository } from '../../audit/audit-log.repository';
import type { Actor } from '../../domain/referral-intake.rules';
import { partiesOf } from '../../domain/referral-access';
import { actorRef } from '../../referrals/actor-ref';
import type { ReferralDocument } from '../../referrals/referral.entity';
import type { ReferralRepository } from '../../referrals/referral.repository';
import { summaryReaders, type GpSummary } from '../domain/gp-summary';
import type { GpSummaryDocument, GpSummaryRepository } from '../gp-summary.repository';
import type { CommunicationSearch } from './communication-search.request';

export interface SummaryWithPatient {
  summary: GpSummaryDocument;
  patient?: ReferralDocument['patient'];
}

const notFound = (id: string) =>
  new DomainError('GP_SUMMARY.NOT_FOUND', `Communication ${id} was not found`, { status: 404 });

/**
 * May `actor` read the summary? The same rule as for referrals (ReferralAccessPolicy /
 * partiesOf): the practice it is addressed to is the requester side, the organisation that took
 * the referral on or closed it the receiver side, ops sees all; anyone else is told it does not
 * exist (404, ids cannot be probed).
 */
function mayRead(summary: GpSummary, actor: Actor): boolean {
  if (actor.role === 'ops') return true;
  return summaryReaders(summary).some(
    (organisationId) =>
      partiesOf(
        { requesterOrganisationId: summary.recipient.organisationId, ownerOrganisationId: organisationId },
        actor,
      ).length > 0,
  );
}

/**
 * Reads of the GP summaries (FHIR Communication). They carry patient details, so every read is
 * audited against the referral it reports on, as reads of the referral are: allowed, or denied
 * (404 to a non-party).
 */
export class ReadGpSummaryUseCase {
  constructor(
    private readonly summaries: Pick<GpSummaryRepository, 'findById' | 'search'>,
    private readonly referrals: Pick<ReferralRepository, 'findById' | 'findMany'>,
    private readonly audit: Pick<AuditLogRepository, 'record' | 'recordMany'>,
  ) {}

  async read(id: string, actor: Actor): Promise<SummaryWithPatient> {
    const summary = await this.summaries.findById(id);
    if (!summary || !mayRead(summary, actor)) {
      await this.audit.record({
        actor: actorRef(actor),
        action: 'referral.gp-summary.read',
        referralId: summary?.referralId ?? id,
        outcome: 'denied',
        code: 'GP_SUMMARY.NOT_FOUND',
      });
      throw notFound(id);
    }
    const referral = await this.referrals.findById(summary.referralId);
    await this.audit.record({
      actor: actorRef(actor),
      action: 'referral.gp-summary.read',
      referralId: summary.referralId,
      outcome: 'allowed',
    });
    return { summary, ...(referral ? { patient: referral.patient } : {}) };
  }

  async search(
    query: CommunicationSearch,
    actor: Actor,
  ): Promise<{ total: number; items: SummaryWithPatient[] }> {
    const page = await this.summaries.search({
      ...query,
      ...(actor.role === 'ops' ? {} : { readableBy: actor.organisationId }),
    });
    const referrals = await this.referrals.findMany([...new Set(page.items.map((s) => s.referralId))]);
    const patients = new Map(referrals.map((r) => [r._id, r.patient]));
    await this.audit.recordMany(
      page.items.map((s) => ({
        actor: actorRef(actor),
        action: 'referral.gp-summary.search',
        referralId: s.referralId,
        outcome: 'allowed' as const,
      })),
    );
    return {
      total: page.total,
      items: page.items.map((summary) => {
        const patient = patients.get(summary.referralId);
        return { summary, ...(patient ? { patient } : {}) };
      }),
    };
  }
}
