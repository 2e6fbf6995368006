import { InMemoryReferrals } from '../../../test/support/in-memory-referrals';
import { partiesOf } from '../../domain/referral-access';
import type { Actor } from '../../domain/referral-intake.rules';
import type { ReplicaOrganisation, ReplicaService } from '../../domain/service-eligibility';
import { newReferralDocument } from '../create-referral/create-referral.use-case';
import type { ReferralDocument } from '../referral.entity';
import type { OnwardReferralInput } from '../referral-operations';
import { OnwardReferralUseCase } from './onward-referral.use-case';
import { parseOnwardRequest } from './onward-referral.request';

const now = new Date('2026-11-21T10:00:00Z');
const gp: Actor = { clientId: 'gp', organisationId: 'org-gp', odsCode: 'A81001', role: 'referrer' };
const lw: Actor = { clientId: 'lw', organisationId: 'org-pcn', odsCode: 'U81234', role: 'link-worker' };
const settings = { deadlineHours: 336, reminderBeforeHours: 72 };
const services: ReplicaService[] = ['svc-a', 'svc-b'].map((id) => ({
  _id: id,
  organisationId: `org-${id}`,
  status: 'active',
  taxonomyTermIds: ['sp-need-loneliness'],
}));
const orgs: ReplicaOrganisation[] = services.map((s) => ({
  _id: s.organisationId!,
  registered: true,
  verified: true,
}));

const PARENT_POPULATION = { ageBand: '75-84', sex: 'female', imdDecile: 2, ethnicCategory: 'B' } as const;

function acceptedParent(): ReferralDocument {
  const doc = newReferralDocument(
    {
      _id: 'parent',
      requesterOrganisationId: gp.organisationId,
      requesterOdsCode: 'A81001',
      requesterClientId: gp.clientId,
      targetServiceId: 'svc-lw',
      ownerOrganisationId: lw.organisationId,
      needs: ['sp-need-loneliness'],
      priority: 'routine',
      patient: { nhsNumber: '9434765919', givenName: 'Ada', familyName: 'Lovelace', birthDate: '1950-12-10' },
      patientKey: 'a'.repeat(64),
      population: PARENT_POPULATION,
      consent: {
        given: true,
        recordedBy: 'Dr Jones',
        recordedAt: now,
        scope: 'share-with-receiving-service',
      },
      doNotContact: false,
      requestFingerprint: 'fp',
    },
    { clientId: gp.clientId, organisationId: gp.organisationId, role: 'referrer' },
    now,
    settings,
  );
  return { ...doc, status: 'accepted', version: 2, outbox: [] };
}

function setup(parent = acceptedParent()) {
  const referrals = new InMemoryReferrals([parent]);
  const kicks: number[] = [];
  const audit: Array<{ action: string; outcome: string; code?: string }> = [];
  const useCase = new OnwardReferralUseCase(
    referrals,
    {
      // The access check's copy (as read before the transaction).
      load: async (id: string, actor: Actor) => {
        const referral = (await referrals.findById(id))!;
        return { referral, parties: partiesOf(referral, actor) };
      },
    },
    { record: async (entry) => void audit.push(entry) },
    { kick: () => void kicks.push(1) },
    {
      service: async (id: string) => services.find((s) => s._id === id) ?? null,
      organisation: async (id: string) => orgs.find((o) => o._id === id) ?? null,
    },
    { schedule: async (id: string) => void referrals.log.push(`schedule ${id}`) },
    settings,
  );
  const body = { targets: [{ targetServiceId: 'svc-a' }, { targetServiceId: 'svc-b' }] };
  const onward = (
    key?: string,
    raw: unknown = body,
  ): Promise<{ parent: ReferralDocument; children: ReferralDocument[] }> =>
    useCase.execute(
      {
        parentReferralId: parent._id,
        actor: lw,
        ...parseOnwardRequest(raw),
        rawBody: raw,
        ...(key ? { idempotencyKey: key } : {}),
      } satisfies OnwardReferralInput,
      now,
    );
  return { referrals, kicks, audit, onward, body };
}

