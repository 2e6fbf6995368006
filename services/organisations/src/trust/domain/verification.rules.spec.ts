import { EVIDENCE_TYPES, type EvidenceType } from '@sp/contracts';
import { computeVerification, verificationAnnouncement, type EvidenceRecord } from './verification.rules';

const NOW = new Date('2025-06-01T12:00:00.000Z');
const vcs = { kind: 'vcs' };

function record(over: Partial<EvidenceRecord> = {}): EvidenceRecord {
  return {
    reference: 'REF-1',
    verifiedBy: 'platform-ops',
    verifiedAt: '2025-01-01T00:00:00.000Z',
    expiresAt: '2026-01-01T00:00:00.000Z',
    status: 'current',
    ...over,
  };
}

function allCurrent(): Record<EvidenceType, EvidenceRecord> {
  return {
    'safeguarding-policy': record({ expiresAt: '2026-03-01T00:00:00.000Z' }),
    'dbs-checks': record({ expiresAt: '2025-09-30T00:00:00.000Z' }),
    'public-liability-insurance': record({ expiresAt: '2026-01-31T00:00:00.000Z' }),
    'registered-charity-or-company': record({ reference: '1100001', expiresAt: undefined }),
  };
}

describe('organisation verification', () => {
  it('verifies a VCS organisation with all four kinds current, until the earliest expiry', () => {
    expect(computeVerification(vcs, allCurrent(), NOW)).toEqual({
      verified: true,
      basis: 'evidence',
      verifiedUntil: '2025-09-30T00:00:00.000Z',
      problems: [],
    });
  });

  it('names every missing kind', () => {
    const v = computeVerification(vcs, { 'dbs-checks': record() }, NOW);
    expect(v.verified).toBe(false);
    expect(v.problems).toEqual([
      { evidenceType: 'safeguarding-policy', problem: 'missing' },
      { evidenceType: 'public-liability-insurance', problem: 'missing' },
      { evidenceType: 'registered-charity-or-company', problem: 'missing' },
    ]);
  });

  it('treats evidence as expired at its expiry instant, and valid one millisecond before', () => {
    const evidence = allCurrent();
    const expiry = new Date(evidence['dbs-checks'].expiresAt!);
    expect(computeVerification(vcs, evidence, new Date(expiry.getTime() - 1)).verified).toBe(true);
    expect(computeVerification(vcs, evidence, expiry)).toEqual({
      verified: false,
      basis: 'none',
      problems: [{ evidenceType: 'dbs-checks', problem: 'expired' }],
    });
  });

  it('reports revoked evidence as revoked, even if not expired', () => {
    const evidence = { ...allCurrent(), 'safeguarding-policy': record({ status: 'revoked' }) };
    expect(computeVerification(vcs, evidence, NOW).problems).toEqual([
      { evidenceType: 'safeguarding-policy', problem: 'revoked' },
    ]);
  });

  it('verifies an NHS organisation with an ODS code by its registration, without evidence', () => {
    expect(computeVerification({ kind: 'gp-practice', odsCode: 'A81001' }, {}, NOW)).toEqual({
      verified: true,
      basis: 'nhs-ods',
      problems: [],
    });
    expect(computeVerification({ kind: 'link-worker-service', odsCode: 'U81234' }, {}, NOW).verified).toBe(
      true,
    );
  });

  it('asks an NHS-kind organisation without an ODS code, or an unknown organisation, for evidence', () => {
    expect(computeVerification({ kind: 'gp-practice' }, {}, NOW).problems).toHaveLength(
      EVIDENCE_TYPES.length,
    );
    expect(computeVerification({}, {}, NOW).verified).toBe(false);
  });

  it('announces a change of state or of verifiedUntil, not of problems while unverified', () => {
    const a = computeVerification(vcs, allCurrent(), NOW);
    const b = computeVerification(vcs, allCurrent(), new Date('2025-07-01T00:00:00.000Z'));
    expect(verificationAnnouncement(a)).toBe(verificationAnnouncement(b));
    const renewed = { ...allCurrent(), 'dbs-checks': record({ expiresAt: '2026-09-30T00:00:00.000Z' }) };
    expect(verificationAnnouncement(computeVerification(vcs, renewed, NOW))).not.toBe(
      verificationAnnouncement(a),
    );
    const missingOne = computeVerification(vcs, { 'dbs-checks': record() }, NOW);
    const missingAll = computeVerification(vcs, {}, NOW);
    expect(verificationAnnouncement(missingOne)).toBe(verificationAnnouncement(missingAll));
  });
});
