import type { Filter } from 'mongodb';
import type { TaskStatus } from '@sp/contracts';
import type { AuditLogRepository } from '../../audit/audit-log.repository';
import type { Actor } from '../../domain/referral-intake.rules';
import { actorRef } from '../../referrals/actor-ref';
import { CaseloadErrors } from '../caseload.errors';
import { OPEN_STATUSES, type CaseloadReferral, type CaseloadRepository } from '../caseload.repository';
import { authorityOf } from '../domain/assignment.rules';
import { firstContactCutoff, overdueReasons, type OverdueReason } from '../domain/overdue';

export interface CaseloadQuery {
  /** A person's sub, or 'none' for unassigned referrals; absent: see below. */
  assignee?: string;
  status?: TaskStatus[];
  waitingForFirstContact?: boolean;
  overdue?: boolean;
  limit: number;
  offset: number;
}

export interface CaseloadItem {
  id: string;
  status: TaskStatus;
  version: number;
  targetServiceId?: string;
  needs: string[];
  priority: string;
  /** The patient's name as the referral gives it (the owning organisation's own patient). */
  patientName: string;
  assignee?: { sub: string; name?: string };
  assignedAt?: string;
  respondBy: string;
  firstContactAt?: string;
  planNextDueAt?: string;
  overdue: OverdueReason[];
}

export interface CaseloadPage {
  items: CaseloadItem[];
  total: number;
  limit: number;
  offset: number;
}

const ACCEPTED_ACTIONS = ['accepted', 'claimed'];
const iso = (d: Date | undefined) => (d === undefined ? undefined : new Date(d).toISOString());

/**
 * The open referrals the caller's organisation holds, by assignee. A worker sees their own
 * (asking for anyone else's is 403); a team lead or the organisation's API client the whole
 * organisation's, or one person's (`assignee=<sub>`), or the unassigned (`assignee=none`).
 * Every referral returned is audited (`caseload.read`), as the search does.
 */
export class QueryCaseloadUseCase {
  constructor(
    private readonly caseload: Pick<CaseloadRepository, 'page'>,
    private readonly audit: Pick<AuditLogRepository, 'recordMany'>,
    private readonly settings: { firstContactTargetDays: number },
  ) {}

  async execute(query: CaseloadQuery, actor: Actor, now = new Date()): Promise<CaseloadPage> {
    const assignee = this.assigneeScope(query.assignee, actor);
    const clauses: Filter<CaseloadReferral>[] = [
      {
        ownerOrganisationId: actor.organisationId,
        status: { $in: query.status && query.status.length > 0 ? query.status : [...OPEN_STATUSES] },
      },
    ];
    if (assignee === 'none') clauses.push({ 'assignment.assigneeSub': { $exists: false } });
    else if (assignee !== undefined) clauses.push({ 'assignment.assigneeSub': assignee });
    if (query.waitingForFirstContact !== undefined)
      clauses.push({ firstContactAt: { $exists: !query.waitingForFirstContact } });
    if (query.overdue !== undefined) {
      const overdue = this.overdueFilter(now);
      clauses.push(query.overdue ? overdue : { $nor: [overdue] });
    }
    const page = await this.caseload.page({ $and: clauses }, query.offset, query.limit);
    await this.audit.recordMany(
      page.items.map((r) => ({
        actor: actorRef(actor),
        action: 'caseload.read',
        referralId: r._id,
        outcome: 'allowed' as const,
      })),
    );
    return {
      items: page.items.map((r) => this.itemOf(r, now)),
      total: page.total,
      limit: query.limit,
      offset: query.offset,
    };
  }

  /** Whose referrals the caller asks for (undefined: the whole organisation's). */
  private assigneeScope(asked: string | undefined, actor: Actor): string | undefined {
    if (authorityOf(actor) !== 'worker') return asked;
    const self = actor.person!.sub;
    if (asked !== undefined && asked !== self)
      throw CaseloadErrors.teamLeadRequired("A worker sees their own caseload; a team lead sees anyone's");
    return self;
  }

  private overdueFilter(now: Date): Filter<CaseloadReferral> {
    const cutoff = firstContactCutoff(now, this.settings.firstContactTargetDays);
    return {
      $or: [
        {
          firstContactAt: { $exists: false },
          $or: [
            { 'assignment.assignedAt': { $lt: cutoff } },
            { history: { $elemMatch: { action: { $in: ACCEPTED_ACTIONS }, at: { $lt: cutoff } } } },
          ],
        },
        { planNextDueAt: { $lt: now } },
      ],
    } as Filter<CaseloadReferral>;
  }

  private itemOf(r: CaseloadReferral, now: Date): CaseloadItem {
    const acceptedAt = r.history.find((h) => ACCEPTED_ACTIONS.includes(h.action))?.at;
    const a = r.assignment ?? undefined;
    const reasons = overdueReasons(
      {
        ...(r.firstContactAt ? { firstContactAt: new Date(r.firstContactAt) } : {}),
        ...(acceptedAt ? { acceptedAt: new Date(acceptedAt) } : {}),
        ...(a ? { assignedAt: new Date(a.assignedAt) } : {}),
        ...(r.planNextDueAt ? { planNextDueAt: new Date(r.planNextDueAt) } : {}),
      },
      now,
      this.settings.firstContactTargetDays,
    );
    return {
      id: r._id,
      status: r.status,
      version: r.version,
      ...(r.targetServiceId ? { targetServiceId: r.targetServiceId } : {}),
      needs: r.needs,
      priority: r.priority,
      patientName: `${r.patient.givenName} ${r.patient.familyName}`.trim(),
      ...(a ? { assignee: { sub: a.assigneeSub, ...(a.assigneeName ? { name: a.assigneeName } : {}) } } : {}),
      ...(a ? { assignedAt: iso(a.assignedAt)! } : {}),
      respondBy: iso(r.respondBy)!,
      ...(r.firstContactAt ? { firstContactAt: iso(r.firstContactAt)! } : {}),
      ...(r.planNextDueAt ? { planNextDueAt: iso(r.planNextDueAt)! } : {}),
      overdue: reasons,
    };
  }
}
