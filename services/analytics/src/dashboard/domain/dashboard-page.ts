import type { Chart, DashboardSection } from './chart';

/** A chart with its SVG rendering (from the render adapter). */
export type RenderedChart = Chart & { svg: string };
export type RenderedSection = Omit<DashboardSection, 'charts'> & { charts: RenderedChart[] };

export interface DashboardPage {
  period: { from: string; to: string };
  /** True when small numbers (1 to 4) are shown as "suppressed". */
  suppressed: boolean;
  sections: RenderedSection[];
}

/** Everything inline: no scripts, no external URLs (the response's CSP forbids them too). */
export const DASHBOARD_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'self'";

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const STYLE = `
body{font-family:"DejaVu Sans","Liberation Sans",Arial,sans-serif;margin:0;color:#212b32;background:#f0f4f5}
header{background:#005eb8;color:#fff;padding:16px 24px}header h1{margin:0 0 4px;font-size:1.5rem}
main{padding:16px 24px;max-width:1200px}section{background:#fff;margin:0 0 24px;padding:16px 24px;border-radius:4px}
h2{margin-top:0}figure{margin:16px 0 24px}figcaption{margin:8px 0;font-size:.9rem;color:#4c6272}
.chart svg{max-width:100%;height:auto}table{border-collapse:collapse;font-size:.9rem;margin-top:8px}
th,td{border:1px solid #d8dde0;padding:4px 8px;text-align:left}details{margin-top:8px}
.note{font-size:.9rem;color:#4c6272}`;

/** Gives the SVG an accessible name: role="img", a <title> and aria-labelledby pointing at it. */
export function accessibleSvg(svg: string, titleId: string, title: string): string {
  const open = /^\s*<svg\b[^>]*>/.exec(svg);
  if (!open) return svg;
  const tag = open[0].replace(/^\s*<svg\b/, `<svg role="img" aria-labelledby="${titleId}"`);
  return `${tag}<title id="${titleId}">${escapeHtml(title)}</title>${svg.slice(open[0].length)}`;
}

function table(chart: RenderedChart): string {
  const head = chart.table.columns.map((c) => `<th scope="col">${escapeHtml(c)}</th>`).join('');
  const body =
    chart.table.rows.length === 0
      ? `<tr><td colspan="${chart.table.columns.length}">No data in the period</td></tr>`
      : chart.table.rows
          .map(
            (r) =>
              `<tr>${r.map((c, i) => (i === 0 ? `<th scope="row">${escapeHtml(c)}</th>` : `<td>${escapeHtml(c)}</td>`)).join('')}</tr>`,
          )
          .join('');
  return `<details><summary>Data table: ${escapeHtml(chart.heading)}</summary><table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table></details>`;
}

function chartHtml(chart: RenderedChart): string {
  const id = `chart-${chart.id}`;
  return `<figure class="chart" id="${id}" data-chart="${escapeHtml(chart.id)}" aria-labelledby="${id}-heading">
<h3 id="${id}-heading">${escapeHtml(chart.heading)}</h3>
${accessibleSvg(chart.svg, `${id}-title`, chart.summary)}
<figcaption>${escapeHtml(chart.summary)}</figcaption>
${table(chart)}
</figure>`;
}

/** The whole page: one section per report family, each chart with heading, SVG, caption, table. */
export function dashboardHtml(page: DashboardPage): string {
  const sections = page.sections
    .map(
      (
        s,
      ) => `<section id="${escapeHtml(s.id)}" data-section="${escapeHtml(s.id)}" aria-labelledby="${escapeHtml(s.id)}-heading">
<h2 id="${escapeHtml(s.id)}-heading">${escapeHtml(s.heading)}</h2>
<p>${escapeHtml(s.intro)}</p>
${s.charts.map(chartHtml).join('\n')}
</section>`,
    )
    .join('\n');
  const suppression = page.suppressed
    ? 'Counts from 1 to 4, and rates built on them, are shown as “suppressed” (NHS statistical convention).'
    : 'Exact figures: small numbers are not suppressed for your role.';
  return `<!doctype html>
<html lang="en-GB">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Social prescribing dashboard</title><style>${STYLE}</style></head>
<body>
<header><h1>Social prescribing dashboard</h1>
<p>Referrals submitted from <time datetime="${escapeHtml(page.period.from)}">${escapeHtml(day(page.period.from))}</time> to <time datetime="${escapeHtml(page.period.to)}">${escapeHtml(day(page.period.to))}</time> (end exclusive).</p></header>
<main>
<p class="note">${escapeHtml(suppression)}</p>
${sections}
</main>
</body>
</html>
`;
}

function day(iso: string): string {
  return iso.slice(0, 10);
}

/** An error as a small HTML page with the problem's title and detail (e.g. 401, 403, 400). */
export function errorHtml(problem: {
  status: number;
  title: string;
  detail: string;
  errors?: Array<{ field: string; message: string }>;
}): string {
  const problems =
    problem.errors && problem.errors.length > 0
      ? `<ul>${problem.errors.map((e) => `<li><code>${escapeHtml(e.field)}</code>: ${escapeHtml(e.message)}</li>`).join('')}</ul>`
      : '';
  return `<!doctype html>
<html lang="en-GB">
<head><meta charset="utf-8"><title>${problem.status} ${escapeHtml(problem.title)}</title><style>${STYLE}</style></head>
<body><header><h1>${escapeHtml(problem.title)}</h1></header>
<main><section><p>${escapeHtml(problem.detail)}</p>${problems}</section></main></body>
</html>
`;
}
