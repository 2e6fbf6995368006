import type { CapacitySample, RefusalFact } from '../../read-models/domain/referral-fact';
import type { GroupByKey, ReportQuery } from './report';
import { unmetDemandReport } from './unmet-demand-report';

const at = (iso: string) => new Date(iso);
let seq = 0;
function refusal(over: Partial<RefusalFact> = {}): RefusalFact {
  seq += 1;
  return {
    refusalId: `x-${seq}`,
    requesterOrganisationId: 'org-gp-a',
    requesterOdsCode: 'A81001',
    targetServiceId: 'svc-walk',
    ownerOrganisationId: 'org-vcs',
    needs: ['isolation'],
    priority: 'routine',
    reasonCodes: ['no-capacity'],
    population: { ageBand: '25-34', sex: 'female' },
    occurredAt: at('2026-01-15T10:00:00Z'),
    ...over,
  };
}
function sample(serviceId: string, occurredAt: string, waitlistLength: number): CapacitySample {
  seq += 1;
  return {
    eventId: `e-${seq}`,
    serviceId,
    organisationId: 'org-vcs',
    capacityStatus: 'waitlist',
    caseload: 20,
    waitlistLength,
    occurredAt: at(occurredAt),
  };
}
const ctx = { pcnOf: (ods: string) => (ods === 'A81001' ? 'PCN-North' : undefined) };
const query = (
  groupBy: GroupByKey[] = [],
  from = '2026-01-01T00:00:00Z',
  to = '2026-03-01T00:00:00Z',
): ReportQuery => ({
  from: at(from),
  to: at(to),
  groupBy,
});

function refusals(): RefusalFact[] {
  return [
    refusal(),
    refusal(),
    refusal(),
    ...[1, 2].map(() =>
      refusal({
        reasonCodes: ['not-eligible', 'no-capacity'],
        needs: ['debt'],
        targetServiceId: 'svc-debt',
        requesterOdsCode: 'B82002',
        occurredAt: at('2026-02-03T10:00:00Z'),
      }),
    ),
  ];
}
function samples(): CapacitySample[] {
  return [
    sample('svc-walk', '2025-12-20T00:00:00Z', 7), // the state when the period began
    sample('svc-walk', '2026-01-10T00:00:00Z', 12),
    sample('svc-walk', '2026-01-20T00:00:00Z', 9),
    sample('svc-debt', '2026-02-10T00:00:00Z', 3),
    sample('svc-debt', '2026-02-15T00:00:00Z', 6),
    sample('svc-debt', '2026-03-01T00:00:00Z', 20), // after the period
  ];
}

const table = (report: ReturnType<typeof unmetDemandReport>) =>
  report.rows.map((r) => [
    r.group,
    r.measures['refused'],
    r.measures['waitlistMax'],
    r.measures['waitlistEnd'],
  ]);

describe('unmetDemandReport', () => {
  it('splits refusals by reason and gives each service its waitlist per month (max and end)', () => {
    const report = unmetDemandReport(refusals(), samples(), query(), ctx, { exact: true });
    expect(report.groupColumns).toEqual(['section', 'reason', 'service', 'month']);
    expect(report.measureNames).toEqual(['refused', 'waitlistMax', 'waitlistEnd']);
    expect(table(report)).toEqual([
      [{ section: 'refusals', reason: 'no-capacity' }, 5, null, null],
      [{ section: 'refusals', reason: 'not-eligible' }, 2, null, null],
      [{ section: 'waitlist', service: 'svc-debt', month: '2026-02' }, null, 6, 6], // nothing known in January
      [{ section: 'waitlist', service: 'svc-walk', month: '2026-01' }, null, 12, 9],
      [{ section: 'waitlist', service: 'svc-walk', month: '2026-02' }, null, 9, 9], // carried forward
    ]);
    // each refusal once; the waitlists in force at the end of the period: 9 + 6
    expect(report.total.measures).toEqual({ refused: 5, waitlistMax: null, waitlistEnd: 15 });
  });

  it('suppresses refusal counts and waitlist lengths of 1-4', () => {
    const report = unmetDemandReport(refusals(), samples(), query(), ctx, { exact: false });
    expect(table(report)[1]).toEqual([{ section: 'refusals', reason: 'not-eligible' }, null, null, null]);
    expect(report.rows[1]!.suppressed).toEqual(['refused']);
    const low = unmetDemandReport([], [sample('svc-walk', '2026-01-10T00:00:00Z', 4)], query(), ctx, {
      exact: false,
    });
    expect(low.rows.map((r) => [r.group.month, r.measures['waitlistEnd'], r.suppressed])).toEqual([
      ['2026-01', null, ['waitlistMax', 'waitlistEnd']],
      ['2026-02', null, ['waitlistMax', 'waitlistEnd']],
    ]);
    expect(low.total.measures['refused']).toBe(0);
  });

  it('groups refusals further by need, practice and pcn', () => {
    const report = unmetDemandReport(refusals(), [], query(['need', 'pcn']), ctx, { exact: true });
    expect(report.groupColumns).toEqual(['section', 'reason', 'need', 'pcn', 'service', 'month']);
    expect(table(report)).toEqual([
      [{ section: 'refusals', reason: 'no-capacity', need: 'debt', pcn: 'unknown' }, 2, null, null],
      [{ section: 'refusals', reason: 'no-capacity', need: 'isolation', pcn: 'PCN-North' }, 3, null, null],
      [{ section: 'refusals', reason: 'not-eligible', need: 'debt', pcn: 'unknown' }, 2, null, null],
    ]);
  });

  it('buckets refusals and waitlists by ISO week when asked', () => {
    const report = unmetDemandReport(
      refusals(),
      samples(),
      query(['service', 'week'], '2026-01-05T00:00:00Z', '2026-01-19T00:00:00Z'),
      ctx,
      { exact: true },
    );
    expect(report.groupColumns).toEqual(['section', 'reason', 'service', 'week']);
    expect(table(report)).toEqual([
      // refusals are the reader's to filter by period: the domain groups what it is given
      [{ section: 'refusals', reason: 'no-capacity', service: 'svc-debt', week: '2026-W06' }, 2, null, null],
      [{ section: 'refusals', reason: 'no-capacity', service: 'svc-walk', week: '2026-W03' }, 3, null, null],
      [{ section: 'refusals', reason: 'not-eligible', service: 'svc-debt', week: '2026-W06' }, 2, null, null],
      [{ section: 'waitlist', service: 'svc-walk', week: '2026-W02' }, null, 12, 12],
      [{ section: 'waitlist', service: 'svc-walk', week: '2026-W03' }, null, 12, 12],
    ]);
  });

  it('never throws on no facts', () => {
    const report = unmetDemandReport([], [], query(), ctx, { exact: false });
    expect(report.rows).toEqual([]);
    expect(report.total.measures).toEqual({ refused: 0, waitlistMax: null, waitlistEnd: null });
  });
});
