import { InMemoryReferrals } from '../../../test/support/in-memory-referrals';
import type { Actor } from '../../domain/referral-intake.rules';
import { newReferralDocument } from '../../referrals/create-referral/create-referral.use-case';
import { ReferralErrors } from '../../referrals/referral-errors';
import type { ReferralDocument, ReferralStatus } from '../../referrals/referral.entity';
import type { TeamMemberDocument } from '../roster/team-roster.repository';
import { AssignReferralUseCase } from './assign-referral.use-case';

const now = new Date('2026-11-21T10:00:00Z');
const lead: Actor = {
  clientId: 'portal',
  organisationId: 'org-lw',
  role: 'link-worker',
  person: { sub: 'lead', name: 'Chris Lead', teamRole: 'team-lead' },
};

function referral(id: string, status: ReferralStatus = 'accepted'): ReferralDocument {
  const doc = newReferralDocument(
    {
      _id: id,
      requesterOrganisationId: 'org-gp',
      requesterOdsCode: 'A81001',
      requesterClientId: 'gp',
      targetServiceId: 'svc-lw',
      ownerOrganisationId: 'org-lw',
      needs: ['sp-need-loneliness'],
      priority: 'routine',
      patient: { nhsNumber: '9434765919', givenName: 'Ada', familyName: 'Lovelace', birthDate: '1950-12-10' },
      patientKey: 'a'.repeat(64),
      consent: {
        given: true,
        recordedBy: 'Dr Jones',
        recordedAt: now,
        scope: 'share-with-receiving-service',
      },
      doNotContact: false,
      requestFingerprint: 'fp',
    },
    { clientId: 'gp', organisationId: 'org-gp', role: 'referrer' },
    now,
    { deadlineHours: 336, reminderBeforeHours: 72 },
  );
  return { ...doc, status, outbox: [] };
}

const member = (sub: string, caseloadLimit: number | null = null): TeamMemberDocument => ({
  _id: `org-lw|${sub}`,
  organisationId: 'org-lw',
  sub,
  issuer: 'https://idp.example',
  name: sub === 'ali' ? 'Ali Khan' : 'Bea Jones',
  teamRole: 'worker',
  caseloadLimit,
  firstSeenAt: now,
  lastSeenAt: now,
});

function setUp(docs: ReferralDocument[], members: TeamMemberDocument[], held: Record<string, number> = {}) {
  const referrals = new InMemoryReferrals(docs);
  const refreshed: string[] = [];
  const kicks: number[] = [];
  const useCase = new AssignReferralUseCase(
    referrals,
    {
      load: async (id: string) => {
        const doc = await referrals.findById(id);
        if (!doc) throw ReferralErrors.notFound(id);
        return { referral: doc, parties: [] };
      },
    },
    { find: async (_org: string, sub: string) => members.find((m) => m.sub === sub) ?? null },
    { openAssignedTo: async (_org: string, sub: string) => held[sub] ?? 0 },
    {
      refresh: async (org: string) => {
        refreshed.push(org);
        return true;
      },
    },
    { record: async () => undefined },
    { kick: () => kicks.push(1) },
  );
  return { referrals, useCase, refreshed, kicks };
}

