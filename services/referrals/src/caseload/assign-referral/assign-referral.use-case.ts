import {
  createEnvelope,
  ReferralAssignedV1,
  type EventEnvelope,
  type ReassignmentReasonCode,
} from '@sp/contracts';
import { eventMetaFromContext, type OutboxRelay } from '@sp/messaging';
import type { AuditLogRepository } from '../../audit/audit-log.repository';
import type { Actor } from '../../domain/referral-intake.rules';
import { isTerminal } from '../../domain/task-lifecycle';
import { actorRef } from '../../referrals/actor-ref';
import { audited } from '../../referrals/audited';
import type { ReferralAccessPolicy } from '../../referrals/referral-access.policy';
import { ReferralErrors } from '../../referrals/referral-errors';
import { EVENT_SOURCE } from '../../referrals/referral-events';
import type { AssignmentChange, ReferralAssignment, ReferralDocument } from '../../referrals/referral.entity';
import type { ReferralChange, ReferralRepository } from '../../referrals/referral.repository';
import { assignmentRefusalError, CaseloadErrors } from '../caseload.errors';
import type { CaseloadRepository } from '../caseload.repository';
import { decideAssignment, type AssignmentAction } from '../domain/assignment.rules';
import type { TeamRosterRepository } from '../roster/team-roster.repository';
import type { TeamRepository } from '../team-figures/team.repository';

export interface AssignInput {
  referralId: string;
  actor: Actor;
  /** Absent: unassign. */
  assigneeSub?: string;
  reasonCode?: ReassignmentReasonCode;
  reasonText?: string;
  overrideLimit?: boolean;
  expectedVersion?: number;
}

export interface AssignResult {
  referral: ReferralDocument;
  changed: boolean;
}

/**
 * Assigns, hands over (reassigns) or unassigns a referral within the organisation that holds it.
 * One transaction: the referral's assignment, its history entry and its `referral.assigned.v1`
 * event (one versioned update of the referral), and the recount of the team's figures with their
 * `team.caseload-changed.v1` event. The assignee's caseload limit is checked in the same snapshot,
 * and every such transaction writes the team document, so two concurrent assignments in one
 * organisation cannot both slip under a limit: the later one is retried and sees the first.
 * Nothing of the case record moves: it belongs to the referral.
 */
export class AssignReferralUseCase {
  constructor(
    private readonly referrals: Pick<ReferralRepository, 'inTransaction' | 'findById' | 'change'>,
    private readonly access: Pick<ReferralAccessPolicy, 'load'>,
    private readonly roster: Pick<TeamRosterRepository, 'find'>,
    private readonly caseload: Pick<CaseloadRepository, 'openAssignedTo'>,
    private readonly teams: Pick<TeamRepository, 'refresh'>,
    private readonly audit: Pick<AuditLogRepository, 'record'>,
    private readonly relay: Pick<OutboxRelay, 'kick'>,
  ) {}

  execute(input: AssignInput): Promise<AssignResult> {
    const { referralId, actor } = input;
    const action = input.assigneeSub === undefined ? 'referral.unassign' : 'referral.assign';
    return audited(this.audit, actorRef(actor), action, referralId, async () => {
      const { referral } = await this.access.load(referralId, actor);
      if (referral.ownerOrganisationId !== actor.organisationId) throw CaseloadErrors.notOwner();
      const result = await this.referrals.inTransaction((session) => this.decideAndWrite(input, session));
      if (result.changed) this.relay.kick();
      return result;
    });
  }

