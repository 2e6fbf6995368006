import type { EventEnvelope } from '@sp/contracts';
import type { ReferralDocument } from '../../referrals/referral.entity';
import type { ClosingFact, GpSummary } from '../domain/gp-summary';
import { IssueGpSummaryUseCase } from './issue-gp-summary.use-case';

const KEY = 'b5a2c96250612366ea272ffac6d9744aaf4b45aacd96aa7cfcb931ee3b558259';

function referral(over: Partial<ReferralDocument>): ReferralDocument {
  return {
    _id: 'root',
    status: 'completed',
    version: 3,
    requesterOrganisationId: 'org-gp',
    requesterOdsCode: 'A81001',
    requesterClientId: 'gp',
    childReferralIds: [],
    needs: ['sp-need-loneliness'],
    priority: 'routine',
    patient: { nhsNumber: '9434765919', givenName: 'Ada', familyName: 'Lovelace', birthDate: '1950-12-10' },
    patientKey: KEY,
    consent: {
      given: true,
      recordedBy: 'Dr Jones',
      recordedAt: new Date(),
      scope: 'share-with-receiving-service',
    },
    doNotContact: false,
    respondBy: new Date(),
    remindAt: new Date(),
    requestFingerprint: 'x',
    createdAt: new Date(),
    updatedAt: new Date(),
    history: [],
    outbox: [],
    ...over,
  } as ReferralDocument;
}

const fact: ClosingFact = {
  referralId: 'child',
  version: 4,
  toStatus: 'rejected',
  expired: false,
  reasonCode: 'no-capacity',
  outcomeCodes: [],
  closedBy: { organisationId: 'org-vcs', role: 'provider' },
  occurredAt: '2026-12-01T10:00:00.000Z',
};

function setUp(stored: 'created' | 'exists' = 'created') {
  const docs = new Map<string, ReferralDocument>([
    ['root', referral({})],
    [
      'mid',
      referral({
        _id: 'mid',
        parentReferralId: 'root',
        requesterOrganisationId: 'org-lw',
        requesterOdsCode: 'U81234',
      }),
    ],
    [
      'child',
      referral({
        _id: 'child',
        parentReferralId: 'mid',
        requesterOrganisationId: 'org-lw',
        requesterOdsCode: 'U81234',
        targetServiceId: 'svc-walk',
        ownerOrganisationId: 'org-vcs',
      }),
    ],
  ]);
  const inserted: { summary: GpSummary; events: EventEnvelope[] }[] = [];
  const audit = { record: jest.fn().mockResolvedValue(undefined) };
  const relay = { kick: jest.fn() };
  const useCase = new IssueGpSummaryUseCase(
    { findById: async (id: string) => docs.get(id) ?? null },
    {
      insertOnce: async (summary: GpSummary, events: EventEnvelope[]) => {
        inserted.push({ summary, events });
        return stored;
      },
    },
    audit,
    relay,
  );
  return { useCase, inserted, audit, relay };
}

describe('IssueGpSummaryUseCase', () => {
  it('addresses the summary to the root practice up the onward chain, with an ids-and-codes event', async () => {
    const { useCase, inserted, audit, relay } = setUp();
    expect(await useCase.execute(fact)).toBe('issued');
    const [{ summary, events }] = inserted as [{ summary: GpSummary; events: EventEnvelope[] }];
    expect(summary).toMatchObject({
      referralId: 'child',
      rootReferralId: 'root',
      parentReferralId: 'mid',
      recipient: { organisationId: 'org-gp', odsCode: 'A81001' },
      reasonCode: 'no-capacity',
    });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: 'org.socialprescribing.referral.gp-summary-issued.v1',
      data: { referralId: 'child', recipientOdsCode: 'A81001', recordCodes: ['871731000000106'] },
    });
    expect(JSON.stringify(events[0])).not.toMatch(/9434765919|Ada|Lovelace|1950-12-10/);
    expect(relay.kick).toHaveBeenCalledTimes(1);
    expect(audit.record).toHaveBeenCalledWith(
      expect.objectContaining({
        action: 'referral.gp-summary-issued',
        referralId: 'child',
        outcome: 'allowed',
      }),
    );
  });

  it('does nothing more when the summary is already stored (a redelivery)', async () => {
    const { useCase, relay, audit } = setUp('exists');
    expect(await useCase.execute(fact)).toBe('already-issued');
    expect(relay.kick).not.toHaveBeenCalled();
    expect(audit.record).not.toHaveBeenCalled();
  });

  it('skips a closing event of a referral this database does not hold', async () => {
    const { useCase, inserted } = setUp();
    expect(await useCase.execute({ ...fact, referralId: 'elsewhere' })).toBe('unknown-referral');
    expect(inserted).toEqual([]);
  });
});
