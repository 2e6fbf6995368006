// The dashboard in a real browser: analytics booted in-process on the real stack (Kafka,
// SecantusDB) consumes a known world of lifecycle events (support/report-world.ts); Debian's
// chromium, driven by puppeteer-core, loads GET /dashboard with an ops token. Every chart section
// has an SVG with drawn marks, the headings and the figures of the world; a screenshot of the
// page is decoded and each chart's area holds non-white, varied pixels. A caller with no scope
// gets a 403 page. Fails (never skips) when chromium is missing: platform.sh installs it.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { startAnalyticsInstance, runName, type AnalyticsInstance } from './support/analytics-instance';
import { PERIOD, worldEvents, worldIds } from './support/report-world';

jest.setTimeout(180_000);

/** Debian's chromium on PATH (infra/local/platform.sh installs it); its absence fails the test. */
function chromiumPath(): string {
  try {
    return execFileSync('sh', ['-c', 'command -v chromium'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error(
      'chromium not found on PATH: run `bash infra/local/platform.sh start` (it apt-installs chromium)',
    );
  }
}

interface ChartInPage {
  id: string;
  heading: string;
  marks: number;
  title: string;
  box: { x: number; y: number; width: number; height: number };
  table: string[][];
}

/** Non-white share and number of distinct colours of the screenshot inside one box. */
function pixelsIn(png: PNG, box: ChartInPage['box']): { nonWhite: number; colours: number } {
  let nonWhite = 0;
  let total = 0;
  const colours = new Set<number>();
  const [x0, y0] = [Math.max(0, Math.floor(box.x)), Math.max(0, Math.floor(box.y))];
  const [x1, y1] = [
    Math.min(png.width, Math.ceil(box.x + box.width)),
    Math.min(png.height, Math.ceil(box.y + box.height)),
  ];
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const i = (png.width * y + x) * 4;
      const [r, g, b] = [png.data[i]!, png.data[i + 1]!, png.data[i + 2]!];
      total++;
      if (r < 235 || g < 235 || b < 235) nonWhite++;
      colours.add((r << 16) | (g << 8) | b);
    }
  }
  return { nonWhite: total === 0 ? 0 : nonWhite / total, colours: colours.size };
}

