import type { ReferralFact } from '../../read-models/domain/referral-fact';
import { activityReport } from './activity-report';
import type { Report } from './report';
import { toCsv } from './report-csv';

const report: Report = {
  report: 'unmet-demand',
  period: { from: '2026-01-01T00:00:00.000Z', to: '2026-02-01T00:00:00.000Z' },
  groupBy: ['service'],
  groupColumns: ['section', 'service'],
  measureNames: ['refused', 'rate'],
  suppression: 'applied',
  rows: [
    {
      group: { section: 'refusals', service: 'Walk, talk & "tea"' },
      measures: { refused: 12, rate: 0.5 },
      suppressed: [],
    },
    {
      group: { section: 'refusals', service: 'line\nbreak' },
      measures: { refused: null, rate: null },
      suppressed: ['refused'],
    },
    { group: { section: 'refusals' }, measures: { refused: 0, rate: null }, suppressed: [] },
  ],
  total: { group: {}, measures: { refused: 14, rate: 0.125 }, suppressed: [] },
};

describe('toCsv', () => {
  it('writes RFC 4180: header, quoted fields with commas, quotes and line breaks, CRLF, * for suppressed, a total row', () => {
    expect(toCsv(report)).toBe(
      [
        'section,service,refused,rate',
        'refusals,"Walk, talk & ""tea""",12,0.5',
        'refusals,"line\nbreak",*,',
        'refusals,,0,',
        'Total,,14,0.125',
        '',
      ].join('\r\n'),
    );
  });

  it('renders a real report (rows then the total)', () => {
    const facts: ReferralFact[] = [1, 2].map((i) => ({
      referralId: `r-${i}`,
      requesterOdsCode: 'A81001',
      submittedAt: new Date('2026-01-05T00:00:00Z'),
      acceptedAt: new Date('2026-01-06T00:00:00Z'),
    }));
    const activity = activityReport(
      facts,
      { from: new Date('2026-01-01T00:00:00Z'), to: new Date('2026-02-01T00:00:00Z'), groupBy: ['practice'] },
      { pcnOf: () => undefined },
      { exact: false },
    );
    expect(toCsv(activity).split('\r\n')).toEqual([
      'practice,referred,accepted,rejected,expiredNoResponse,started,completed,cancelled,failed,onwardReferrals,acceptanceRate,completionRate',
      // 2 referred, 2 accepted: suppressed, and so are both rates (completion 0 / 2)
      'A81001,*,*,0,0,0,0,0,0,0,*,*',
      'Total,*,*,0,0,0,0,0,0,0,*,*',
      '',
    ]);
  });
});
