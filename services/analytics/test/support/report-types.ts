// The JSON shapes the report specs read (the API's Report document, loosely typed for asserting).
export interface RowBody {
  group: Record<string, string>;
  measures: Record<string, number | null>;
  suppressed: string[];
}

export interface ReportBody {
  report: string;
  period: { from: string; to: string };
  groupBy: string[];
  groupColumns: string[];
  measureNames: string[];
  suppression: 'applied' | 'none';
  rows: RowBody[];
  total: RowBody;
  notes?: string[];
}

export interface ProblemBody {
  status: number;
  code: string;
  errors?: Array<{ field: string; code: string; message: string }>;
}

/** The row whose group has exactly these values (undefined when there is none). */
export function rowOf(report: ReportBody, group: Record<string, string>): RowBody | undefined {
  return report.rows.find((r) => JSON.stringify(sorted(r.group)) === JSON.stringify(sorted(group)));
}

function sorted(group: Record<string, string>): Array<[string, string]> {
  return Object.entries(group).sort(([a], [b]) => (a < b ? -1 : 1));
}
