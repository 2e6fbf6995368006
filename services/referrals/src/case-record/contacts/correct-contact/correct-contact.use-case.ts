import type { ContactMethod } from '@sp/contracts';
import { changeableEntry } from '../../domain/entry-change';
import type { AuditLogRepository } from '../../../audit/audit-log.repository';
import type { Actor } from '../../../domain/referral-intake.rules';
import { actorRef } from '../../../referrals/actor-ref';
import { audited } from '../../../referrals/audited';
import { CaseRecordErrors } from '../../case-record.errors';
import type { CaseRecordGate } from '../../case-record-gate';
import type { CaseRecordTransaction } from '../../case-record-transaction';
import { caseAuthorOf } from '../../domain/case-author';
import { contactTimeProblems, type ContactOutcome } from '../contact.rules';
import type { CaseContactDocument } from '../contact.entity';
import type { ContactCorrection, ContactRepository } from '../contact.repository';

export interface CorrectContactInput {
  referralId: string;
  contactId: string;
  actor: Actor;
  /** If-Match: the version the caller read (412 when the contact changed since). */
  expectedVersion?: number;
  at?: Date;
  method?: ContactMethod;
  outcome?: ContactOutcome;
  summary?: string;
}

/**
 * Corrects a recorded contact (its author or a team lead). The referral's first-contact time
 * and its `referral.first-contact-made` event are facts already reported: a correction does not
 * move or re-emit them.
 */
export class CorrectContactUseCase {
  constructor(
    private readonly gate: Pick<CaseRecordGate, 'open'>,
    private readonly contacts: Pick<ContactRepository, 'findOne' | 'correct'>,
    private readonly tx: Pick<CaseRecordTransaction, 'run'>,
    private readonly audit: Pick<AuditLogRepository, 'record'>,
  ) {}

  execute(input: CorrectContactInput, now = new Date()): Promise<CaseContactDocument> {
    return audited(this.audit, actorRef(input.actor), 'case.contact.update', input.referralId, async () => {
      const { referral } = await this.gate.open(input.referralId, input.actor, 'write');
      const contact = changeableEntry(
        'contact',
        input.contactId,
        await this.contacts.findOne(referral._id, input.contactId),
        input.actor,
        input.expectedVersion,
      );
      if (input.at) {
        const problems = contactTimeProblems(input.at, referral.createdAt, now);
        if (problems.length > 0) throw CaseRecordErrors.invalid(problems);
      }
      const change: ContactCorrection = {
        updatedAt: now,
        ...(input.at ? { at: input.at } : {}),
        ...(input.method ? { method: input.method } : {}),
        ...(input.outcome ? { outcome: input.outcome } : {}),
        ...(input.summary !== undefined ? { summary: input.summary } : {}),
        updatedBy: caseAuthorOf(input.actor),
      };
      const after = await this.tx.run(referral._id, (session) =>
        this.contacts.correct(referral._id, contact._id, contact.version, change, session),
      );
      if (!after) {
        const current = await this.contacts.findOne(referral._id, contact._id);
        throw CaseRecordErrors.versionMismatch(contact.version, current?.version ?? contact.version + 1);
      }
      return after;
    });
  }
}
