import { isDomainError, type DomainError } from '@sp/errors';
import type { Principal } from '@sp/identity';
import type { ReferralFact, RefusalFact } from '../../read-models/domain/referral-fact';
import type { FactScope, Period, ReadModelReader } from '../../read-models/read-model.reader';
import type { PracticeLookupPort, ReportScopePort, ScopeResolution } from './report-ports';
import { listParam, narrowingParams, RunReportUseCase } from './run-report.use-case';

const NOW = new Date('2026-03-01T00:00:00Z');
const practice: Principal = {
  clientId: 'c',
  organisationId: 'org-a',
  odsCode: 'A81001',
  role: 'referrer',
  scopes: [],
};

const fact = (id: string): ReferralFact => ({
  referralId: id,
  requesterOrganisationId: 'org-a',
  requesterOdsCode: 'A81001',
  targetServiceId: 'svc-1',
  submittedAt: new Date('2026-01-10T00:00:00Z'),
});

function world(
  resolution: ScopeResolution = {
    ok: true,
    scope: { requesterOrganisationIds: ['org-a'] },
    policy: { exact: true },
  },
) {
  const reads: Array<{ method: string; period: Period; scope: FactScope }> = [];
  const reader: ReadModelReader = {
    referralFacts: async (period, scope) => {
      reads.push({ method: 'referralFacts', period, scope });
      return [fact('r1'), fact('r2')];
    },
    refusals: async (period, scope) => {
      reads.push({ method: 'refusals', period, scope });
      return [] as RefusalFact[];
    },
    capacitySamples: async (period, scope) => {
      reads.push({ method: 'capacitySamples', period, scope });
      return [];
    },
  };
  const resolved: unknown[] = [];
  const scopes: ReportScopePort = {
    resolve: (principal, params) => {
      resolved.push({ principal, params });
      return resolution;
    },
  };
  const populations: string[][] = [];
  const practices: PracticeLookupPort = {
    pcnOf: async (ods) => (ods === 'A81001' ? 'U81234' : undefined),
    population: async (ods) => {
      populations.push(ods);
      return null;
    },
  };
  const useCase = new RunReportUseCase(reader, scopes, practices, () => NOW);
  return { useCase, reads, resolved, populations };
}

async function failure(promise: Promise<unknown>): Promise<DomainError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isDomainError(error)) throw new Error(`expected a domain error, got ${String(error)}`);
  return error;
}

describe('RunReportUseCase', () => {
  it('reads the facts of the resolved scope and period and computes the report', async () => {
    const { useCase, reads, resolved } = world();
    const report = await useCase.run('activity', practice, {
      from: '2026-01-01',
      to: '2026-02-01',
      practice: 'A81001',
    });
    expect(reads).toEqual([
      {
        method: 'referralFacts',
        period: { from: new Date('2026-01-01T00:00:00Z'), to: new Date('2026-02-01T00:00:00Z') },
        scope: { requesterOrganisationIds: ['org-a'] },
      },
    ]);
    expect(resolved).toEqual([{ principal: practice, params: { practice: ['A81001'] } }]);
    expect(report.report).toBe('activity');
    expect(report.total.measures['referred']).toBe(2);
  });

  it('refuses a bad query with a 400 naming each parameter, before resolving the scope', async () => {
    const { useCase, reads, resolved } = world();
    const error = await failure(
      useCase.run('activity', practice, { groupBy: 'colour', from: '2026-02-01', to: '2026-01-01' }),
    );
    expect(error.status).toBe(400);
    expect(error.code).toBe('VALIDATION.FAILED');
    expect(error.problems.map((p) => p.field).sort()).toEqual(['from', 'groupBy']);
    expect(resolved).toEqual([]);
    expect(reads).toEqual([]);
  });

  it('refuses a scope the caller does not have with a 403 naming the parameter, reading nothing', async () => {
    const problems = [{ field: 'practice', code: 'out-of-scope', message: 'not your practice' }];
    const { useCase, reads } = world({ ok: false, status: 403, problems });
    const error = await failure(useCase.run('timeliness', practice, { practice: 'B99999' }));
    expect({ status: error.status, code: error.code, problems: error.problems }).toEqual({
      status: 403,
      code: 'AUTH.FORBIDDEN',
      problems,
    });
    expect(reads).toEqual([]);
  });

  it('reads refusals and capacity samples for unmet demand', async () => {
    const { useCase, reads } = world();
    await useCase.run('unmet-demand', practice, {});
    expect(reads.map((r) => r.method).sort()).toEqual(['capacitySamples', 'refusals']);
    expect(reads[0]!.period).toEqual({ from: new Date('2025-03-01T00:00:00Z'), to: NOW });
  });

  it('asks the registry for the population of the practices the scope names, else those in the facts', async () => {
    const named = world({
      ok: true,
      scope: { all: true },
      policy: { exact: true },
      practices: ['A81001', 'A81002'],
    });
    await named.useCase.run('equity', practice, {});
    expect(named.populations).toEqual([['A81001', 'A81002']]);
    const unnamed = world();
    await unnamed.useCase.run('equity', practice, {});
    expect(unnamed.populations).toEqual([['A81001']]);
  });
});

describe('query parameter lists', () => {
  it('accepts repeated and comma-separated values, trimmed, empty ones dropped', () => {
    expect(listParam(['A1, A2', 'A3', ''])).toEqual(['A1', 'A2', 'A3']);
    expect(listParam('')).toBeUndefined();
    expect(listParam(undefined)).toBeUndefined();
    expect(narrowingParams({ pcn: 'U1', icb: ['Q1', 'Q2'], from: '2026-01-01' })).toEqual({
      pcn: ['U1'],
      icb: ['Q1', 'Q2'],
    });
  });
});
