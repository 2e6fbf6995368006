import {
  buildGpSummary,
  isClosingStatus,
  recordCodesFor,
  summaryIdFor,
  summaryReaders,
  summaryText,
  type ClosedReferral,
  type ClosingFact,
  type RootReferral,
} from './gp-summary';

const root: RootReferral = { _id: 'root-1', requesterOrganisationId: 'org-gp', requesterOdsCode: 'A81001' };

const referral: ClosedReferral = {
  _id: 'root-1',
  requesterOrganisationId: 'org-gp',
  requesterOdsCode: 'A81001',
  targetServiceId: 'svc-befriending',
  ownerOrganisationId: 'org-vcs',
  needs: ['sp-need-loneliness'],
  outcome: { codes: ['sp-outcome-attended'], note: 'Came every week' },
};

const fact = (over: Partial<ClosingFact> = {}): ClosingFact => ({
  referralId: 'root-1',
  version: 5,
  toStatus: 'completed',
  expired: false,
  outcomeCodes: ['sp-outcome-attended'],
  closedBy: { organisationId: 'org-vcs', role: 'provider' },
  occurredAt: '2026-12-01T10:00:00.000Z',
  ...over,
});

describe('GP summary (message back to the referrer)', () => {
  it('closes on completed, rejected, cancelled and failed, not on entered-in-error or open statuses', () => {
    expect(['completed', 'rejected', 'cancelled', 'failed'].every((s) => isClosingStatus(s as never))).toBe(
      true,
    );
    for (const s of ['entered-in-error', 'requested', 'accepted', 'in-progress', 'on-hold'] as const)
      expect(isClosingStatus(s)).toBe(false);
  });

  it('records "Referral to social prescribing service" for a completed referral, with its outcome', () => {
    const summary = buildGpSummary(fact(), referral, root);
    expect(summary.recordCodes).toEqual([
      { code: '871731000000106', display: 'Referral to social prescribing service' },
    ]);
    expect(summary).toMatchObject({
      referralId: 'root-1',
      referralVersion: 5,
      rootReferralId: 'root-1',
      recipient: { organisationId: 'org-gp', odsCode: 'A81001' },
      targetServiceId: 'svc-befriending',
      ownerOrganisationId: 'org-vcs',
      closingStatus: 'completed',
      outcomeCodes: ['sp-outcome-attended'],
      outcomeNote: 'Came every week',
    });
  });

  it('records "Social prescribing declined" whenever the patient declined (reject, cancel or fail)', () => {
    for (const toStatus of ['rejected', 'cancelled', 'failed'] as const) {
      const summary = buildGpSummary(fact({ toStatus, reasonCode: 'patient-declined' }), referral, root);
      expect(summary.recordCodes).toEqual([
        { code: '871711000000103', display: 'Social prescribing declined' },
      ]);
      expect(summary.reasonCode).toBe('patient-declined');
    }
  });

  it('keeps no outcome on a close that is not a completion, and no code other than the verified two', () => {
    const summary = buildGpSummary(
      fact({ toStatus: 'rejected', reasonCode: 'no-capacity', outcomeCodes: [] }),
      referral,
      root,
    );
    expect(summary.outcomeCodes).toEqual([]);
    expect(summary.outcomeNote).toBeUndefined();
    expect(recordCodesFor({ reasonCode: 'no-capacity' }).map((c) => c.code)).toEqual(['871731000000106']);
  });

  it('reports an expiry as closed by the platform, readable by the practice and the service that did not answer', () => {
    const summary = buildGpSummary(
      fact({
        toStatus: 'rejected',
        expired: true,
        reasonCode: 'no-response',
        outcomeCodes: [],
        closedBy: { organisationId: 'platform', role: 'system' },
      }),
      referral,
      root,
    );
    expect(summary.expired).toBe(true);
    expect(summaryReaders(summary).sort()).toEqual(['org-gp', 'org-vcs']);
    expect(summaryText(summary)).toContain('nobody answered before the response deadline');
  });

  it('addresses an onward referral to the practice that made the root referral, not the link worker', () => {
    const child: ClosedReferral = {
      _id: 'child-1',
      requesterOrganisationId: 'org-lw',
      requesterOdsCode: 'U81234',
      parentReferralId: 'root-1',
      targetServiceId: 'svc-walking',
      ownerOrganisationId: 'org-walk',
      needs: ['sp-need-physical-activity'],
    };
    const summary = buildGpSummary(
      fact({ referralId: 'child-1', closedBy: { organisationId: 'org-walk', role: 'provider' } }),
      child,
      root,
    );
    expect(summary.recipient).toEqual({ organisationId: 'org-gp', odsCode: 'A81001' });
    expect(summary.rootReferralId).toBe('root-1');
    expect(summary.parentReferralId).toBe('root-1');
    expect(summaryReaders(summary).sort()).toEqual(['org-gp', 'org-walk']);
  });

  it('gives one stable id per referral (a UUID), different for different referrals', () => {
    expect(summaryIdFor('root-1')).toBe(summaryIdFor('root-1'));
    expect(summaryIdFor('root-1')).not.toBe(summaryIdFor('root-2'));
    expect(summaryIdFor('root-1')).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });

  it('says in plain words who closed it, the support offered, reason, outcome and record codes', () => {
    const text = summaryText(buildGpSummary(fact(), referral, root));
    expect(text).toContain('completed, closed by the community service');
    expect(text).toContain('svc-befriending');
    expect(text).toContain('sp-outcome-attended');
    expect(text).toContain('871731000000106 Referral to social prescribing service');
  });
});
