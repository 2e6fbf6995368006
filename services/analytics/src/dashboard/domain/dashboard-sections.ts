import type { Report } from '../../reports/domain';
import type { DashboardSection } from './chart';
import { imdFunnelChart, SHARE_DIMENSIONS, shareChart } from './equity-charts';
import { funnelChart } from './funnel-chart';
import { timelinessChart } from './timeliness-chart';
import { refusalsChart, waitlistChart } from './unmet-demand-charts';

/** The reports the dashboard is drawn from, for one caller, scope and period. */
export interface DashboardReports {
  activity: Report;
  timeliness: Report;
  equity: Report;
  /** Refusals by reason and the waitlist per service and month. */
  unmetDemand: Report;
}

/** The dashboard's four sections, in reading order. Measures: docs/analytics/measures.md. */
export function dashboardSections(reports: DashboardReports): DashboardSection[] {
  return [
    {
      id: 'funnel',
      heading: 'Funnel',
      intro:
        'Referrals submitted in the period and how many of them were accepted, started and completed (activity report).',
      charts: [funnelChart(reports.activity)],
    },
    {
      id: 'timeliness',
      heading: 'Timeliness',
      intro:
        'Median and 90th percentile days from submission to the first response, the first contact with the person and completion (timeliness report).',
      charts: [timelinessChart(reports.timeliness)],
    },
    {
      id: 'equity',
      heading: 'Equity',
      intro:
        "Who is referred compared with the practices' registered population, and how far each deprivation decile gets through the funnel (equity report).",
      charts: [...SHARE_DIMENSIONS.map((d) => shareChart(reports.equity, d)), imdFunnelChart(reports.equity)],
    },
    {
      id: 'unmet-demand',
      heading: 'Unmet demand',
      intro:
        'Referrals refused at intake (no capacity, not eligible, service not active) and how long services’ waitlists were (unmet-demand report).',
      charts: [refusalsChart(reports.unmetDemand), waitlistChart(reports.unmetDemand)],
    },
  ];
}
