import type { Goal } from 'fhir/r4';
import { DomainError } from '@sp/errors';
import type { AuditLogRepository } from '../../audit/audit-log.repository';
import type { CaseRecordGate } from '../../case-record/case-record-gate';
import type { CaseStatementRepository } from '../../case-record/what-matters/case-statement.repository';
import type { Actor } from '../../domain/referral-intake.rules';
import { actorRef } from '../../referrals/actor-ref';
import { audited } from '../../referrals/audited';
import type { ReferralRepository } from '../../referrals/referral.repository';
import type { CaseResourceSearch } from './care-plan-search.request';
import { toGoal } from './goal.resource';

const notFound = (id: string) =>
  new DomainError('GOAL.NOT_FOUND', `Goal ${id} was not found`, { status: 404 });

const MAX_REFERRALS_PER_PATIENT = 1000;

/**
 * What matters to the person as FHIR Goals, readable by the organisation holding the referral
 * only (the case record's rule). Every Goal read or found is audited against its referral.
 */
export class GoalUseCase {
  constructor(
    private readonly gate: Pick<CaseRecordGate, 'open'>,
    private readonly referrals: Pick<ReferralRepository, 'findMany' | 'search'>,
    private readonly statements: Pick<CaseStatementRepository, 'findById' | 'search'>,
    private readonly audit: Pick<AuditLogRepository, 'record' | 'recordMany'>,
  ) {}

  async read(id: string, actor: Actor): Promise<Goal> {
    const statement = await this.statements.findById('what-matters', id);
    return audited(this.audit, actorRef(actor), 'case.goal.read', statement?.referralId ?? id, async () => {
      if (!statement) throw notFound(id);
      const { referral } = await this.gate.open(statement.referralId, actor, 'read');
      return toGoal(statement, referral);
    });
  }

  async search(query: CaseResourceSearch, actor: Actor): Promise<{ total: number; items: Goal[] }> {
    let referralIds: string[] | undefined;
    if (query.patientKey !== undefined) {
      const ofPatient = await this.referrals.search(
        { ownerOrganisationId: actor.organisationId, patientKey: query.patientKey },
        0,
        MAX_REFERRALS_PER_PATIENT,
      );
      referralIds = ofPatient.items.map((r) => r._id);
    }
    const page = await this.statements.search(
      {
        organisationId: actor.organisationId,
        kind: 'what-matters',
        ...(query.ids ? { ids: query.ids } : {}),
        ...(referralIds ? { referralIds } : {}),
      },
      query.offset,
      query.count,
    );
    const referrals = new Map(
      (await this.referrals.findMany([...new Set(page.items.map((s) => s.referralId))]))
        .filter((r) => r.ownerOrganisationId === actor.organisationId)
        .map((r) => [r._id, r]),
    );
    const found = page.items.filter((s) => referrals.has(s.referralId));
    await this.audit.recordMany(
      found.map((s) => ({
        actor: actorRef(actor),
        action: 'case.goal.search',
        referralId: s.referralId,
        outcome: 'allowed' as const,
      })),
    );
    return { total: page.total, items: found.map((s) => toGoal(s, referrals.get(s.referralId)!)) };
  }
}