describe('GET /dashboard in a real browser', () => {
  const run = runName('an-dash');
  const ids = worldIds();
  let analytics: AnalyticsInstance;
  let browser: Browser;
  let page: Page;
  const shots = mkdtempSync(join(tmpdir(), 'dashboard-'));
  // Other specs publish to the same broker: ops narrows to this run's receiving organisations
  // (every referral, refusal and capacity report of the world is theirs) for exact figures.
  const mine = () => `organisation=${ids.owner.S1}&organisation=${ids.owner.S2}`;

  beforeAll(async () => {
    const executablePath = chromiumPath();
    analytics = await startAnalyticsInstance(run);
    await analytics.publish(worldEvents(ids));
    await analytics.caughtUp();
    browser = await puppeteer.launch({
      executablePath,
      headless: true,
      args: ['--no-sandbox', '--headless=new'],
    });
    page = await browser.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await analytics?.close();
  });

  it('shows every chart with marks, headings and the figures, and the screenshot is not blank', async () => {
    const ops = await analytics.token({ organisationId: 'platform', role: 'ops' });
    await page.setExtraHTTPHeaders({ authorization: `Bearer ${ops}` });
    await page.setViewport({ width: 1280, height: 900 });
    const response = await page.goto(`${analytics.url}/dashboard?${PERIOD}&${mine()}`, { waitUntil: 'load' });
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-type']).toMatch(/^text\/html/);
    // Taller viewport = the whole page: screenshot pixels and element boxes share coordinates.
    const height = Number(await page.evaluate('document.documentElement.scrollHeight'));
    await page.setViewport({ width: 1280, height });

    const sections = await page.$$eval('section[data-section]', (els) =>
      els.map((s) => [s.getAttribute('data-section'), s.querySelector('h2')?.textContent]),
    );
    expect(sections).toEqual([
      ['funnel', 'Funnel'],
      ['timeliness', 'Timeliness'],
      ['equity', 'Equity'],
      ['unmet-demand', 'Unmet demand'],
    ]);
    const charts: ChartInPage[] = await page.$$eval('figure.chart', (figures) =>
      figures.map((f) => {
        const svg = f.querySelector('svg')!;
        const r = svg.getBoundingClientRect();
        return {
          id: f.getAttribute('data-chart') ?? '',
          heading: f.querySelector('h3')?.textContent ?? '',
          marks: svg.querySelectorAll('.role-mark path, .role-mark rect').length,
          title: svg.querySelector('title')?.textContent ?? '',
          // The viewport holds the whole page (no scrolling): boxes are page = screenshot coordinates.
          box: { x: r.x, y: r.y, width: r.width, height: r.height },
          table: [...f.querySelectorAll('tbody tr')].map((tr) =>
            [...tr.querySelectorAll('th, td')].map((c) => c.textContent ?? ''),
          ),
        };
      }),
    );
    expect(charts.map((c) => c.id)).toEqual([
      'funnel',
      'timeliness',
      'equity-share-ageBand',
      'equity-share-sex',
      'equity-imd-funnel',
      'refusals',
      'waitlist',
    ]);
    for (const chart of charts) {
      expect({ id: chart.id, hasMarks: chart.marks > 0 }).toEqual({ id: chart.id, hasMarks: true });
      expect(chart.title.length).toBeGreaterThan(20);
      expect(chart.box.width).toBeGreaterThan(200);
    }
    const byId = Object.fromEntries(charts.map((c) => [c.id, c]));
    expect(byId['funnel']!.heading).toBe('Referred, accepted, started, completed');
    // The world (ops: exact figures): 11 referred; 8 accepted; 5 started; 4 completed.
    expect(byId['funnel']!.table).toEqual([
      ['Referred', '11'],
      ['Accepted', '8'],
      ['Started', '5'],
      ['Completed', '4'],
    ]);
    expect(byId['timeliness']!.table).toEqual([
      ['First response', '1 d', '2 d'],
      ['First contact', '4 d', '5 d'],
      ['Completion', '20 d', '30 d'],
    ]);
    expect(byId['equity-share-sex']!.table).toEqual([
      ['female', '60.0%', 'n/a'],
      ['male', '40.0%', 'n/a'],
      ['unknown', 'n/a', 'n/a'],
    ]);
    expect(byId['waitlist']!.table.filter((r) => r[0] === ids.service.S1).slice(0, 2)).toEqual([
      [ids.service.S1, '2023-03', '2'],
      [ids.service.S1, '2023-04', '6'],
    ]);
    expect(byId['refusals']!.table).toEqual([
      ['no-capacity', '2'],
      ['not-eligible', '1'],
    ]);
    expect(byId['funnel']!.title).toBe('Referral funnel: Referred 11, Accepted 8, Started 5, Completed 4.');

    const file = join(shots, 'dashboard.png');
    await page.screenshot({ path: file });
    const png = PNG.sync.read(readFileSync(file));
    expect(png.height).toBeGreaterThanOrEqual(height - 1);
    for (const chart of charts) {
      const pixels = pixelsIn(png, chart.box);
      // A drawn chart: axes, labels and coloured bars or lines, not an empty white box.
      expect({ id: chart.id, drawn: pixels.nonWhite > 0.02 && pixels.colours > 8 }).toEqual({
        id: chart.id,
        drawn: true,
      });
    }
  });

  it("shows a practice its own figures with small numbers as 'suppressed', not 0", async () => {
    // Practice A: 8 referred, 6 accepted, 4 started, 3 completed (1 to 4 suppressed).
    const practice = await analytics.token({
      organisationId: ids.practice.A,
      role: 'referrer',
      odsCode: 'A81001',
    });
    await page.setExtraHTTPHeaders({ authorization: `Bearer ${practice}` });
    const response = await page.goto(`${analytics.url}/dashboard?${PERIOD}`, { waitUntil: 'load' });
    expect(response?.status()).toBe(200);
    const funnel = await page.$eval('figure[data-chart="funnel"]', (f) => ({
      table: [...f.querySelectorAll('tbody tr')].map((tr) =>
        [...tr.querySelectorAll('th, td')].map((c) => c.textContent),
      ),
      svgText: [...f.querySelectorAll('svg text')].map((t) => t.textContent),
    }));
    expect(funnel.table).toEqual([
      ['Referred', '8'],
      ['Accepted', '6'],
      ['Started', 'suppressed'],
      ['Completed', 'suppressed'],
    ]);
    expect(funnel.svgText.filter((t) => t === 'suppressed')).toHaveLength(2);
  });

  it('answers a role with no scope with a 403 page, and JSON when asked', async () => {
    const commissioner = await analytics.token({
      organisationId: 'nowhere',
      role: 'commissioner',
      scopes: [],
    });
    await page.setExtraHTTPHeaders({ authorization: `Bearer ${commissioner}` });
    const response = await page.goto(`${analytics.url}/dashboard?${PERIOD}`, { waitUntil: 'load' });
    expect(response?.status()).toBe(403);
    expect(response?.headers()['content-type']).toMatch(/^text\/html/);
    expect(await page.$eval('h1', (h) => h.textContent)).toBe('Forbidden');
    expect(await page.$$('svg')).toHaveLength(0);

    const json = await analytics.get(`/dashboard?${PERIOD}`, commissioner, 'application/json');
    expect(json.status).toBe(403);
    expect(json.contentType).toMatch(/^application\/problem\+json/);
    expect(json.json).toMatchObject({ status: 403, title: 'Forbidden' });
  });

  it('answers no token with a 401 page', async () => {
    const response = await fetch(`${analytics.url}/dashboard`);
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await response.text()).toContain('<h1>Unauthorized</h1>');
  });
});
