import { isKnownNeedCode } from '@sp/contracts';
import type { FieldProblem } from '@sp/errors';
import { isInFuture } from './case-dates';

/**
 * Coded needs over time: the working list of needs a case manager keeps (added, later resolved),
 * beside the referral's intake needs (which matching and events use and which never change).
 * A need code is one of the published need taxonomy's or a SNOMED CT concept id, as at intake.
 * Pure.
 */
export const NEED_STATUSES = ['active', 'resolved'] as const;
export type NeedStatus = (typeof NEED_STATUSES)[number];

/** The need of a code that is active now (added and not yet resolved), if any. */
export interface ActiveNeed {
  addedAt: Date;
}

export type NeedDecision = { kind: 'add'; at: Date } | { kind: 'resolve'; at: Date };

/**
 * What recording `status` for `code` at `at` (default now) does, or every problem with it: a code
 * must be known; `at` not in the future; adding a code that is already active and resolving one
 * that is not are refused; a need is not resolved before it was added.
 */
export function needDecision(
  input: { code: string; status: NeedStatus; at?: Date },
  active: ActiveNeed | undefined,
  now: Date,
): { decision: NeedDecision } | { problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  if (!isKnownNeedCode(input.code))
    problems.push({
      field: 'code',
      code: 'unknown_code',
      message: `"${input.code}" is neither a SNOMED CT concept id nor a code of the published need taxonomy`,
    });
  const at = input.at ?? now;
  if (isInFuture(at, now))
    problems.push({ field: 'at', code: 'in_future', message: 'at must not be in the future' });
  if (problems.length > 0) return { problems };
  if (input.status === 'active') {
    if (active)
      return {
        problems: [
          {
            field: 'code',
            code: 'already_active',
            message: `${input.code} is already an active need of this case (added ${active.addedAt.toISOString()})`,
          },
        ],
      };
    return { decision: { kind: 'add', at } };
  }
  if (!active)
    return {
      problems: [
        { field: 'code', code: 'not_active', message: `${input.code} is not an active need of this case` },
      ],
    };
  if (at.getTime() < active.addedAt.getTime())
    return {
      problems: [
        {
          field: 'at',
          code: 'before_added',
          message: `at must not be before the need was added (${active.addedAt.toISOString()})`,
        },
      ],
    };
  return { decision: { kind: 'resolve', at } };
}
