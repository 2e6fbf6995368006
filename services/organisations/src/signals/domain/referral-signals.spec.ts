import type { TaskStatus } from '@sp/contracts';
import {
  capacityFingerprint,
  capacitySignals,
  deriveLoad,
  estimateWaitDays,
  isFull,
  type DeclaredCapacity,
} from '../../capacity/domain/capacity.rules';
import { countSince, median, submittedPerDay, trustAggregate } from '../../trust/domain/trust-signals';
import { applyStatusChange, recordFromSubmission, type ReferralRecord } from './referral-record';

const T0 = Date.parse('2025-06-01T09:00:00.000Z');
const at = (hours: number) => new Date(T0 + hours * 3_600_000).toISOString();

/** A referral to svc-1 submitted at `submittedHour`, then moved through `steps` ([status, hour]). */
function referral(
  id: string,
  submittedHour: number,
  steps: Array<[TaskStatus, number, { expired?: boolean }?]> = [],
  waitlisted = false,
): ReferralRecord {
  let record: ReferralRecord = recordFromSubmission(
    {
      referralId: id,
      targetServiceId: 'svc-1',
      requesterOrganisationId: 'org-gp',
      occurredAt: at(submittedHour),
    },
    waitlisted,
  );
  steps.forEach(([toStatus, hour, extra], i) => {
    record = applyStatusChange(record, {
      referralId: id,
      version: i + 2,
      targetServiceId: 'svc-1',
      requesterOrganisationId: 'org-gp',
      fromStatus: record.status,
      toStatus,
      submittedAt: record.submittedAt,
      occurredAt: at(hour),
      ...(extra?.expired ? { expired: true } : {}),
    });
  });
  return record;
}

describe('referral records', () => {
  it('records the first answer only, and not a timeout', () => {
    const r = referral('r1', 0, [
      ['accepted', 30],
      ['in-progress', 40],
    ]);
    expect(r.firstResponseAt).toBe(at(30));
    expect(referral('r2', 0, [['rejected', 336, { expired: true }]]).firstResponseAt).toBeUndefined();
  });

  it('ignores a change older than or as old as the record (redelivery, reordering)', () => {
    const r = referral('r1', 0, [
      ['accepted', 5],
      ['completed', 50],
    ]);
    const stale = applyStatusChange(r, {
      referralId: 'r1',
      version: 2,
      requesterOrganisationId: 'org-gp',
      fromStatus: 'requested',
      toStatus: 'accepted',
      submittedAt: r.submittedAt,
      occurredAt: at(5),
    });
    expect(stale).toBe(r);
  });

  it('starts a record from a change when the submission was never seen', () => {
    const r = applyStatusChange(null, {
      referralId: 'r9',
      version: 3,
      targetServiceId: 'svc-1',
      requesterOrganisationId: 'org-gp',
      fromStatus: 'accepted',
      toStatus: 'completed',
      submittedAt: at(0),
      occurredAt: at(100),
    });
    expect(r).toMatchObject({
      serviceId: 'svc-1',
      status: 'completed',
      everAccepted: true,
      leftActiveAt: at(100),
    });
  });
});

describe('trust signals', () => {
  const records = [
    referral('a', 0, [
      ['accepted', 24],
      ['in-progress', 30],
      ['completed', 200],
    ]),
    referral('b', 0, [
      ['accepted', 48],
      ['failed', 100],
    ]),
    referral('c', 0, [['rejected', 12]]),
    referral('d', 0, [['rejected', 336, { expired: true }]]),
    referral('e', 0, [
      ['accepted', 72],
      ['completed', 300],
    ]),
    referral('f', 0, [['cancelled', 1]]), // withdrawn by the referrer before any answer: not counted
    referral('g', 0, [
      ['accepted', 1],
      ['entered-in-error', 2],
    ]), // disregarded entirely
  ];

  it('computes median response time, acceptance and completion rates, leaving out entered-in-error', () => {
    expect(trustAggregate(records)).toEqual({
      medianHoursToFirstResponse: 36, // answers after 12, 24, 48, 72 h
      acceptanceRate: 0.6, // a, b, e accepted; c rejected; d expired
      completionRate: 0.667, // a, e completed; b failed
      sampleSize: 5,
    });
  });

  it('has no rates without data', () => {
    expect(trustAggregate([referral('x', 0)])).toEqual({
      medianHoursToFirstResponse: null,
      acceptanceRate: null,
      completionRate: null,
      sampleSize: 0,
    });
  });

  it('counts referrals of the last 90 days from a per-day histogram', () => {
    const now = new Date('2025-08-01T12:00:00.000Z');
    const old = referral('old', -24 * 120); // 120 days before T0
    const perDay = submittedPerDay([...records, old], now, 365);
    expect(countSince(perDay, now, 90)).toBe(6); // all but the old one and the entered-in-error one
    expect(countSince(perDay, new Date('2025-12-01T00:00:00.000Z'), 90)).toBe(0);
  });

  it('takes the median of an odd and an even number of values', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNull();
  });
});

