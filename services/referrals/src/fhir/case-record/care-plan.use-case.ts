import type { CarePlan } from 'fhir/r4';
import { DomainError } from '@sp/errors';
import type { AuditLogRepository } from '../../audit/audit-log.repository';
import type { CaseRecordGate } from '../../case-record/case-record-gate';
import type { CaseNeedRepository } from '../../case-record/needs/case-need.repository';
import type { PlanActionRepository } from '../../case-record/plan/plan-action.repository';
import type { CaseStatementRepository } from '../../case-record/what-matters/case-statement.repository';
import type { Actor } from '../../domain/referral-intake.rules';
import { actorRef } from '../../referrals/actor-ref';
import { audited } from '../../referrals/audited';
import type { ReferralDocument } from '../../referrals/referral.entity';
import type { ReferralRepository } from '../../referrals/referral.repository';
import type { CaseResourceSearch } from './care-plan-search.request';
import { toCarePlan } from './care-plan.resource';

const notFound = (id: string) =>
  new DomainError('CARE_PLAN.NOT_FOUND', `CarePlan ${id} was not found`, { status: 404 });

/** The patient's referrals held by the organisation (a patient has few; bounded). */
const MAX_REFERRALS_PER_PATIENT = 1000;

/**
 * The support plans as FHIR CarePlans: one per referral that has at least one action, readable by
 * the organisation holding the referral only (the case record's rule: the referring practice
 * 403, anyone else 404). Every plan read or found is audited against its referral.
 */
export class CarePlanUseCase {
  constructor(
    private readonly gate: Pick<CaseRecordGate, 'open'>,
    private readonly referrals: Pick<ReferralRepository, 'findMany' | 'search'>,
    private readonly actions: Pick<PlanActionRepository, 'forReferrals' | 'referralsWithPlan'>,
    private readonly statements: Pick<CaseStatementRepository, 'forReferrals'>,
    private readonly needs: Pick<CaseNeedRepository, 'forReferrals'>,
    private readonly audit: Pick<AuditLogRepository, 'record' | 'recordMany'>,
  ) {}

  read(id: string, actor: Actor): Promise<CarePlan> {
    return audited(this.audit, actorRef(actor), 'case.care-plan.read', id, async () => {
      const { referral } = await this.gate.open(id, actor, 'read');
      const [plan] = await this.plans([referral]);
      if (!plan) throw notFound(id);
      return plan;
    });
  }

  async search(query: CaseResourceSearch, actor: Actor): Promise<{ total: number; items: CarePlan[] }> {
    let candidates = query.ids;
    if (query.patientKey !== undefined) {
      const ofPatient = await this.referrals.search(
        { ownerOrganisationId: actor.organisationId, patientKey: query.patientKey },
        0,
        MAX_REFERRALS_PER_PATIENT,
      );
      const ids = ofPatient.items.map((r) => r._id);
      candidates = candidates ? candidates.filter((id) => ids.includes(id)) : ids;
    }
    const withPlan = await this.actions.referralsWithPlan(actor.organisationId, candidates);
    const pageIds = withPlan.slice(query.offset, query.offset + query.count);
    const referrals = (await this.referrals.findMany(pageIds))
      .filter((r) => r.ownerOrganisationId === actor.organisationId)
      .sort((a, b) => (a._id < b._id ? -1 : 1));
    const items = await this.plans(referrals);
    await this.audit.recordMany(
      referrals.map((r) => ({
        actor: actorRef(actor),
        action: 'case.care-plan.search',
        referralId: r._id,
        outcome: 'allowed' as const,
      })),
    );
    return { total: withPlan.length, items };
  }

  /** The CarePlans of referrals that have a plan, in the order given. */
  private async plans(referrals: ReferralDocument[]): Promise<CarePlan[]> {
    const ids = referrals.map((r) => r._id);
    const [actions, goals, needs] = await Promise.all([
      this.actions.forReferrals(ids),
      this.statements.forReferrals(ids, 'what-matters'),
      this.needs.forReferrals(ids),
    ]);
    return referrals.flatMap((referral) => {
      const of = <T extends { referralId: string }>(all: T[]) =>
        all.filter((e) => e.referralId === referral._id);
      const mine = of(actions);
      if (mine.length === 0) return [];
      return [toCarePlan({ referral, actions: mine, goals: of(goals), needs: of(needs) })];
    });
  }
}
