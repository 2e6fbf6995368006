import type { ReassignmentReasonCode } from '@sp/contracts';
import type { Actor } from '../../domain/referral-intake.rules';

/**
 * Who may hold a referral of the owning organisation, and who may hand it over. Pure rules, no
 * framework: the use case gathers the facts (current holder, the assignee's roster entry and open
 * caseload) inside the transaction and applies them here.
 *
 * - A team lead (a person signed in with team role `team-lead`) may assign, reassign and unassign
 *   anyone's referrals, and may take an assignee over their caseload limit (`overrideLimit`).
 * - A worker may take an unassigned referral themselves and give back their own; nothing else.
 * - An API client with no person (the organisation's own system) may assign, reassign and
 *   unassign like a team lead, but never override a caseload limit: that is a person's judgement.
 */
export type AssignmentAuthority = 'team-lead' | 'worker' | 'client';

export function authorityOf(actor: Actor): AssignmentAuthority {
  if (!actor.person) return 'client';
  return actor.person.teamRole === 'team-lead' ? 'team-lead' : 'worker';
}

export type AssignmentAction = 'assigned' | 'reassigned' | 'unassigned';

export interface AssignmentRequest {
  /** The person to hold the referral; absent to unassign. */
  assigneeSub?: string;
  reasonCode?: ReassignmentReasonCode;
  overrideLimit?: boolean;
}

/** The assignee as the roster knows them (undefined: not on the owning organisation's roster). */
export interface AssigneeFacts {
  sub: string;
  caseloadLimit: number | null;
  /** Open referrals of the organisation assigned to them now (this one excluded). */
  openAssigned: number;
}

export type AssignmentRefusal =
  | { code: 'TEAM_LEAD_REQUIRED'; message: string }
  | { code: 'OVERRIDE_NOT_PERMITTED'; message: string }
  | { code: 'REASON_REQUIRED'; field: 'reasonCode'; message: string }
  | { code: 'NOT_ON_ROSTER'; field: 'assigneeSub'; message: string }
  | { code: 'LIMIT_REACHED'; limit: number; openAssigned: number; message: string };

export type AssignmentDecision =
  | { outcome: 'change'; action: AssignmentAction; previousAssigneeSub?: string }
  | { outcome: 'unchanged' }
  | { outcome: 'refused'; refusal: AssignmentRefusal };

const refused = (refusal: AssignmentRefusal): AssignmentDecision => ({ outcome: 'refused', refusal });

/**
 * Decides an assignment change. `currentSub` is who holds the referral now (undefined when
 * nobody does); `assignee` the roster facts of the requested assignee (required when assigning).
 * Checks run in this order: authority (403), reason (422), roster (422), limit (409).
 */
export function decideAssignment(
  actor: Actor,
  currentSub: string | undefined,
  request: AssignmentRequest,
  assignee: AssigneeFacts | undefined,
): AssignmentDecision {
  const authority = authorityOf(actor);
  const target = request.assigneeSub;
  if (target === currentSub) return { outcome: 'unchanged' };
  const action: AssignmentAction =
    target === undefined ? 'unassigned' : currentSub === undefined ? 'assigned' : 'reassigned';

  if (authority === 'worker') {
    const self = actor.person!.sub;
    const allowed =
      (action === 'assigned' && target === self) || (action === 'unassigned' && currentSub === self);
    if (!allowed) {
      return refused({
        code: 'TEAM_LEAD_REQUIRED',
        message:
          'A worker may take an unassigned referral or give back their own; ask a team lead to assign, reassign or unassign anyone else',
      });
    }
  }
  if (request.overrideLimit === true && authority !== 'team-lead') {
    return refused({
      code: 'OVERRIDE_NOT_PERMITTED',
      message: 'Only a team lead, signed in, may take a worker over their caseload limit',
    });
  }
  if (action === 'reassigned' && request.reasonCode === undefined) {
    return refused({
      code: 'REASON_REQUIRED',
      field: 'reasonCode',
      message: 'A handover to another worker needs a coded reason',
    });
  }
  if (target !== undefined) {
    if (!assignee || assignee.sub !== target) {
      return refused({
        code: 'NOT_ON_ROSTER',
        field: 'assigneeSub',
        message:
          "The assignee is not on the organisation's team roster (people join it when they first sign in)",
      });
    }
    if (
      assignee.caseloadLimit !== null &&
      assignee.openAssigned + 1 > assignee.caseloadLimit &&
      request.overrideLimit !== true
    ) {
      return refused({
        code: 'LIMIT_REACHED',
        limit: assignee.caseloadLimit,
        openAssigned: assignee.openAssigned,
        message: `The assignee's caseload limit is ${assignee.caseloadLimit} and they hold ${assignee.openAssigned} open referrals; a team lead may override`,
      });
    }
  }
  return {
    outcome: 'change',
    action,
    ...(currentSub !== undefined ? { previousAssigneeSub: currentSub } : {}),
  };
}

/** Who may set caseload limits: a team lead, signed in. */
export function maySetCaseloadLimit(actor: Actor): boolean {
  return authorityOf(actor) === 'team-lead';
}

export const CASELOAD_LIMIT_MAX = 500;