describe('capacity from the live caseload', () => {
  const declared: DeclaredCapacity = {
    status: 'has-capacity',
    unit: 'places',
    maximum: 2,
    updated: at(0),
    updatedBy: 'ops',
  };
  const now = new Date(at(400));

  it('counts accepted, in-progress and on-hold referrals; closing one frees its place', () => {
    const records = [
      referral('a', 0, [['accepted', 1]]),
      referral('b', 0, [
        ['accepted', 1],
        ['in-progress', 2],
        ['on-hold', 3],
      ]),
      referral('c', 0, [
        ['accepted', 1],
        ['completed', 9],
      ]),
      referral('d', 0), // requested: not yet in the caseload
      referral('e', 0, [
        ['accepted', 1],
        ['entered-in-error', 2],
      ]),
    ];
    const load = deriveLoad(records, now);
    expect(load.caseload).toBe(2);
    expect(load.freedLast90Days).toBe(1);
    const full = capacitySignals(declared, { ...load, waitlistLength: 0 }, at(9));
    expect(full).toMatchObject({ status: 'waitlist', maximum: 2, available: 0, caseload: 2 });
    expect(isFull(declared, load.caseload)).toBe(true);

    const afterCompletion = deriveLoad(
      [
        ...records.slice(0, 1),
        referral('b', 0, [
          ['accepted', 1],
          ['in-progress', 2],
          ['completed', 20],
        ]),
        ...records.slice(2),
      ],
      now,
    );
    expect(capacitySignals(declared, { ...afterCompletion, waitlistLength: 0 }, at(20))).toMatchObject({
      status: 'has-capacity',
      available: 1,
      caseload: 1,
    });
  });

  it('never shows negative availability', () => {
    const records = ['a', 'b', 'c'].map((id) => referral(id, 0, [['accepted', 1]]));
    expect(
      capacitySignals(declared, { ...deriveLoad(records, now), waitlistLength: 0 }, at(1))?.available,
    ).toBe(0);
  });

  it('keeps the waitlist in submission order, shrinking as referrals are accepted or closed', () => {
    const records = [
      referral('w3', 30, [], true),
      referral('w1', 10, [], true),
      referral('w2', 20, [['accepted', 40]], true),
      referral('w4', 35, [['cancelled', 36]], true),
      referral('w5', 50, [], true),
      referral('n1', 5), // not waitlisted: submitted while places were free
    ];
    expect(deriveLoad(records, now).waitlist.map((w) => w.referralId)).toEqual(['w1', 'w3', 'w5']);
  });

  it('estimates the wait from recent throughput, else the declared typical wait', () => {
    expect(estimateWaitDays(3, 30, undefined)).toBe(9); // 30 places freed in 90 days: one every 3 days
    expect(estimateWaitDays(1, 7, 14)).toBe(13);
    expect(estimateWaitDays(2, 0, 21)).toBe(21);
    expect(estimateWaitDays(2, 0, undefined)).toBeUndefined();
    const signals = capacitySignals(declared, { caseload: 2, freedLast90Days: 30, waitlistLength: 2 }, at(1));
    expect(signals?.estimatedWaitDays).toBe(9); // a new referral would be third
  });

  it('respects a declared no-capacity and announces changes only when the figures change', () => {
    const closed = capacitySignals(
      { ...declared, status: 'no-capacity' },
      { caseload: 0, freedLast90Days: 0, waitlistLength: 0 },
      at(1),
    );
    expect(closed).toMatchObject({ status: 'no-capacity', available: 2 });
    const a = capacitySignals(declared, { caseload: 1, freedLast90Days: 0, waitlistLength: 0 }, at(1))!;
    const b = capacitySignals(declared, { caseload: 1, freedLast90Days: 0, waitlistLength: 0 }, at(5))!;
    expect(capacityFingerprint(a)).toBe(capacityFingerprint(b));
    expect(
      capacitySignals(undefined, { caseload: 1, freedLast90Days: 0, waitlistLength: 0 }, at(1)),
    ).toBeNull();
  });
});
