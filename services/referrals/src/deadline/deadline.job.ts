/**
 * Response-deadline jobs: a reminder before the deadline, then the expiry. BullMQ delayed jobs
 * kept in Redis, so they survive restarts of this service. One job of each kind per referral:
 * the id is derived from the referral id, so scheduling twice (a retried create) adds nothing.
 */
export const DEADLINE_JOB_KINDS = ['reminder', 'expiry'] as const;
export type DeadlineJobKind = (typeof DEADLINE_JOB_KINDS)[number];

export interface DeadlineJobData {
  kind: DeadlineJobKind;
  referralId: string;
  trace: { correlationId: string; causationId?: string; traceparent?: string };
}

/** BullMQ ids may not contain ":". */
export function deadlineJobId(kind: DeadlineJobKind, referralId: string): string {
  return `${kind}-${referralId}`;
}

export interface DeadlineTimes {
  respondBy: Date;
  remindAt: Date;
}

/** When a referral submitted at `at` must be answered, and when its reminder is due. */
export function deadlineTimes(at: Date, deadlineHours: number, reminderBeforeHours: number): DeadlineTimes {
  const respondBy = new Date(at.getTime() + Math.round(deadlineHours * 3_600_000));
  const remindAt = new Date(
    Math.max(at.getTime(), respondBy.getTime() - Math.round(reminderBeforeHours * 3_600_000)),
  );
  return { respondBy, remindAt };
}
