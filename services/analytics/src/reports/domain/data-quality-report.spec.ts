import type { ReferralFact } from '../../read-models/domain/referral-fact';
import { dataQualityReport } from './data-quality-report';
import type { GroupByKey, ReportQuery } from './report';

const at = (iso: string) => new Date(iso);
let seq = 0;
function referral(over: Partial<ReferralFact> = {}): ReferralFact {
  seq += 1;
  return {
    referralId: `r-${seq}`,
    requesterOdsCode: 'A81001',
    targetServiceId: 'svc-walk',
    population: { ageBand: '25-34', sex: 'female', ethnicCategory: 'A' },
    submittedAt: at('2026-03-02T09:00:00Z'),
    respondBy: at('2026-03-09T09:00:00Z'),
    ...over,
  };
}
const ctx = { pcnOf: () => undefined };
const query = (groupBy: GroupByKey[] = []): ReportQuery => ({
  from: at('2026-01-01T00:00:00Z'),
  to: at('2026-07-01T00:00:00Z'),
  groupBy,
  asOf: at('2026-07-01T00:00:00Z'),
});
const onTime = at('2026-03-03T09:00:00Z');
const baseline = { lifeSatisfaction: 5, worthwhile: 5, happiness: 5, anxiety: 5 };

function cohort(): ReferralFact[] {
  return [
    // complete in every respect
    referral({
      acceptedAt: onTime,
      startedAt: onTime,
      completedAt: at('2026-04-01T00:00:00Z'),
      outcomeCodes: ['attended'],
      wellbeing: { baseline },
    }),
    // no ethnic category; started without a baseline; answered a day late
    referral({
      population: { ageBand: '25-34', sex: 'male' },
      acceptedAt: at('2026-03-10T09:00:00Z'),
      startedAt: at('2026-03-11T00:00:00Z'),
    }),
    // no population codes at all; completed without outcome codes
    referral({
      population: undefined,
      acceptedAt: onTime,
      completedAt: at('2026-04-01T00:00:00Z'),
      wellbeing: { baseline },
    }),
    // 'Z' (not stated) is a recorded answer; nobody answered before the deadline
    referral({
      population: { ageBand: '25-34', sex: 'female', ethnicCategory: 'Z' },
      rejectedAt: at('2026-03-09T09:00:00Z'),
      expiredAt: at('2026-03-09T09:00:00Z'),
    }),
    // another practice; deadline not yet due
    referral({
      requesterOdsCode: 'B82002',
      submittedAt: at('2026-06-29T00:00:00Z'),
      respondBy: at('2026-07-06T00:00:00Z'),
    }),
    // another practice and service; no deadline
    referral({
      requesterOdsCode: 'B82002',
      targetServiceId: 'svc-debt',
      population: undefined,
      respondBy: undefined,
      acceptedAt: onTime,
    }),
  ];
}

type N = number | null;
const measures = (
  referrals: N,
  eth: N,
  engaged: N,
  base: N,
  completed: N,
  outcome: N,
  due: N,
  noResponse: N,
) => ({
  referrals,
  missingEthnicCategory: eth,
  startedOrCompleted: engaged,
  missingBaseline: base,
  completed,
  missingOutcomeCodes: outcome,
  withDeadline: due,
  noResponseByDeadline: noResponse,
});

describe('dataQualityReport', () => {
  it('gives per referring practice and per receiving service the share missing each expected field', () => {
    const report = dataQualityReport(cohort(), query(), ctx, { exact: true });
    expect(report.groupColumns).toEqual(['perspective', 'practice', 'service']);
    expect(report.rows.map((r) => [r.group, r.measures])).toEqual([
      [{ perspective: 'practice', practice: 'A81001' }, measures(4, 0.5, 3, 0.333, 2, 0.5, 4, 0.5)],
      [{ perspective: 'practice', practice: 'B82002' }, measures(2, 0.5, 0, null, 0, null, 0, null)],
      [{ perspective: 'service', service: 'svc-debt' }, measures(1, 1, 0, null, 0, null, 0, null)],
      [{ perspective: 'service', service: 'svc-walk' }, measures(5, 0.4, 3, 0.333, 2, 0.5, 4, 0.5)],
    ]);
    expect(report.total.measures).toEqual(measures(6, 0.5, 3, 0.333, 2, 0.5, 4, 0.5));
  });

  it('suppresses shares resting on 1-4 referrals', () => {
    const { total } = dataQualityReport(cohort(), query(), ctx, { exact: false });
    expect(total.measures).toEqual(measures(6, null, null, null, null, null, null, null));
    expect(total.suppressed).toEqual([
      'missingEthnicCategory',
      'startedOrCompleted',
      'missingBaseline',
      'completed',
      'missingOutcomeCodes',
      'withDeadline',
      'noResponseByDeadline',
    ]);
  });

  it('splits each perspective by month when asked', () => {
    const report = dataQualityReport(cohort(), query(['month']), ctx, { exact: true });
    expect(report.groupColumns).toEqual(['perspective', 'practice', 'service', 'month']);
    expect(report.rows.map((r) => [r.group, r.measures['referrals']])).toEqual([
      [{ perspective: 'practice', practice: 'A81001', month: '2026-03' }, 4],
      [{ perspective: 'practice', practice: 'B82002', month: '2026-03' }, 1],
      [{ perspective: 'practice', practice: 'B82002', month: '2026-06' }, 1],
      [{ perspective: 'service', service: 'svc-debt', month: '2026-03' }, 1],
      [{ perspective: 'service', service: 'svc-walk', month: '2026-03' }, 4],
      [{ perspective: 'service', service: 'svc-walk', month: '2026-06' }, 1],
    ]);
  });

  it('never throws on no facts', () => {
    const report = dataQualityReport([], query(), ctx, { exact: false });
    expect(report.rows).toEqual([]);
    expect(report.total.measures).toEqual(measures(0, null, 0, null, 0, null, 0, null));
  });
});
