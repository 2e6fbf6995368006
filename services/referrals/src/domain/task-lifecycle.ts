import type { ReferralReasonCode, TaskStatus } from '@sp/contracts';

/**
 * The HL7 Gravity closed-loop referral Task state machine, and who may make which move.
 * Pure domain code: no framework imports; unit-tested in task-lifecycle.spec.ts.
 */

/** One verb per move, as the JSON API exposes them (`POST /v1/referrals/{id}/{action}`). */
export const ACTIONS = [
  'accept',
  'reject',
  'start',
  'hold',
  'resume',
  'complete',
  'fail',
  'cancel',
  'enter-in-error',
] as const;
export type Action = (typeof ACTIONS)[number];

/** Status each action leads to. */
export const ACTION_TARGET: Record<Action, TaskStatus> = {
  accept: 'accepted',
  reject: 'rejected',
  start: 'in-progress',
  hold: 'on-hold',
  resume: 'in-progress',
  complete: 'completed',
  fail: 'failed',
  cancel: 'cancelled',
  'enter-in-error': 'entered-in-error',
};

/** Statuses each action may start from (Gravity: "any status -> entered-in-error"). */
export const ACTION_FROM: Record<Action, readonly TaskStatus[]> = {
  accept: ['requested'],
  reject: ['requested'],
  start: ['accepted'],
  hold: ['accepted', 'in-progress'],
  resume: ['on-hold'],
  complete: ['accepted', 'in-progress', 'on-hold'],
  fail: ['accepted', 'in-progress', 'on-hold'],
  cancel: ['requested', 'accepted', 'in-progress', 'on-hold'],
  'enter-in-error': [
    'draft',
    'requested',
    'accepted',
    'rejected',
    'cancelled',
    'in-progress',
    'on-hold',
    'completed',
    'failed',
  ],
};

export const TERMINAL_STATUSES: readonly TaskStatus[] = [
  'rejected',
  'cancelled',
  'completed',
  'failed',
  'entered-in-error',
];

/** Statuses in which the receiving organisation holds a place for the patient (its live caseload). */
export const ACTIVE_STATUSES: readonly TaskStatus[] = ['accepted', 'in-progress', 'on-hold'];

/** Moves that need a coded reason (Gravity: statusReason expected for these). */
export const REASON_REQUIRED: readonly Action[] = ['reject', 'cancel', 'hold', 'fail'];

/** The relationship of the acting party to a referral. */
export type Party = 'requester' | 'receiver' | 'ops' | 'system';

/**
 * Who may make which move. The receiving side sets all statuses but draft, requested and
 * entered-in-error; either side may cancel; the requester may mark its own referral entered in
 * error; ops may cancel or mark entered in error (administrative moves, never clinical ones).
 */
export const ACTION_PARTIES: Record<Action, readonly Party[]> = {
  accept: ['receiver'],
  reject: ['receiver', 'system'],
  start: ['receiver'],
  hold: ['receiver'],
  resume: ['receiver'],
  complete: ['receiver'],
  fail: ['receiver'],
  cancel: ['requester', 'receiver', 'ops'],
  'enter-in-error': ['requester', 'ops'],
};

export function isTerminal(status: TaskStatus): boolean {
  return TERMINAL_STATUSES.includes(status);
}

/** The action that moves `from` to `to`, if the state machine has one. */
export function actionFor(from: TaskStatus, to: TaskStatus): Action | undefined {
  return ACTIONS.find((a) => ACTION_TARGET[a] === to && ACTION_FROM[a].includes(from));
}

export type TransitionRefusal =
  | { code: 'INVALID_TRANSITION'; message: string }
  | { code: 'NOT_PERMITTED'; message: string }
  | { code: 'REASON_REQUIRED'; message: string };

/** Why a move is refused, or undefined when it is allowed. */
export function transitionRefusal(
  action: Action,
  from: TaskStatus,
  parties: readonly Party[],
  reason?: { code: ReferralReasonCode; text?: string },
): TransitionRefusal | undefined {
  if (!ACTION_FROM[action].includes(from)) {
    return {
      code: 'INVALID_TRANSITION',
      message: `A referral that is ${from} cannot be moved to ${ACTION_TARGET[action]} (${action})`,
    };
  }
  if (!parties.some((p) => ACTION_PARTIES[action].includes(p))) {
    return {
      code: 'NOT_PERMITTED',
      message: `Only ${ACTION_PARTIES[action].join(' or ')} may ${action} a referral`,
    };
  }
  if (REASON_REQUIRED.includes(action) && !reason) {
    return { code: 'REASON_REQUIRED', message: `A coded reason is required to ${action} a referral` };
  }
  return undefined;
}