describe('AssignReferralUseCase', () => {
  it('writes the assignment, a history entry and referral.assigned in one change, recounts the team, kicks the relay', async () => {
    const { referrals, useCase, refreshed, kicks } = setUp([referral('r1')], [member('ali')]);
    const { changed, referral: after } = await useCase.execute({
      referralId: 'r1',
      actor: lead,
      assigneeSub: 'ali',
    });
    expect(changed).toBe(true);
    expect(after.assignment).toMatchObject({ assigneeSub: 'ali', assigneeName: 'Ali Khan', version: 1 });
    expect(after.history.at(-1)).toMatchObject({
      action: 'assigned',
      from: 'accepted',
      to: 'accepted',
      by: { person: { sub: 'lead', name: 'Chris Lead' } },
      assignment: { version: 1, assignee: { sub: 'ali', name: 'Ali Khan' } },
    });
    expect(referrals.events.map((e) => [e.type, e.data])).toEqual([
      [
        'org.socialprescribing.referral.assigned.v1',
        expect.objectContaining({
          action: 'assigned',
          assigneeSub: 'ali',
          assignedBySub: 'lead',
          assignmentVersion: 1,
        }),
      ],
    ]);
    expect(refreshed).toEqual(['org-lw']);
    expect(kicks).toHaveLength(1);
    expect(referrals.log).toEqual(['commit']);
  });

  it('changes nothing (no event, no recount) when the holder is already the assignee', async () => {
    const { useCase, refreshed, kicks, referrals } = setUp([referral('r1')], [member('ali')]);
    await useCase.execute({ referralId: 'r1', actor: lead, assigneeSub: 'ali' });
    const again = await useCase.execute({ referralId: 'r1', actor: lead, assigneeSub: 'ali' });
    expect(again.changed).toBe(false);
    expect(referrals.events).toHaveLength(1);
    expect([refreshed.length, kicks.length]).toEqual([1, 1]);
  });

  it('refuses another organisation’s referral (403), a closed one (409), and a full caseload (409), writing nothing', async () => {
    const other = { ...referral('r2'), ownerOrganisationId: 'org-other' };
    const { useCase, referrals } = setUp(
      [other, referral('r3', 'completed'), referral('r4')],
      [member('bea', 1)],
      {
        bea: 1,
      },
    );
    await expect(
      useCase.execute({ referralId: 'r2', actor: lead, assigneeSub: 'bea' }),
    ).rejects.toMatchObject({
      code: 'REFERRAL.NOT_PERMITTED',
      status: 403,
    });
    await expect(
      useCase.execute({ referralId: 'r3', actor: lead, assigneeSub: 'bea' }),
    ).rejects.toMatchObject({
      code: 'CASELOAD.REFERRAL_CLOSED',
      status: 409,
    });
    await expect(
      useCase.execute({ referralId: 'r4', actor: lead, assigneeSub: 'bea' }),
    ).rejects.toMatchObject({
      code: 'CASELOAD.LIMIT_REACHED',
      status: 409,
    });
    await expect(
      useCase.execute({ referralId: 'r4', actor: lead, assigneeSub: 'bea', expectedVersion: 9 }),
    ).rejects.toMatchObject({ code: 'REFERRAL.VERSION_MISMATCH', status: 412 });
    expect(referrals.events).toEqual([]);
    expect(referrals.get('r4').assignment).toBeUndefined();
  });

  it('a handover records both holders and the reason; unassigning leaves assignment null and counts on', async () => {
    const { useCase, referrals } = setUp([referral('r1')], [member('ali'), member('bea')]);
    await useCase.execute({ referralId: 'r1', actor: lead, assigneeSub: 'ali' });
    await useCase.execute({
      referralId: 'r1',
      actor: lead,
      assigneeSub: 'bea',
      reasonCode: 'leave',
      reasonText: 'On leave',
    });
    const after = await useCase.execute({ referralId: 'r1', actor: lead });
    expect(after.referral).toMatchObject({ assignment: null, assignmentVersion: 3 });
    expect(after.referral.history.slice(-2).map((h) => [h.action, h.assignment])).toEqual([
      [
        'reassigned',
        {
          version: 2,
          assignee: { sub: 'bea', name: 'Bea Jones' },
          previousAssignee: { sub: 'ali', name: 'Ali Khan' },
          reason: { code: 'leave', text: 'On leave' },
        },
      ],
      ['unassigned', { version: 3, previousAssignee: { sub: 'bea', name: 'Bea Jones' } }],
    ]);
    const data = referrals.events.map((e) => e.data as Record<string, unknown>);
    expect(data.map((d) => [d['action'], d['previousAssigneeSub'], d['assignmentVersion']])).toEqual([
      ['assigned', undefined, 1],
      ['reassigned', 'ali', 2],
      ['unassigned', 'bea', 3],
    ]);
    expect(JSON.stringify(data)).not.toContain('On leave');
  });
});
