import { accessibleSvg, dashboardHtml, errorHtml, escapeHtml } from './dashboard-page';

describe('dashboard page', () => {
  const svg =
    '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>';

  it('names each SVG for assistive technology (role img, <title>, aria-labelledby)', () => {
    expect(accessibleSvg(svg, 't1', 'Funnel <12>')).toBe(
      '<svg role="img" aria-labelledby="t1" xmlns="http://www.w3.org/2000/svg" width="10" height="10"><title id="t1">Funnel &lt;12&gt;</title><rect width="10" height="10"/></svg>',
    );
  });

  it('renders sections, charts, captions and data tables, escaping text', () => {
    const html = dashboardHtml({
      period: { from: '2026-01-01T00:00:00.000Z', to: '2026-07-01T00:00:00.000Z' },
      suppressed: true,
      sections: [
        {
          id: 'funnel',
          heading: 'Funnel',
          intro: 'Intro & more',
          charts: [
            {
              id: 'funnel',
              heading: 'Referred',
              summary: 'Referral funnel: Referred 12.',
              spec: {},
              table: { columns: ['Stage', 'Referrals'], rows: [['Referred', 'suppressed']] },
              svg,
            },
          ],
        },
      ],
    });
    expect(html).toContain('<section id="funnel" data-section="funnel"');
    expect(html).toContain('<h2 id="funnel-heading">Funnel</h2>');
    expect(html).toContain('<p>Intro &amp; more</p>');
    expect(html).toContain('<figure class="chart" id="chart-funnel" data-chart="funnel"');
    expect(html).toContain('<title id="chart-funnel-title">Referral funnel: Referred 12.</title>');
    expect(html).toContain('<th scope="row">Referred</th><td>suppressed</td>');
    expect(html).toContain('from <time datetime="2026-01-01T00:00:00.000Z">2026-01-01</time>');
    expect(html).toContain('shown as “suppressed”');
    expect(html).not.toMatch(/<script|src=|href=/);
  });

  it('renders an error page with the title, detail and each problem', () => {
    const html = errorHtml({
      status: 400,
      title: 'Bad Request',
      detail: 'Invalid report query',
      errors: [{ field: 'from', message: 'must be <before> to' }],
    });
    expect(html).toContain('<title>400 Bad Request</title>');
    expect(html).toContain('<li><code>from</code>: must be &lt;before&gt; to</li>');
    expect(escapeHtml(`"'`)).toBe('&quot;&#39;');
  });
});
