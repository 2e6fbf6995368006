// The practice registry on the real database: the synthetic GP registration fixture (NHS Digital's
// published layout) imported twice, through the use case and through the npm command, gives the
// same registry, and the registry answers where practices sit and what their population is.
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import type { Connection } from 'mongoose';
import { connectMongo } from '@sp/persistence';
import { testDatabaseName, testInfra } from '@sp/testing';
import {
  gpRegistrationFiles,
  importPractices,
} from '../src/practices/import-practices/import-practices.use-case';
import { PracticeRegistry } from '../src/practices/practice-registry';
import { PracticeRepository } from '../src/practices/practice.repository';
import { ReportScopeResolver } from '../src/reports/scope/report-scope.resolver';

jest.setTimeout(120_000);

const ROOT = resolve(__dirname, '../../..');
const FIXTURE = resolve(ROOT, 'infra/local/data/gp-registrations');

describe('practice registry import on the real database', () => {
  let connection: Connection;
  let url: string;
  let repository: PracticeRepository;
  let registry: PracticeRegistry;

  beforeAll(async () => {
    url = testInfra.mongoUrlFor(testDatabaseName('analytics-practices'));
    connection = await connectMongo(url);
    repository = new PracticeRepository(connection);
    await repository.onModuleInit();
    registry = new PracticeRegistry(repository);
  });

  afterAll(async () => {
    await connection?.dropDatabase().catch(() => undefined);
    await connection?.close();
  });

  it('imports the fixture directory: three practices mapped, each with its list', async () => {
    const { files, ignored } = await gpRegistrationFiles([FIXTURE]);
    expect(files.map((f) => f.kind)).toEqual(['map', 'age-female', 'age-male']);
    expect(ignored.map((f) => f.slice(FIXTURE.length + 1))).toEqual(['README.md']);
    const report = await importPractices(repository, files, ignored);
    expect(report).toMatchObject({
      created: 3,
      updated: 0,
      unchanged: 0,
      practicesMapped: 3,
      practicesWithLists: 3,
      listProblems: [],
    });
    expect(report.files.map((f) => [f.kind, f.rowsRead, f.skipped])).toEqual([
      ['map', 3, {}],
      ['age-female', 291, {}],
      ['age-male', 291, {}],
    ]);
  });

  it('a second import, by the npm command, changes nothing and prints its JSON report', async () => {
    const before = await connection.db!.collection('practices').find().sort({ _id: 1 }).toArray();
    const { stdout } = await promisify(execFile)(
      'npm',
      ['run', '--silent', 'analytics:import-practices', '--', FIXTURE],
      {
        cwd: ROOT,
        env: { ...process.env, MONGO_URL: url, LOG_LEVEL: 'silent' },
      },
    );
    expect(JSON.parse(stdout.trim().split('\n').at(-1)!)).toMatchObject({
      created: 0,
      updated: 0,
      unchanged: 3,
      practicesWithLists: 3,
    });
    const after = await connection.db!.collection('practices').find().sort({ _id: 1 }).toArray();
    expect(after).toEqual(before);
  });

  it('answers where practices sit and which practices an area holds', async () => {
    expect(await registry.pcnOf('A81001')).toBe('U81234');
    expect(await registry.pcnOf('Z99999')).toBeUndefined();
    expect(await registry.placeOf('B82001')).toEqual({
      odsCode: 'B82001',
      pcnCode: 'U82345',
      subIcbCode: '03Q',
      icbCode: 'QOQ',
    });
    expect(await registry.practicesIn({ icb: ['QHM'] })).toEqual(['A81001', 'A81002']);
    expect(await registry.practicesIn({ pcn: ['U82345'] })).toEqual(['B82001']);
    expect(await registry.practicesIn({ pcn: ['U81234'], practice: ['B82001'] })).toEqual([
      'A81001',
      'A81002',
      'B82001',
    ]);
    expect(await registry.practicesIn({ icb: ['QXX'] })).toEqual([]);
  });

  it('sums the registered population of practices by age band and sex (95+ in 85+)', async () => {
    expect(await registry.population(['A81001', 'A81002'])).toEqual({
      total: 14_323,
      byAgeBand: {
        '0-17': 2754,
        '18-24': 1354,
        '25-34': 1754,
        '35-44': 1806,
        '45-54': 2036,
        '55-64': 1949,
        '65-74': 1384,
        '75-84': 862,
        '85+': 424,
      },
      bySex: { female: 4544 + 2872, male: 4236 + 2671 },
    });
    expect((await registry.population(['B82001', 'Z99999']))?.total).toBe(3409 + 3268);
    expect(await registry.population(['Z99999'])).toBeNull();
    expect(await registry.population([])).toBeNull();
  });

  it('gives the report scope resolver a commissioner area from the imported practices', async () => {
    const resolver = new ReportScopeResolver(registry);
    const commissioner = {
      clientId: 'tees-commissioner',
      organisationId: 'org-icb',
      role: 'commissioner' as const,
      scopes: ['commissioner', 'area:icb:QHM'],
    };
    expect(await resolver.resolve(commissioner, {})).toEqual({
      ok: true,
      scope: { requesterOdsCodes: ['A81001', 'A81002'] },
      policy: { exact: false },
      practices: ['A81001', 'A81002'],
    });
    expect(await resolver.resolve(commissioner, { practice: ['B82001'] })).toMatchObject({
      ok: false,
      status: 403,
      problems: [{ field: 'practice', code: 'forbidden' }],
    });
  });
});
