import type { OutboxRelay } from '@sp/messaging';
import type { AuditLogRepository } from '../../audit/audit-log.repository';
import type { CaseRecordRedactor } from '../../case-record/redaction/case-record-redactor';
import type { DeadlineQueue } from '../../deadline/deadline.queue';
import type { Actor } from '../../domain/referral-intake.rules';
import { isTerminal } from '../../domain/task-lifecycle';
import { audited } from '../audited';
import { actorRef } from '../actor-ref';
import { guardChange, type ReferralAccessPolicy } from '../referral-access.policy';
import { ReferralErrors } from '../referral-errors';
import { consentWithdrawnEvent, statusChangeEvent } from '../referral-events';
import type { ActorRef, ReferralDocument, ReferralHistoryEntry } from '../referral.entity';
import type { ChangeDecision, ReferralRepository } from '../referral.repository';

export interface WithdrawConsentInput {
  referralId: string;
  actor: Actor;
  /** If-Match on the referral the withdrawal is recorded on (412 when stale). */
  expectedVersion?: number;
}

/**
 * Consent withdrawal, recorded on any referral of a tree: that referral and every descendant is
 * marked withdrawn, those still open are cancelled (reason consent-withdrawn), and each gets its
 * `referral.consent-withdrawn` event (plus `referral.cancelled` when cancelled). The whole tree is
 * one transaction, so nobody ever sees half a tree withdrawn; a concurrent change to any member
 * (an onward referral adding a child, a move) makes the transaction retry on a fresh snapshot, so
 * a child added meanwhile is withdrawn too. The free text of every member's case record (notes,
 * contact summaries...) is removed in the same transaction (CaseRecordRedactor). Deadline jobs
 * are cancelled after the commit.
 *
 * Recording it again answers 200 with the referral as it is and carries on down the tree: a tree
 * partly withdrawn before withdrawal was transactional is finished.
 */
export class WithdrawConsentUseCase {
  constructor(
    private readonly referrals: Pick<ReferralRepository, 'inTransaction' | 'findById' | 'tree' | 'change'>,
    private readonly access: Pick<ReferralAccessPolicy, 'load'>,
    private readonly audit: Pick<AuditLogRepository, 'record'>,
    private readonly relay: Pick<OutboxRelay, 'kick'>,
    private readonly deadlines: Pick<DeadlineQueue, 'cancel'>,
    private readonly caseRecords: Pick<CaseRecordRedactor, 'redactForConsentWithdrawal'>,
  ) {}

  execute(input: WithdrawConsentInput, now = new Date()): Promise<ReferralDocument> {
    const { referralId, actor } = input;
    const by = actorRef(actor);
    return audited(this.audit, by, 'referral.consent-withdrawal', referralId, async () => {
      const { parties } = await this.access.load(referralId, actor);
      if (parties.length === 0)
        throw ReferralErrors.notPermitted('Only a party to the referral may record consent withdrawal');

      const { root, changed } = await this.referrals.inTransaction(async (session) => {
        const top = await this.referrals.findById(referralId, session);
        if (!top) throw ReferralErrors.notFound(referralId);
        let after: ReferralDocument = top;
        const withdrawn: string[] = [];
        const members = await this.referrals.tree(top, session);
        for (const member of members) {
          const isRoot = member._id === referralId;
          const decide = withdrawal(
            referralId,
            by,
            now,
            isRoot ? (c) => guardChange(c, actor, input.expectedVersion) : undefined,
          );
          const result = await this.referrals.change(member._id, decide, {
            session,
            basedOn: member,
            ...(isRoot && input.expectedVersion !== undefined
              ? { expectedVersion: input.expectedVersion }
              : {}),
          });
          if (result?.changed) withdrawn.push(member._id);
          if (isRoot && result) after = result.referral;
        }
        // The case records' free text goes in the same transaction (every member: a tree
        // withdrawn before redaction existed is redacted when withdrawal is recorded again).
        await this.caseRecords.redactForConsentWithdrawal(
          members.map((m) => m._id),
          session,
          now,
        );
        return { root: after, changed: withdrawn };
      });

      if (changed.length > 0) this.relay.kick();
      await Promise.all(changed.map((id) => this.deadlines.cancel(id)));
      return root;
    });
  }
}

/**
 * The withdrawal of one member of the tree (nothing if already withdrawn); `check` runs first on
 * the referral it was recorded on (party, If-Match).
 */
function withdrawal(
  recordedOn: string,
  by: ActorRef,
  now: Date,
  check?: (current: ReferralDocument) => void,
): ChangeDecision {
  return (current) => {
    if (current.consent.withdrawnAt) return undefined;
    check?.(current);
    const cancel = !isTerminal(current.status);
    const reason = { code: 'consent-withdrawn' as const };
    const history: Omit<ReferralHistoryEntry, 'version'>[] = [
      { at: now, by, action: 'consent-withdrawn', from: current.status, to: current.status },
    ];
    const events = [];
    if (cancel) {
      history.push({ at: now, by, action: 'cancelled', from: current.status, to: 'cancelled', reason });
      events.push(
        statusChangeEvent(current, 'cancel', current.version + 1, by, now, { reasonCode: reason.code }),
      );
    }
    events.push(consentWithdrawnEvent(current, recordedOn, now));
    return {
      set: {
        consent: { ...current.consent, withdrawnAt: now, withdrawnBy: by },
        updatedAt: now,
        ...(cancel ? { status: 'cancelled' as const, statusReason: reason } : {}),
      },
      history,
      events,
    };
  };
}
