import { randomUUID } from 'node:crypto';
import { createEnvelope, ReferralFirstContactMadeV1, type ContactMethod } from '@sp/contracts';
import { eventMetaFromContext, type OutboxRelay } from '@sp/messaging';
import type { AuditLogRepository } from '../../../audit/audit-log.repository';
import type { Actor } from '../../../domain/referral-intake.rules';
import { actorRef } from '../../../referrals/actor-ref';
import { audited } from '../../../referrals/audited';
import { EVENT_SOURCE } from '../../../referrals/referral-events';
import type { ActorRef, ReferralDocument } from '../../../referrals/referral.entity';
import type { ChangeDecision, ReferralRepository } from '../../../referrals/referral.repository';
import { CaseRecordErrors } from '../../case-record.errors';
import type { CaseRecordGate } from '../../case-record-gate';
import { caseAuthorOf } from '../../domain/case-author';
import { contactTimeProblems, firstContact, type ContactOutcome } from '../contact.rules';
import type { CaseContactDocument } from '../contact.entity';
import type { ContactRepository } from '../contact.repository';

export interface RecordContactInput {
  referralId: string;
  actor: Actor;
  at: Date;
  method: ContactMethod;
  outcome: ContactOutcome;
  summary?: string;
}

/**
 * Records a contact (or attempt) with the patient. The first `reached` contact also sets the
 * referral's first-contact time, adds a `first-contact` history entry and puts
 * `referral.first-contact-made` in the referral's outbox, in the same transaction as the contact
 * (a concurrent second reached contact conflicts on the referral's version and is retried, so
 * exactly one becomes the first).
 */
export class RecordContactUseCase {
  constructor(
    private readonly gate: Pick<CaseRecordGate, 'open'>,
    private readonly contacts: Pick<ContactRepository, 'insert' | 'forReferral'>,
    private readonly referrals: Pick<
      ReferralRepository,
      'inTransaction' | 'holdForCaseRecordWrite' | 'findById' | 'change'
    >,
    private readonly audit: Pick<AuditLogRepository, 'record'>,
    private readonly relay: Pick<OutboxRelay, 'kick'>,
  ) {}

  execute(input: RecordContactInput, now = new Date()): Promise<CaseContactDocument> {
    const by = actorRef(input.actor);
    return audited(this.audit, by, 'case.contact.create', input.referralId, async () => {
      const { referral } = await this.gate.open(input.referralId, input.actor, 'write');
      const problems = contactTimeProblems(input.at, referral.createdAt, now);
      if (problems.length > 0) throw CaseRecordErrors.invalid(problems);

      const contact: CaseContactDocument = {
        _id: randomUUID(),
        referralId: referral._id,
        organisationId: input.actor.organisationId,
        author: caseAuthorOf(input.actor),
        at: input.at,
        method: input.method,
        outcome: input.outcome,
        ...(input.summary !== undefined ? { summary: input.summary } : {}),
        createdAt: now,
        updatedAt: now,
        version: 1,
      };
      const madeFirstContact = await this.referrals.inTransaction(async (session) => {
        // Held against consent withdrawal (see CaseRecordTransaction).
        if (!(await this.referrals.holdForCaseRecordWrite(referral._id, session)))
          throw CaseRecordErrors.readOnly(referral._id);
        const current = await this.referrals.findById(referral._id, session);
        if (!current) throw CaseRecordErrors.readOnly(referral._id);
        const first = firstContact(
          contact,
          current.firstContactAt,
          await this.contacts.forReferral(referral._id, session),
        );
        await this.contacts.insert(contact, session);
        if (!first) return false;
        await this.referrals.change(current._id, firstContactMade(contact, first.attemptsBefore, by, now), {
          session,
          basedOn: current,
        });
        return true;
      });
      if (madeFirstContact) this.relay.kick();
      return contact;
    });
  }
}

function firstContactMade(
  contact: CaseContactDocument,
  attemptsBefore: number,
  by: ActorRef,
  now: Date,
): ChangeDecision {
  return (current: ReferralDocument) => {
    if (current.firstContactAt !== undefined || current.ownerOrganisationId === undefined) return undefined;
    return {
      set: { firstContactAt: contact.at, updatedAt: now },
      history: [{ at: now, by, action: 'first-contact', from: current.status, to: current.status }],
      events: [
        createEnvelope(
          ReferralFirstContactMadeV1,
          {
            referralId: current._id,
            requesterOrganisationId: current.requesterOrganisationId,
            ownerOrganisationId: current.ownerOrganisationId,
            ...(current.targetServiceId ? { targetServiceId: current.targetServiceId } : {}),
            patientKey: current.patientKey,
            submittedAt: current.createdAt.toISOString(),
            firstContactAt: contact.at.toISOString(),
            method: contact.method,
            attemptsBefore,
            occurredAt: now.toISOString(),
          },
          eventMetaFromContext(EVENT_SOURCE),
        ),
      ],
    };
  };
}
