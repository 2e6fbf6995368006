import {
  contractRegistry,
  ReferralAcceptedV1,
  ReferralAssignedV1,
  ReferralCancelledV1,
  ReferralCompletedV1,
  ReferralConsentWithdrawnV1,
  ReferralEnteredInErrorV1,
  ReferralExpiredV1,
  ReferralFailedV1,
  ReferralFirstContactMadeV1,
  ReferralGpSummaryIssuedV1,
  ReferralOnwardCreatedV1,
  ReferralPutOnHoldV1,
  ReferralRefusedV1,
  ReferralRejectedV1,
  ReferralReminderDueV1,
  ReferralResumedV1,
  ReferralStartedV1,
  ReferralSubmittedV1,
  ReferralSubmittedV2,
  ServiceCapacityChangedV1,
  Topics,
  type EventContract,
} from '@sp/contracts';
import {
  factUpdatesFor,
  isProjected,
  mergeFactUpdates,
  PROJECTED_EVENT_TYPES,
  type ProjectedEvent,
} from './fact-updates';
import { permutations, project, projectMerged, shuffled } from './testing/in-memory-facts';

// ---- events ---------------------------------------------------------------------------------------
const PATIENT = 'b5a2c96250612366ea272ffac6d9744aaf4b45aacd96aa7cfcb931ee3b558259';
const A = 'ref-a';
const CHILD = 'ref-child';
const PRACTICE = 'org-practice';
const LINK = 'org-link';
const PROVIDER = 'org-provider';
const SERVICE = 'svc-befriending';
const SUBMITTED_AT = '2025-03-03T09:00:00.000Z';
const day = (n: number): string => new Date(Date.parse(SUBMITTED_AT) + n * 86_400_000).toISOString();

let ids = 0;
function event<T>(contract: EventContract, data: T): ProjectedEvent {
  ids += 1;
  return { id: `evt-${ids}`, type: contract.type, data: contractRegistry.validate(contract.type, data) };
}

const change = (version: number, from: string, to: string, occurredAt: string, extra: object = {}) => ({
  referralId: A,
  version,
  requesterOrganisationId: PRACTICE,
  targetServiceId: SERVICE,
  fromStatus: from,
  toStatus: to,
  actor: { organisationId: LINK, role: 'link-worker' },
  patientKey: PATIENT,
  submittedAt: SUBMITTED_AT,
  occurredAt,
  ...extra,
});

const submittedV2 = (referralId = A) =>
  event(ReferralSubmittedV2, {
    referralId,
    requesterOrganisationId: PRACTICE,
    requesterOdsCode: 'A81001',
    targetServiceId: SERVICE,
    ownerOrganisationId: LINK,
    needs: ['sp-need-loneliness'],
    priority: 'routine',
    status: 'requested',
    patientKey: PATIENT,
    respondBy: day(5),
    population: { ageBand: '65-74', sex: 'female', imdDecile: 3, ethnicCategory: 'A' },
    occurredAt: SUBMITTED_AT,
  });

const accepted = event(
  ReferralAcceptedV1,
  change(2, 'requested', 'accepted', day(1), { ownerOrganisationId: LINK, claimed: false }),
);
// The started event names no owner: the owner must stay the accepting one in any order.
const started = event(ReferralStartedV1, change(3, 'accepted', 'in-progress', day(2)));
const onHold = event(
  ReferralPutOnHoldV1,
  change(4, 'in-progress', 'on-hold', day(3), { reasonCode: 'unable-to-contact' }),
);
const resumed = event(
  ReferralResumedV1,
  change(5, 'on-hold', 'in-progress', day(4), { ownerOrganisationId: PROVIDER }),
);
const wellbeing = {
  baseline: { lifeSatisfaction: 4, worthwhile: 5, happiness: 4, anxiety: 7 },
  followUp: { lifeSatisfaction: 6, worthwhile: 7, happiness: 6, anxiety: 4 },
};
const completed = event(
  ReferralCompletedV1,
  change(6, 'in-progress', 'completed', day(9), { outcomeCodes: ['sp-outcome-attended'], wellbeing }),
);
const firstContact = event(ReferralFirstContactMadeV1, {
  referralId: A,
  requesterOrganisationId: PRACTICE,
  ownerOrganisationId: LINK,
  targetServiceId: SERVICE,
  patientKey: PATIENT,
  submittedAt: SUBMITTED_AT,
  firstContactAt: day(2),
  method: 'phone',
  attemptsBefore: 0,
  occurredAt: day(2),
});
const onward = event(ReferralOnwardCreatedV1, {
  referralId: A,
  childReferralId: CHILD,
  requesterOrganisationId: LINK,
  targetServiceId: 'svc-gardening',
  occurredAt: day(6),
});
const consentWithdrawn = event(ReferralConsentWithdrawnV1, {
  referralId: A,
  requesterOrganisationId: PRACTICE,
  rootReferralId: A,
  occurredAt: day(10),
});