  private async decideAndWrite(
    input: AssignInput,
    session: Parameters<Parameters<ReferralRepository['inTransaction']>[0]>[0],
  ): Promise<AssignResult> {
    const { referralId, actor } = input;
    const current = await this.referrals.findById(referralId, session);
    if (!current) throw ReferralErrors.notFound(referralId);
    const organisationId = current.ownerOrganisationId!;
    if (current.consent.withdrawnAt) throw ReferralErrors.consentWithdrawn(referralId);
    if (isTerminal(current.status)) throw CaseloadErrors.referralClosed(referralId, current.status);
    if (input.expectedVersion !== undefined && input.expectedVersion !== current.version)
      throw ReferralErrors.versionMismatch(input.expectedVersion, current.version);

    const currentSub = current.assignment?.assigneeSub;
    const target = input.assigneeSub;
    const member =
      target !== undefined && target !== currentSub
        ? await this.roster.find(organisationId, target, session)
        : null;
    const openAssigned = member ? await this.caseload.openAssignedTo(organisationId, member.sub, session) : 0;
    const decision = decideAssignment(
      actor,
      currentSub,
      {
        ...(target !== undefined ? { assigneeSub: target } : {}),
        ...(input.reasonCode !== undefined ? { reasonCode: input.reasonCode } : {}),
        ...(input.overrideLimit !== undefined ? { overrideLimit: input.overrideLimit } : {}),
      },
      member ? { sub: member.sub, caseloadLimit: member.caseloadLimit, openAssigned } : undefined,
    );
    if (decision.outcome === 'refused') throw assignmentRefusalError(decision.refusal);
    if (decision.outcome === 'unchanged') return { referral: current, changed: false };

    const now = new Date();
    const by = actorRef(actor);
    const version = (current.assignmentVersion ?? 0) + 1;
    const assignment: ReferralAssignment | null =
      target === undefined
        ? null
        : {
            assigneeSub: target,
            ...(member?.name !== undefined ? { assigneeName: member.name } : {}),
            assignedAt: now,
            assignedBy: by,
            version,
          };
    const detail: AssignmentChange = {
      version,
      ...(assignment ? { assignee: personOf(assignment.assigneeSub, assignment.assigneeName) } : {}),
      ...(current.assignment
        ? { previousAssignee: personOf(current.assignment.assigneeSub, current.assignment.assigneeName) }
        : {}),
      ...(input.reasonCode !== undefined
        ? {
            reason: {
              code: input.reasonCode,
              ...(input.reasonText !== undefined ? { text: input.reasonText } : {}),
            },
          }
        : {}),
    };
    const change: ReferralChange = {
      set: { assignment, assignmentVersion: version, updatedAt: now },
      history: [
        {
          at: now,
          by,
          action: decision.action,
          from: current.status,
          to: current.status,
          assignment: detail,
        },
      ],
      events: [assignedEvent(current, decision.action, version, input, now, decision.previousAssigneeSub)],
    };
    const written = await this.referrals.change(referralId, () => change, {
      session,
      basedOn: current,
      ...(input.expectedVersion !== undefined ? { expectedVersion: input.expectedVersion } : {}),
    });
    if (!written) throw ReferralErrors.notFound(referralId);
    await this.teams.refresh(organisationId, session, now);
    return { referral: written.referral, changed: true };
  }
}

function personOf(sub: string, name: string | undefined): { sub: string; name?: string } {
  return name !== undefined ? { sub, name } : { sub };
}

function assignedEvent(
  referral: ReferralDocument,
  action: AssignmentAction,
  assignmentVersion: number,
  input: AssignInput,
  at: Date,
  previousAssigneeSub: string | undefined,
): EventEnvelope {
  return createEnvelope(
    ReferralAssignedV1,
    {
      referralId: referral._id,
      ownerOrganisationId: referral.ownerOrganisationId!,
      ...(referral.targetServiceId ? { targetServiceId: referral.targetServiceId } : {}),
      action,
      ...(input.assigneeSub !== undefined ? { assigneeSub: input.assigneeSub } : {}),
      ...(previousAssigneeSub !== undefined ? { previousAssigneeSub } : {}),
      ...(input.reasonCode !== undefined ? { reasonCode: input.reasonCode } : {}),
      ...(input.actor.person ? { assignedBySub: input.actor.person.sub } : {}),
      assignmentVersion,
      occurredAt: at.toISOString(),
    },
    eventMetaFromContext(EVENT_SOURCE),
  );
}
