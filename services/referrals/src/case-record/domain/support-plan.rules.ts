import type { FieldProblem } from '@sp/errors';
import { endOfUkDay, ukDate } from './case-dates';

/**
 * The support plan: actions agreed with the person, each with an owner, a due date (a UK calendar
 * day) and a status, possibly an onward referral. Pure.
 */
export const ACTION_STATUSES = ['planned', 'in-progress', 'done', 'cancelled'] as const;
export type ActionStatus = (typeof ACTION_STATUSES)[number];

/** Actions still to do: they count for the plan's next due date. */
export const OPEN_ACTION_STATUSES: readonly ActionStatus[] = ['planned', 'in-progress'];

export const OWNER_KINDS = ['patient', 'worker', 'organisation'] as const;
export type OwnerKind = (typeof OWNER_KINDS)[number];

/** Longest owner display text (free text: redacted on consent withdrawal). */
export const OWNER_DISPLAY_LIMIT = 200;

/** Status moves an action may make; done and cancelled are final. */
export const ACTION_MOVES: Record<ActionStatus, readonly ActionStatus[]> = {
  planned: ['in-progress', 'done', 'cancelled'],
  'in-progress': ['done', 'cancelled'],
  done: [],
  cancelled: [],
};

export interface ActionOwner {
  kind: OwnerKind;
  /** The worker's subject at the organisation's identity provider (kind worker). */
  sub?: string;
  /** The organisation's id (kind organisation). */
  organisationId?: string;
  /** How to show the owner (free text). */
  display?: string;
}

export interface NewAction {
  description: string;
  owner: ActionOwner;
  /** YYYY-MM-DD. */
  dueDate: string;
  status: ActionStatus;
  onwardReferralId?: string;
}

export interface ActionChange {
  description?: string;
  dueDate?: string;
  status?: ActionStatus;
}

function dueDateProblems(dueDate: string, createdAt: Date): FieldProblem[] {
  const created = ukDate(createdAt);
  return dueDate < created
    ? [
        {
          field: 'dueDate',
          code: 'before_creation',
          message: `dueDate must not be before the action was created (${created})`,
        },
      ]
    : [];
}

function ownerProblems(owner: ActionOwner): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (owner.kind === 'worker' && owner.sub === undefined)
    problems.push({ field: 'owner.sub', code: 'required', message: 'A worker owner needs the sub' });
  if (owner.kind !== 'worker' && owner.sub !== undefined)
    problems.push({ field: 'owner.sub', code: 'not_allowed', message: 'Only a worker owner has a sub' });
  if (owner.kind === 'organisation' && owner.organisationId === undefined)
    problems.push({
      field: 'owner.organisationId',
      code: 'required',
      message: 'An organisation owner needs the organisationId',
    });
  if (owner.kind !== 'organisation' && owner.organisationId !== undefined)
    problems.push({
      field: 'owner.organisationId',
      code: 'not_allowed',
      message: 'Only an organisation owner has an organisationId',
    });
  return problems;
}

/**
 * The rule problems of a well-formed new action created at `now` on a referral with these onward
 * referrals: the owner's ids as its kind requires, the due day, the onward referral. (Its shape:
 * text lengths, codes, formats, is the request's.)
 */
export function newActionProblems(
  action: NewAction,
  now: Date,
  childReferralIds: readonly string[],
): FieldProblem[] {
  const problems = [...ownerProblems(action.owner), ...dueDateProblems(action.dueDate, now)];
  if (action.onwardReferralId !== undefined && !childReferralIds.includes(action.onwardReferralId))
    problems.push({
      field: 'onwardReferralId',
      code: 'not_an_onward_referral',
      message: 'onwardReferralId must be an onward referral made from this referral',
    });
  return problems;
}

/** The rule problems of a well-formed change of an action (created at `createdAt`, now `status`). */
export function actionChangeProblems(
  current: { status: ActionStatus; createdAt: Date },
  change: ActionChange,
): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (ACTION_MOVES[current.status].length === 0)
    return [
      {
        field: 'status',
        code: 'final',
        message: `The action is ${current.status}: it can no longer change`,
      },
    ];
  if (
    change.status !== undefined &&
    change.status !== current.status &&
    !ACTION_MOVES[current.status].includes(change.status)
  )
    problems.push({
      field: 'status',
      code: 'invalid_move',
      message: `An action that is ${current.status} cannot become ${change.status} (allowed: ${ACTION_MOVES[current.status].join(', ')})`,
    });
  if (change.dueDate !== undefined) problems.push(...dueDateProblems(change.dueDate, current.createdAt));
  return problems;
}

/**
 * The plan's next due moment: the end of the earliest due day among open actions (a case is
 * overdue once it has passed), or undefined when no action is open.
 */
export function planNextDueAt(
  actions: readonly { status: ActionStatus; dueDate: string }[],
): Date | undefined {
  const due = actions
    .filter((a) => OPEN_ACTION_STATUSES.includes(a.status))
    .map((a) => a.dueDate)
    .sort();
  return due[0] === undefined ? undefined : endOfUkDay(due[0]);
}

/** FHIR CarePlan.activity.detail.status of an action. */
export function activityStatus(
  status: ActionStatus,
): 'scheduled' | 'in-progress' | 'completed' | 'cancelled' {
  switch (status) {
    case 'planned':
      return 'scheduled';
    case 'in-progress':
      return 'in-progress';
    case 'done':
      return 'completed';
    case 'cancelled':
      return 'cancelled';
  }
}
