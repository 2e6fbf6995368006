import type { Communication } from 'fhir/r4';
import type { AuditLogRepository } from '../../audit/audit-log.repository';
import type { CaseRecordGate } from '../../case-record/case-record-gate';
import type { ContactRepository } from '../../case-record/contacts/contact.repository';
import type { Actor } from '../../domain/referral-intake.rules';
import { actorRef } from '../../referrals/actor-ref';
import { audited } from '../../referrals/audited';
import type { ReferralRepository } from '../../referrals/referral.repository';
import { toContactCommunication } from './contact-communication.resource';

const MAX_REFERRALS_PER_PATIENT = 1000;

export interface ContactCommunicationSearch {
  referralId?: string;
  patientKey?: string;
  updatedAfter?: Date;
  updatedBefore?: Date;
  count: number;
  offset: number;
}

/**
 * Contacts with the patient as FHIR Communications, readable by the organisation holding the
 * referral only (the case record's rule: the referring practice 403, anyone else 404). Every
 * contact read or found is audited against its referral.
 */
export class ContactCommunicationUseCase {
  constructor(
    private readonly gate: Pick<CaseRecordGate, 'open'>,
    private readonly contacts: Pick<ContactRepository, 'findById' | 'search'>,
    private readonly referrals: Pick<ReferralRepository, 'findMany' | 'search'>,
    private readonly audit: Pick<AuditLogRepository, 'record' | 'recordMany'>,
  ) {}

  /** The contact with this id as a Communication; undefined when no contact has this id. */
  async read(id: string, actor: Actor): Promise<Communication | undefined> {
    const contact = await this.contacts.findById(id);
    if (!contact) return undefined;
    return audited(this.audit, actorRef(actor), 'case.contact.read', contact.referralId, async () => {
      const { referral } = await this.gate.open(contact.referralId, actor, 'read');
      return toContactCommunication(contact, referral);
    });
  }

  /** A page of the caller's organisation's contacts (on referrals it holds). */
  async search(
    query: ContactCommunicationSearch,
    actor: Actor,
  ): Promise<{ total: number; items: Communication[] }> {
    let referralIds: string[] | undefined;
    if (query.referralId !== undefined) referralIds = [query.referralId];
    if (query.patientKey !== undefined) {
      const ofPatient = await this.referrals.search(
        { ownerOrganisationId: actor.organisationId, patientKey: query.patientKey },
        0,
        MAX_REFERRALS_PER_PATIENT,
      );
      const ids = ofPatient.items.map((r) => r._id);
      referralIds = referralIds ? referralIds.filter((r) => ids.includes(r)) : ids;
    }
    const page = await this.contacts.search(
      {
        organisationId: actor.organisationId,
        ...(referralIds ? { referralIds } : {}),
        ...(query.updatedAfter ? { updatedAfter: query.updatedAfter } : {}),
        ...(query.updatedBefore ? { updatedBefore: query.updatedBefore } : {}),
      },
      query.offset,
      query.count,
    );
    // Only referrals the organisation still holds (an onward move elsewhere ends its access).
    const held = new Map(
      (await this.referrals.findMany([...new Set(page.items.map((c) => c.referralId))]))
        .filter((r) => r.ownerOrganisationId === actor.organisationId)
        .map((r) => [r._id, r]),
    );
    const found = page.items.filter((c) => held.has(c.referralId));
    await this.audit.recordMany(
      found.map((c) => ({
        actor: actorRef(actor),
        action: 'case.contact.search',
        referralId: c.referralId,
        outcome: 'allowed' as const,
      })),
    );
    return {
      total: page.total,
      items: found.map((c) => toContactCommunication(c, held.get(c.referralId)!)),
    };
  }
}
