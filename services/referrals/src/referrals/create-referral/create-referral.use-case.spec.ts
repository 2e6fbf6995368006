import { isDomainError } from '@sp/errors';
import type { Actor } from '../../domain/referral-intake.rules';
import type { ReplicaOrganisation, ReplicaService } from '../../domain/service-eligibility';
import type { IntakeRefusal } from '../../intake-refusals/intake-refusal.repository';
import { RecordRefusalUseCase } from '../../intake-refusals/record-refusal/record-refusal.use-case';
import type { ReferralDocument } from '../referral.entity';
import type { ReferralIntake } from '../referral-operations';
import { CreateReferralUseCase } from './create-referral.use-case';
import { parseCreateReferralRequest } from './create-referral.request';

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
const now = new Date('2026-11-21T10:00:00Z');

/** In-memory stand-ins for our own repositories and queue (the real ones are exercised end to end). */
function setup(
  services: ReplicaService[] = [{ _id: 'svc-link-workers', organisationId: 'org-pcn', status: 'active' }],
) {
  const stored: ReferralDocument[] = [];
  const audit: unknown[] = [];
  const kicks: number[] = [];
  const scheduled: string[] = [];
  const refusals: { refusal: IntakeRefusal; event: { type: string; value: string } }[] = [];
  const lookups: string[] = [];
  const deciles = new Map([['TS11AA', 1]]);
  const orgs: ReplicaOrganisation[] = [{ _id: 'org-pcn', registered: true, verified: true }];
  const useCase = new CreateReferralUseCase(
    {
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
      findByIdempotencyKey: async (org: string, key: string) =>
        stored.find((r) => r.requesterOrganisationId === org && r.idempotencyKey === key) ?? null,
    },
    { record: async (entry: unknown) => void audit.push(entry) },
    { kick: () => void kicks.push(1) },
    {
      service: async (id: string) => services.find((s) => s._id === id) ?? null,
      organisation: async (id: string) => orgs.find((o) => o._id === id) ?? null,
    },
    { schedule: async (id: string) => void scheduled.push(id) },
    { patientKeySecret: 'test-secret-key-1234', deadlineHours: 336, reminderBeforeHours: 72 },
    {
      deprivation: {
        decileOf: async (postcode: string) => {
          lookups.push(postcode);
          return deciles.get(postcode.replace(/\s/g, '').toUpperCase());
        },
      },
      refusals: new RecordRefusalUseCase(
        {
          insertOnce: async (refusal, event) => {
            if (refusals.some((r) => r.refusal._id === refusal._id)) return 'exists';
            refusals.push({
              refusal,
              event: { type: event.type, value: JSON.stringify(event) },
            });
            return 'created';
          },
        },
        { kick: () => void kicks.push(1) },
      ),
    },
  );
  const create = (raw: unknown, idempotencyKey?: string) =>
    useCase.execute(
      {
        intake: parseCreateReferralRequest(raw),
        actor: gp,
        rawBody: raw,
        ...(idempotencyKey ? { idempotencyKey } : {}),
      },
      now,
    );
  return { useCase, create, stored, audit, kicks, scheduled, refusals, lookups };
}

