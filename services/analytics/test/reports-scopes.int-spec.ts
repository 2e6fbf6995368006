// Who sees what in the reports, and bad input, on the real stack: the known world's events go
// through the real Kafka into the analytics service, the practice fixture gives the areas, and each
// kind of caller gets exactly its own referrals (a practice its own, a provider what its services
// received, a commissioner its area, ops everything) or a 403 problem naming the parameter that
// asks for more; bad queries get 400 problems naming each parameter; no data is 200 with zeros.
import {
  startAnalyticsInstance,
  runName,
  type AnalyticsInstance,
  type TokenFor,
} from './support/analytics-instance';
import { importPracticeFixture } from './support/practice-fixture';
import type { ProblemBody as Problem, ReportBody } from './support/report-types';
import {
  AREA,
  ODS,
  runOrganisations,
  SHIFTED,
  worldEvents,
  worldIds,
  type WorldIds,
} from './support/report-world';

const PERIOD = SHIFTED.period;

jest.setTimeout(180_000);

interface OpenApiOperation {
  parameters: Array<{ name: string; schema: { items?: { enum?: string[] } } }>;
  responses: Record<string, { content?: Record<string, unknown> }>;
}

describe('report scopes and bad input, end to end', () => {
  let analytics: AnalyticsInstance;
  let ids: WorldIds;

  beforeAll(async () => {
    analytics = await startAnalyticsInstance(runName('an-scopes'));
    await importPracticeFixture(analytics.app);
    ids = worldIds(SHIFTED.days);
    await analytics.publish(worldEvents(ids));
    await analytics.caughtUp();
  });

  afterAll(async () => {
    await analytics?.close();
  });

  const as = {
    ops: (): TokenFor => ({ organisationId: 'platform', role: 'ops' }),
    practiceA: (): TokenFor => ({ organisationId: ids.practice.A, odsCode: ODS.A, role: 'referrer' }),
    providerS1: (): TokenFor => ({ organisationId: ids.owner.S1, role: 'provider' }),
    linkWorkerS2: (): TokenFor => ({ organisationId: ids.owner.S2, role: 'link-worker' }),
    commissioner: (...areas: string[]): TokenFor => ({
      organisationId: 'commissioner-tees',
      role: 'commissioner',
      scopes: areas,
    }),
  };

  const report = async (path: string, who: TokenFor) => analytics.get(path, await analytics.token(who));
  const referred = async (query: string, who: TokenFor) => {
    const answer = await report(`/v1/reports/activity?${PERIOD}${query}`, who);
    expect({ status: answer.status, body: answer.status === 200 ? undefined : answer.json }).toEqual({
      status: 200,
      body: undefined,
    });
    return (answer.json as ReportBody).total.measures['referred'];
  };
  const refusal = async (path: string, who: TokenFor, status: number) => {
    const answer = await report(path, who);
    expect(answer.status).toBe(status);
    expect(answer.contentType).toContain('application/problem+json');
    return answer.json as Problem;
  };

  it('gives ops every referral, exactly', async () => {
    expect(await referred(runOrganisations(ids), as.ops())).toBe(11);
    expect(await referred(runOrganisations(ids, ['C']), as.ops())).toBe(1);
    expect(await referred(runOrganisations(ids, ['S2']), as.ops())).toBe(2);
  });

  it("gives a practice its own referrals only, and refuses another practice's", async () => {
    expect(await referred('', as.practiceA())).toBe(8);
    expect(await referred(`&practice=${ODS.A}`, as.practiceA())).toBe(8);
    const problem = await refusal(`/v1/reports/activity?${PERIOD}&practice=${ODS.B}`, as.practiceA(), 403);
    expect(problem.errors?.map((e) => e.field)).toEqual(['practice']);
    // Its own PCN narrows to nothing more than its own referrals; another PCN is refused.
    expect(await referred(`&pcn=${AREA.pcn}`, as.practiceA())).toBe(8);
    const pcn = await refusal(`/v1/reports/timeliness?${PERIOD}&pcn=${AREA.otherPcn}`, as.practiceA(), 403);
    expect(pcn.errors?.map((e) => e.field)).toEqual(['pcn']);
  });

  it('gives a provider or link-worker organisation what its services received', async () => {
    // S1 received A1-A8 and C1; S2 received B1 and B2.
    expect(await referred('', as.providerS1())).toBe(9);
    expect(await referred('', as.linkWorkerS2())).toBe(null); // 2 referrals: suppressed
    const problem = await refusal(
      `/v1/reports/outcomes?${PERIOD}&organisation=${ids.owner.S2}`,
      as.providerS1(),
      403,
    );
    expect(problem.errors?.map((e) => e.field)).toEqual(['organisation']);
  });

  it('gives a commissioner its area, narrowing within it, and refuses outside it', async () => {
    expect(await referred('', as.commissioner(`area:icb:${AREA.icb}`))).toBe(10);
    expect(await referred('', as.commissioner(`area:pcn:${AREA.pcn}`))).toBe(10);
    expect(await referred(`&practice=${ODS.A}`, as.commissioner(`area:pcn:${AREA.pcn}`))).toBe(8);
    expect(await referred('', as.commissioner(`area:practice:${ODS.C}`))).toBe(null); // 1: suppressed
    const outside = await refusal(
      `/v1/reports/activity?${PERIOD}&practice=${ODS.C}`,
      as.commissioner(`area:icb:${AREA.icb}`),
      403,
    );
    expect(outside.errors?.map((e) => e.field)).toEqual(['practice']);
    const otherIcb = await refusal(
      `/v1/reports/equity?${PERIOD}&icb=${AREA.otherIcb}`,
      as.commissioner(`area:pcn:${AREA.pcn}`),
      403,
    );
    expect(otherIcb.errors?.map((e) => e.field)).toEqual(['icb']);
  });

  it('refuses a commissioner with no area, and a caller with no token', async () => {
    const problem = await refusal(`/v1/reports/activity?${PERIOD}`, as.commissioner(), 403);
    expect(problem.code).toBe('AUTH.FORBIDDEN');
    const anonymous = await fetch(`${analytics.url}/v1/reports/activity?${PERIOD}`);
    expect(anonymous.status).toBe(401);
  });

  it('refuses bad queries with a 400 naming each parameter', async () => {
    const fields = async (query: string) =>
      (await refusal(`/v1/reports/activity?${query}`, as.ops(), 400)).errors?.map(
        (e) => `${e.field}:${e.code}`,
      );
    expect(await fields('groupBy=practice,colour')).toEqual(['groupBy:unknown']);
    expect(await fields('from=2025-06-01&to=2025-01-01')).toEqual(['from:order']);
    expect(await fields('from=2019-01-01&to=2025-01-02')).toEqual(['to:maxRange']);
    expect(await fields('from=yesterday&groupBy=colour')).toEqual(['from:format', 'groupBy:unknown']);
    // A report that cannot be grouped by a key says so.
    const equity = await refusal(`/v1/reports/equity?${PERIOD}&groupBy=service`, as.ops(), 400);
    expect(equity.errors?.map((e) => `${e.field}:${e.code}`)).toEqual(['groupBy:notAllowed']);
  });

  it('answers 406 for a representation it cannot make, and 200 with zeros where there is no data', async () => {
    const xml = await analytics.get(
      `/v1/reports/activity?${PERIOD}`,
      await analytics.token(as.ops()),
      'application/xml',
    );
    expect(xml.status).toBe(406);
    expect(xml.contentType).toContain('application/problem+json');
    for (const name of ['activity', 'timeliness', 'outcomes', 'equity', 'unmet-demand', 'data-quality']) {
      const empty = await report(`/v1/reports/${name}?from=2020-01-01&to=2020-02-01`, as.ops());
      expect({ name, status: empty.status }).toEqual({ name, status: 200 });
      const body = empty.json as ReportBody;
      const counts = Object.entries(body.total.measures).filter(([, v]) => v !== null);
      expect({ name, nonZero: counts.filter(([, v]) => v !== 0) }).toEqual({ name, nonZero: [] });
    }
  });
  it('documents every report in OpenAPI: parameters, JSON and CSV, and the problems', async () => {
    const document = (await (await fetch(`${analytics.url}/docs-json`)).json()) as {
      paths: Record<string, { get?: OpenApiOperation }>;
    };
    for (const name of ['activity', 'timeliness', 'outcomes', 'equity', 'unmet-demand', 'data-quality']) {
      const operation = document.paths[`/v1/reports/${name}`]?.get;
      expect({ name, parameters: operation?.parameters.map((p) => p.name).sort() }).toEqual({
        name,
        parameters: ['from', 'groupBy', 'icb', 'organisation', 'pcn', 'practice', 'to'],
      });
      const groupBy = operation!.parameters.find((p) => p.name === 'groupBy')!;
      expect(groupBy.schema.items?.enum).toEqual(
        expect.arrayContaining(['practice', 'pcn', 'ethnicCategory', 'week']),
      );
      expect(Object.keys(operation!.responses['200']!.content ?? {}).sort()).toEqual([
        'application/json',
        'text/csv',
      ]);
      for (const status of ['400', '403', '406'])
        expect(Object.keys(operation!.responses[status]?.content ?? {})).toEqual([
          'application/problem+json',
        ]);
    }
  });
});