describe('OnwardReferralUseCase', () => {
  it('stores the children and links them to the parent in one transaction, then schedules their deadlines', async () => {
    const { referrals, kicks, onward } = setup();
    const { parent, children } = await onward();
    const ids = children.map((c) => c._id);
    expect(
      children.map((c) => [c.parentReferralId, c.targetServiceId, c.ownerOrganisationId, c.idempotencyKey]),
    ).toEqual([
      ['parent', 'svc-a', 'org-svc-a', undefined],
      ['parent', 'svc-b', 'org-svc-b', undefined],
    ]);
    expect(referrals.get('parent').childReferralIds).toEqual(ids);
    expect(parent).toMatchObject({ version: 3, childReferralIds: ids });
    expect(parent.history.slice(-2).map((h) => [h.action, h.childReferralId])).toEqual(
      ids.map((id) => ['onward-created', id]),
    );
    expect(referrals.events.map((e) => e.type)).toEqual([
      'org.socialprescribing.referral.onward-created.v1',
      'org.socialprescribing.referral.onward-created.v1',
    ]);
    expect(children.every((c) => c.outbox.length === 1)).toBe(true); // each child's referral.submitted
    for (const child of children) {
      // v2, with the parent's population codes (derived once, at the parent's intake).
      expect(child.population).toEqual(PARENT_POPULATION);
      expect(child.outbox[0]!.headers['ce_type']).toBe('org.socialprescribing.referral.submitted.v2');
      expect(JSON.parse(child.outbox[0]!.value)).toMatchObject({ population: PARENT_POPULATION });
    }
    expect(referrals.log).toEqual(['commit', ...ids.map((id) => `schedule ${id}`)]);
    expect(kicks).toHaveLength(1);
  });

  it('a failure inside the transaction (consent withdrawn since the parent was read) stores no child and schedules nothing', async () => {
    const { referrals, kicks, audit, onward } = setup();
    const stale = acceptedParent();
    referrals.docs.set('parent', { ...stale, consent: { ...stale.consent, withdrawnAt: now } });
    const read = referrals.findById.bind(referrals);
    let reads = 0;
    referrals.findById = async (id) => (id === 'parent' && (reads += 1) === 1 ? stale : read(id));
    await expect(onward()).rejects.toMatchObject({ code: 'REFERRAL.CONSENT_WITHDRAWN', status: 409 });
    expect([...referrals.docs.keys()]).toEqual(['parent']);
    expect(referrals.get('parent').childReferralIds).toEqual([]);
    expect(referrals.events).toEqual([]);
    expect(referrals.log).toEqual(['abort']);
    expect(kicks).toHaveLength(0);
    expect(audit).toEqual([
      expect.objectContaining({ outcome: 'refused', code: 'REFERRAL.CONSENT_WITHDRAWN' }),
    ]);
  });

  it('with an Idempotency-Key a retry returns the same children; the key with another body is 422', async () => {
    const { referrals, onward, body } = setup();
    const first = await onward('key-00000001');
    expect(first.children.map((c) => c.idempotencyKey)).toEqual([
      'onward:key-00000001:0',
      'onward:key-00000001:1',
    ]);
    const again = await onward('key-00000001');
    expect(again.children.map((c) => c._id)).toEqual(first.children.map((c) => c._id));
    expect(again.parent.version).toBe(first.parent.version);
    await expect(onward('key-00000001', { targets: [body.targets[0]] })).rejects.toMatchObject({
      code: 'REFERRAL.IDEMPOTENCY_KEY_REUSED',
      status: 422,
    });
    expect(referrals.docs.size).toBe(3);
  });

  it('the same key committed first by a concurrent request: its children are returned, none added', async () => {
    const { referrals, onward } = setup();
    const winner = await onward('key-00000002');
    // This request looked the key up before the winner committed, then lost the race on the index.
    const lookup = referrals.findByIdempotencyKey.bind(referrals);
    let lookups = 0;
    referrals.findByIdempotencyKey = async (org, key) => ((lookups += 1) === 1 ? null : lookup(org, key));
    const loser = await onward('key-00000002');
    expect(loser.children.map((c) => c._id)).toEqual(winner.children.map((c) => c._id));
    expect(referrals.log).toContain('abort');
    expect(referrals.docs.size).toBe(3);
  });

  it('refuses anyone but the link worker holding an active referral, before storing anything', async () => {
    const { referrals, onward } = setup({ ...acceptedParent(), status: 'completed' });
    await expect(onward()).rejects.toMatchObject({ code: 'REFERRAL.INVALID_TRANSITION', status: 409 });
    expect(referrals.log).toEqual([]);
  });
});
