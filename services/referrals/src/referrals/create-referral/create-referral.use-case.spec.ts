import { isDomainError } from '@sp/errors';
import type { AuditLogRepository } from '../../audit/audit-log.repository';
import type { Actor } from '../../domain/referral-intake.rules';
import type { ReferralDocument } from '../referral.entity';
import type { ReferralRepository } from '../referral.repository';
import { CreateReferralUseCase } from './create-referral.use-case';

const gp: Actor = {
  clientId: 'riverside-gp',
  organisationId: 'org-riverside',
  odsCode: 'A81001',
  role: 'referrer',
};
const body = {
  patient: { nhsNumber: '943 476 5919', givenName: 'Ada', familyName: 'Lovelace', birthDate: '1950-12-10' },
  requesterOdsCode: 'A81001',
  targetServiceId: 'svc-link-workers',
  needs: ['sp-need-loneliness'],
  priority: 'routine',
  consent: {
    given: true,
    recordedBy: 'Dr Jones',
    recordedAt: '2026-11-21T09:00:00Z',
    scope: 'share-with-receiving-service',
  },
};

/** In-memory stand-ins for our own repositories (the real ones are exercised end to end). */
function setup() {
  const stored: ReferralDocument[] = [];
  const audit: unknown[] = [];
  const kicks: number[] = [];
  const referrals = {
    insert: async (doc: ReferralDocument) => {
      const existing = stored.find(
        (r) =>
          r.requesterOrganisationId === doc.requesterOrganisationId &&
          r.idempotencyKey === doc.idempotencyKey,
      );
      if (existing) return { created: false, referral: existing };
      stored.push(doc);
      return { created: true, referral: doc };
    },
  } as unknown as ReferralRepository;
  const auditLog = {
    record: async (entry: unknown) => void audit.push(entry),
  } as unknown as AuditLogRepository;
  const useCase = new CreateReferralUseCase(
    referrals,
    auditLog,
    { kick: () => void kicks.push(1) },
    'test-secret-key-1234',
  );
  return { useCase, stored, audit, kicks };
}

describe('CreateReferralUseCase', () => {
  it('stores the referral with its event in the same document and wakes the relay', async () => {
    const { useCase, stored, audit, kicks } = setup();
    const result = await useCase.execute({ body, actor: gp }, new Date('2026-11-21T10:00:00Z'));
    expect(result.created).toBe(true);
    expect(stored).toHaveLength(1);
    const doc = stored[0]!;
    expect(doc.patient.nhsNumber).toBe('9434765919');
    expect(doc.outbox).toHaveLength(1);
    const entry = doc.outbox[0]!;
    expect(entry.key).toBe(doc._id);
    expect(entry.headers['ce_type']).toBe('org.socialprescribing.referral.submitted.v1');
    // The event carries the pseudonym, never the patient's identifiers.
    const wire = JSON.stringify(entry);
    for (const identifier of ['9434765919', 'Ada', 'Lovelace', '1950-12-10'])
      expect(wire).not.toContain(identifier);
    expect(JSON.parse(entry.value)).toMatchObject({ patientKey: doc.patientKey, referralId: doc._id });
    expect(kicks).toHaveLength(1);
    expect(audit).toEqual([
      expect.objectContaining({ action: 'referral.create', referralId: doc._id, outcome: 'allowed' }),
    ]);
  });

  it('names every problem and stores nothing when the referral is invalid', async () => {
    const { useCase, stored, kicks } = setup();
    const bad = {
      ...body,
      patient: { ...body.patient, nhsNumber: '9434765918' },
      needs: ['made-up'],
      extra: true,
    };
    await expect(useCase.execute({ body: bad, actor: gp })).rejects.toMatchObject({
      code: 'VALIDATION.FAILED',
      problems: [expect.objectContaining({ field: 'extra', code: 'unknown_field' })],
    });
    const { extra: _extra, ...shapeOk } = bad;
    try {
      await useCase.execute({ body: shapeOk, actor: gp });
      throw new Error('expected a failure');
    } catch (error) {
      expect(isDomainError(error) && error.problems.map((p) => p.field)).toEqual([
        'patient.nhsNumber',
        'needs[0]',
      ]);
    }
    expect(stored).toHaveLength(0);
    expect(kicks).toHaveLength(0);
  });

  it('returns the original for a retried Idempotency-Key and refuses the key for a different body', async () => {
    const { useCase, stored } = setup();
    const first = await useCase.execute({ body, actor: gp, idempotencyKey: 'key-00000001' });
    const again = await useCase.execute({ body: { ...body }, actor: gp, idempotencyKey: 'key-00000001' });
    expect(again).toEqual({ created: false, referral: first.referral });
    await expect(
      useCase.execute({ body: { ...body, priority: 'urgent' }, actor: gp, idempotencyKey: 'key-00000001' }),
    ).rejects.toMatchObject({ code: 'REFERRAL.IDEMPOTENCY_KEY_REUSED', status: 422 });
    await expect(useCase.execute({ body, actor: gp, idempotencyKey: 'short' })).rejects.toMatchObject({
      code: 'VALIDATION.FAILED',
    });
    expect(stored).toHaveLength(1);
  });
});