describe('CreateReferralUseCase', () => {
  it('stores the referral with its event in the same document, schedules its deadline and wakes the relay', async () => {
    const { create, stored, audit, kicks, scheduled } = setup();
    const result = await create(body);
    expect(result.created).toBe(true);
    expect(stored).toHaveLength(1);
    const doc = stored[0]!;
    expect(doc.patient.nhsNumber).toBe('9434765919');
    expect(doc.ownerOrganisationId).toBe('org-pcn');
    expect(doc.respondBy.toISOString()).toBe('2026-12-05T10:00:00.000Z');
    expect(doc.remindAt.toISOString()).toBe('2026-12-02T10:00:00.000Z');
    expect(doc.outbox).toHaveLength(1);
    const entry = doc.outbox[0]!;
    expect(entry.key).toBe(doc._id);
    expect(entry.headers['ce_type']).toBe('org.socialprescribing.referral.submitted.v2');
    const wire = JSON.stringify(entry);
    for (const identifier of ['9434765919', 'Ada', 'Lovelace', '1950-12-10'])
      expect(wire).not.toContain(identifier);
    expect(JSON.parse(entry.value)).toMatchObject({
      patientKey: doc.patientKey,
      referralId: doc._id,
      ownerOrganisationId: 'org-pcn',
      respondBy: '2026-12-05T10:00:00.000Z',
      population: { ageBand: '75-84', sex: 'unknown' },
    });
    expect(kicks).toHaveLength(1);
    expect(scheduled).toEqual([doc._id]);
    expect(audit).toEqual([
      expect.objectContaining({ action: 'referral.create', referralId: doc._id, outcome: 'allowed' }),
    ]);
  });

  it('names every problem (intake rules and target service together) and stores nothing', async () => {
    const { create, stored, kicks, refusals } = setup([]);
    expect(() => parseCreateReferralRequest({ ...body, extra: true })).toThrow(
      expect.objectContaining({
        code: 'VALIDATION.FAILED',
        problems: [expect.objectContaining({ field: 'extra', code: 'unknown_field' })],
      }),
    );
    try {
      await create({ ...body, patient: { ...body.patient, nhsNumber: '9434765918' }, needs: ['made-up'] });
      throw new Error('expected a failure');
    } catch (error) {
      expect(isDomainError(error) && error.problems.map((p) => `${p.field}:${p.code}`)).toEqual([
        'patient.nhsNumber:invalid_check_digit',
        'needs[0]:unknown_code',
        'targetServiceId:unknown_service',
      ]);
      expect(isDomainError(error) && error.status).toBe(400);
    }
    await expect(create(body)).rejects.toMatchObject({
      status: 422,
      problems: [expect.objectContaining({ code: 'unknown_service' })],
    });
    expect(stored).toHaveLength(0);
    // The second attempt was refused only for its target's sake: unmet demand, recorded.
    expect(refusals.map((r) => r.refusal.reasonCodes)).toEqual([['unknown-service']]);
    expect(kicks).toHaveLength(1);
  });

  it('stores sex, postcode and ethnic category, and sends on only the codes derived from them', async () => {
    const { create, stored, lookups } = setup();
    const patient = { ...body.patient, sex: 'female', postcode: 'ts1 1aa', ethnicCategory: 'H' };
    await create({ ...body, patient });
    const doc = stored[0]!;
    expect(doc.patient).toMatchObject({ sex: 'female', postcode: 'TS1 1AA', ethnicCategory: 'H' });
    expect(lookups).toEqual(['ts1 1aa']);
    const population = { ageBand: '75-84', sex: 'female', imdDecile: 1, ethnicCategory: 'H' };
    expect(doc.population).toEqual(population);
    const entry = doc.outbox[0]!;
    expect(JSON.parse(entry.value)).toMatchObject({ population });
    expect(entry.value.toUpperCase()).not.toContain('TS1');
  });

  it('names each bad demographic', async () => {
    expect(() =>
      parseCreateReferralRequest({
        ...body,
        patient: { ...body.patient, sex: 'F', postcode: 'x', ethnicCategory: 'Q' },
      }),
    ).not.toThrow();
    const { create, refusals } = setup([
      { _id: 'svc-link-workers', organisationId: 'org-pcn', status: 'active', capacityStatus: 'no-capacity' },
    ]);
    await expect(
      create({ ...body, patient: { ...body.patient, sex: 'F', postcode: 'nowhere', ethnicCategory: 'Q' } }),
    ).rejects.toMatchObject({
      status: 400,
      problems: [
        expect.objectContaining({ field: 'patient.sex', code: 'unknown_code' }),
        expect.objectContaining({ field: 'patient.postcode', code: 'invalid_format' }),
        expect.objectContaining({ field: 'patient.ethnicCategory', code: 'unknown_code' }),
        expect.objectContaining({ field: 'targetServiceId', code: 'no_capacity' }),
      ],
    });
    expect(refusals).toHaveLength(0); // a wrong request is not demand
  });

  it('records a refusal for the target service once per Idempotency-Key, and answers 422 as before', async () => {
    const full = {
      _id: 'svc-link-workers',
      organisationId: 'org-pcn',
      status: 'active',
      capacityStatus: 'no-capacity',
    };
    const { create, refusals, stored } = setup([full]);
    const patient = { ...body.patient, sex: 'male', postcode: 'TS1 1AA' };
    for (let i = 0; i < 2; i += 1) {
      await expect(create({ ...body, patient }, 'key-refused-1')).rejects.toMatchObject({
        status: 422,
        problems: [expect.objectContaining({ field: 'targetServiceId', code: 'no_capacity' })],
      });
    }
    expect(stored).toHaveLength(0);
    expect(refusals).toHaveLength(1);
    const { refusal, event } = refusals[0]!;
    expect(refusal).toMatchObject({
      requesterOrganisationId: 'org-riverside',
      requesterOdsCode: 'A81001',
      targetServiceId: 'svc-link-workers',
      ownerOrganisationId: 'org-pcn',
      needs: ['sp-need-loneliness'],
      priority: 'routine',
      reasonCodes: ['no-capacity'],
      population: { ageBand: '75-84', sex: 'male', imdDecile: 1 },
    });
    expect(event.type).toBe('org.socialprescribing.referral.refused.v1');
    for (const identifier of ['9434765919', 'Ada', 'Lovelace', '1950-12-10', 'TS1', 'key-refused-1'])
      expect(event.value).not.toContain(identifier);
    // Without a key each refused attempt is a refusal of its own.
    await expect(create({ ...body, patient })).rejects.toMatchObject({ status: 422 });
    await expect(create({ ...body, patient })).rejects.toMatchObject({ status: 422 });
    expect(refusals).toHaveLength(3);
  });

  it('accepts an open referral (no target) with no owner', async () => {
    const { create } = setup();
    const { targetServiceId: _t, ...open } = body;
    const result = await create(open);
    expect(result.referral.targetServiceId).toBeUndefined();
    expect(result.referral.ownerOrganisationId).toBeUndefined();
  });

  it('returns the original for a retried Idempotency-Key and refuses the key for a different body', async () => {
    const { create, useCase, stored } = setup();
    const first = await create(body, 'key-00000001');
    const again = await create({ ...body }, 'key-00000001');
    expect(again).toEqual({ created: false, referral: expect.objectContaining({ _id: first.referral._id }) });
    await expect(create({ ...body, priority: 'urgent' }, 'key-00000001')).rejects.toMatchObject({
      code: 'REFERRAL.IDEMPOTENCY_KEY_REUSED',
      status: 422,
    });
    const intake: ReferralIntake = parseCreateReferralRequest(body);
    await expect(
      useCase.execute({ intake, actor: gp, rawBody: body, idempotencyKey: 'short' }),
    ).rejects.toMatchObject({
      code: 'VALIDATION.FAILED',
    });
    expect(stored).toHaveLength(1);
  });
});
