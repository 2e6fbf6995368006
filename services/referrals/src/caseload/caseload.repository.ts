import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { ClientSession, Collection, Filter } from 'mongodb';
import type { TaskStatus } from '@sp/contracts';
import { ReferralRepository } from '../referrals/referral.repository';
import type { ReferralDocument } from '../referrals/referral.entity';

/** Statuses of a case the owning organisation is working on or will (not draft, not closed). */
export const OPEN_STATUSES: readonly TaskStatus[] = ['requested', 'accepted', 'in-progress', 'on-hold'];

/** A referral as the caseload reads it (without NHS number, date of birth, demographics, note or outbox). */
export type CaseloadReferral = ReferralDocument;

const CASELOAD_PROJECTION = {
  outbox: 0,
  note: 0,
  reasons: 0,
  identifiers: 0,
  'patient.nhsNumber': 0,
  'patient.birthDate': 0,
  'patient.sex': 0,
  'patient.postcode': 0,
  'patient.ethnicCategory': 0,
  population: 0,
} as const;

/**
 * Caseload reads of the referrals collection: open referrals of an organisation by assignee.
 * Writes go through ReferralRepository (one versioned update per change).
 */
@Injectable()
export class CaseloadRepository implements OnModuleInit {
  private readonly referrals: Collection<CaseloadReferral>;

  constructor(@Inject(ReferralRepository) referrals: ReferralRepository) {
    this.referrals = referrals.referrals as Collection<CaseloadReferral>;
  }

  async onModuleInit(): Promise<void> {
    await this.referrals.createIndex(
      { ownerOrganisationId: 1, 'assignment.assigneeSub': 1, status: 1, createdAt: 1 },
      { name: 'by_owner_assignee' },
    );
  }

  /** The holder of every open referral the organisation owns (undefined: nobody). */
  async openAssignees(organisationId: string, session?: ClientSession): Promise<(string | undefined)[]> {
    const docs = await this.referrals
      .find(
        { ownerOrganisationId: organisationId, status: { $in: [...OPEN_STATUSES] } },
        { projection: { _id: 0, 'assignment.assigneeSub': 1 }, ...(session ? { session } : {}) },
      )
      .toArray();
    return docs.map((d) => d.assignment?.assigneeSub ?? undefined);
  }

  /** How many open referrals of the organisation `sub` holds. */
  async openAssignedTo(organisationId: string, sub: string, session?: ClientSession): Promise<number> {
    return this.referrals.countDocuments(
      {
        ownerOrganisationId: organisationId,
        'assignment.assigneeSub': sub,
        status: { $in: [...OPEN_STATUSES] },
      },
      session ? { session } : {},
    );
  }

  async page(
    filter: Filter<CaseloadReferral>,
    offset: number,
    limit: number,
  ): Promise<{ total: number; items: CaseloadReferral[] }> {
    const [total, items] = await Promise.all([
      this.referrals.countDocuments(filter),
      this.referrals
        .find(filter, { projection: CASELOAD_PROJECTION })
        .sort({ createdAt: 1, _id: 1 })
        .skip(offset)
        .limit(limit)
        .toArray(),
    ]);
    return { total, items: items as CaseloadReferral[] };
  }
}