const EXPECTED_A = {
  _id: A,
  referralId: A,
  requesterOrganisationId: PRACTICE,
  requesterOdsCode: 'A81001',
  needs: ['sp-need-loneliness'],
  priority: 'routine',
  submittedAt: new Date(SUBMITTED_AT),
  respondBy: new Date(day(5)),
  acceptedAt: new Date(day(1)),
  startedAt: new Date(day(2)),
  firstContactAt: new Date(day(2)),
  completedAt: new Date(day(9)),
  outcomeCodes: ['sp-outcome-attended'],
  wellbeing,
  onwardReferralIds: [CHILD],
  population: { ageBand: '65-74', sex: 'female', imdDecile: 3, ethnicCategory: 'A' },
  status: 'completed',
  version: 6,
  ownerOrganisationId: PROVIDER,
  targetServiceId: SERVICE,
  _v: { owner: 5, target: 6 },
};

describe('factUpdatesFor', () => {
  it('builds the referral fact from its lifecycle', () => {
    const facts = project([
      submittedV2(),
      accepted,
      started,
      firstContact,
      onHold,
      resumed,
      onward,
      completed,
    ]);
    expect(facts.referral_facts).toEqual([
      EXPECTED_A,
      { _id: CHILD, referralId: CHILD, parentReferralId: A },
    ]);
  });

  it('gives the same documents whatever the order, and applied twice', () => {
    const events = [submittedV2(), accepted, started, resumed, completed, onward, consentWithdrawn];
    const expected = project(events);
    expect(expected.referral_facts[0]).not.toHaveProperty('population');
    expect(expected.referral_facts[0]).toMatchObject({ consentWithdrawnAt: new Date(day(10)) });
    let orders = 0;
    for (const order of permutations(events)) {
      orders += 1;
      expect(project(order)).toEqual(expected);
    }
    expect(orders).toBe(5040);
    // Every event at least twice, interleaved at random (redeliveries, a rebuild beside the live consumer).
    const all = [...events, firstContact, onHold];
    const reference = project(all);
    for (let seed = 1; seed <= 300; seed += 1) {
      const doubled = shuffled([...all, ...all, ...shuffled(all, seed).slice(0, seed % all.length)], seed);
      expect(project(doubled)).toEqual(reference);
    }
  });

  it('keeps population codes out once consent is withdrawn, even if the submission is applied later', () => {
    const facts = project([consentWithdrawn, submittedV2()]);
    expect(facts.referral_facts[0]).not.toHaveProperty('population');
    expect(facts.referral_facts[0]).toMatchObject({
      consentWithdrawnAt: new Date(day(10)),
      status: 'requested',
    });
  });

  it('records a version 1 submission without population codes or deadline', () => {
    const v1 = event(ReferralSubmittedV1, {
      referralId: 'ref-v1',
      requesterOrganisationId: PRACTICE,
      requesterOdsCode: 'A81001',
      needs: ['sp-need-debt'],
      priority: 'urgent',
      status: 'requested',
      patientKey: PATIENT,
      occurredAt: SUBMITTED_AT,
    });
    expect(project([v1]).referral_facts).toEqual([
      {
        _id: 'ref-v1',
        referralId: 'ref-v1',
        requesterOrganisationId: PRACTICE,
        requesterOdsCode: 'A81001',
        needs: ['sp-need-debt'],
        priority: 'urgent',
        submittedAt: new Date(SUBMITTED_AT),
        status: 'requested',
        version: 1,
      },
    ]);
  });

  it.each([
    [
      'referral.rejected',
      ReferralRejectedV1,
      'rejected',
      { reasonCode: 'no-capacity' },
      { rejectedAt: new Date(day(1)), rejectionReason: 'no-capacity' },
    ],
    [
      'referral.expired',
      ReferralExpiredV1,
      'rejected',
      { reasonCode: 'no-response', respondBy: day(1) },
      { expiredAt: new Date(day(1)) },
    ],
    [
      'referral.failed',
      ReferralFailedV1,
      'failed',
      { reasonCode: 'unable-to-contact' },
      { failedAt: new Date(day(1)), failureReason: 'unable-to-contact' },
    ],
    [
      'referral.cancelled',
      ReferralCancelledV1,
      'cancelled',
      { reasonCode: 'patient-declined' },
      { cancelledAt: new Date(day(1)), cancellationReason: 'patient-declined' },
    ],
    [
      'referral.entered-in-error',
      ReferralEnteredInErrorV1,
      'entered-in-error',
      {},
      { enteredInErrorAt: new Date(day(1)) },
    ],
  ] as const)('records %s with its time and coded reason', (_name, contract, to, extra, fields) => {
    const e = event(contract, change(2, 'requested', to, day(1), extra));
    const [fact] = project([submittedV2(), e]).referral_facts;
    expect(fact).toMatchObject({ ...fields, status: to, version: 2 });
    expect(fact).not.toHaveProperty('rejectionReason', 'no-response');
  });

  it('keeps the earliest time when the same kind of fact comes twice', () => {
    const later = event(ReferralFirstContactMadeV1, {
      ...(firstContact.data as object),
      firstContactAt: day(4),
    });
    expect(project([later, firstContact]).referral_facts[0]).toMatchObject({
      firstContactAt: new Date(day(2)),
    });
    expect(project([firstContact, later]).referral_facts[0]).toMatchObject({
      firstContactAt: new Date(day(2)),
    });
  });

  it('inserts a refusal once, keyed by its refusal id', () => {
    const data = {
      refusalId: 'refusal-1',
      requesterOrganisationId: PRACTICE,
      requesterOdsCode: 'A81001',
      targetServiceId: SERVICE,
      needs: ['sp-need-loneliness'],
      priority: 'routine',
      reasonCodes: ['no-capacity'],
      population: { ageBand: '18-24', sex: 'male' },
      occurredAt: day(1),
    };
    const refused = event(ReferralRefusedV1, data);
    const redelivered = { ...refused, id: 'evt-other' };
    expect(project([refused, redelivered]).refusals).toEqual([
      {
        _id: 'refusal-1',
        ...data,
        occurredAt: new Date(day(1)),
      },
    ]);
  });

  it('keeps one capacity sample per event', () => {
    const data = {
      serviceId: SERVICE,
      organisationId: PROVIDER,
      capacityStatus: 'waitlist',
      caseload: 20,
      waitlistLength: 3,
      maximum: 20,
      occurredAt: day(1),
    };
    const first = event(ServiceCapacityChangedV1, data);
    const second = event(ServiceCapacityChangedV1, { ...data, waitlistLength: 4, occurredAt: day(2) });
    const { capacity_samples } = project([first, second, first]);
    expect(capacity_samples).toEqual([
      { _id: first.id, eventId: first.id, ...data, occurredAt: new Date(day(1)) },
      { _id: second.id, eventId: second.id, ...data, waitlistLength: 4, occurredAt: new Date(day(2)) },
    ]);
  });

  it('merges a batch of updates into fewer writes with the same result, in any order and chunking', () => {
    const second = submittedV2('ref-b');
    const otherChild = event(ReferralOnwardCreatedV1, {
      ...(onward.data as object),
      childReferralId: 'ref-another-child',
    });
    const all = [
      submittedV2(),
      second,
      accepted,
      started,
      firstContact,
      onHold,
      resumed,
      onward,
      otherChild,
      completed,
      consentWithdrawn,
    ];
    const reference = project(all);
    expect(reference.referral_facts[0]).toMatchObject({
      onwardReferralIds: [CHILD, 'ref-another-child'].sort(),
    });
    for (let seed = 1; seed <= 200; seed += 1) {
      const order = shuffled([...all, ...shuffled(all, seed + 1000).slice(0, seed % 5)], seed);
      expect(projectMerged(order, 1 + (seed % all.length))).toEqual(reference);
    }
    const merged = mergeFactUpdates(all.flatMap((e) => factUpdatesFor(e)));
    expect(merged.length).toBeLessThan(all.flatMap((e) => factUpdatesFor(e)).length / 2);
    // One record write per document, then one write per guarded field.
    expect(merged.filter((u) => u.kind === 'record' && u.filter._id === A)).toHaveLength(1);
    expect(merged.filter((u) => u.guard?.field === 'version' && u.filter._id === A)).toEqual([
      expect.objectContaining({ guard: { field: 'version', version: 6 } }),
    ]);
  });

  it('ignores events that carry nothing the reports count', () => {
    for (const contract of [ReferralAssignedV1, ReferralReminderDueV1, ReferralGpSummaryIssuedV1]) {
      expect(isProjected(contract.type)).toBe(false);
      expect(factUpdatesFor({ id: 'x', type: contract.type, data: contract.example })).toEqual([]);
    }
  });

  it('projects every lifecycle contract except the ones it deliberately ignores', () => {
    const ignored = [ReferralAssignedV1, ReferralReminderDueV1, ReferralGpSummaryIssuedV1].map((c) => c.type);
    const lifecycle = contractRegistry.forTopic(Topics.referralLifecycle.name).map((c) => c.type);
    expect(lifecycle.filter((t) => !ignored.includes(t)).sort()).toEqual(
      PROJECTED_EVENT_TYPES.filter((t) => t !== ServiceCapacityChangedV1.type).sort(),
    );
  });

  it('never puts a patient key or any other identifier in a fact', () => {
    const facts = project([submittedV2(), accepted, completed, firstContact]);
    expect(JSON.stringify(facts)).not.toContain(PATIENT);
  });
});
