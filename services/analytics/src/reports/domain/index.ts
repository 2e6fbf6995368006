/**
 * Reports domain: pure functions from read-model facts to report figures (no Nest, no database).
 * The HTTP layer parses the query with parseReportQuery, reads facts through the ReadModelReader
 * for the caller's scope and period, calls one report function and renders JSON or toCsv.
 *
 * Definitions of every measure: docs/analytics/measures.md.
 */
export {
  GROUP_BY_KEYS,
  REPORT_NAMES,
  type DisclosurePolicy,
  type GroupByKey,
  type GroupingContext,
  type PracticePopulation,
  type Report,
  type ReportGroupKey,
  type ReportName,
  type ReportQuery,
  type ReportRow,
} from './report';
export {
  MAX_PERIOD_YEARS,
  parseReportQuery,
  type ParseReportQueryOptions,
  type ParsedReportQuery,
  type RawReportQuery,
} from './report-query';
export { activityReport } from './activity-report';
export { timelinessReport } from './timeliness-report';
export { outcomesReport } from './outcomes-report';
export { EQUITY_GROUP_BY, equityReport } from './equity-report';
export { UNMET_DEMAND_GROUP_BY, unmetDemandReport } from './unmet-demand-report';
export { DATA_QUALITY_GROUP_BY, dataQualityReport } from './data-quality-report';
export { toCsv } from './report-csv';
export { nearestRankPercentile, summariseDays, daysBetween, type DurationSummary } from './percentile';
export { ONS4_ITEMS, wellbeingBand, type Ons4Item } from './ons4';
export { isoWeekOf, monthOf } from './time-buckets';
