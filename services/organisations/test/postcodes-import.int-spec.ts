// The postcode import on the real database: both formats, streaming from files, idempotent.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Connection } from 'mongoose';
import { connectMongo } from '@sp/persistence';
import { testDatabaseName, testInfra } from '@sp/testing';
import {
  fileLines,
  importPostcodes,
  importSamplePostcodes,
} from '../src/postcodes/import-postcodes.use-case';
import { PostcodeRepository } from '../src/postcodes/postcode.repository';
import { PostcodeResolver } from '../src/postcodes/postcode-resolver';

jest.setTimeout(60_000);

describe('postcode import', () => {
  let connection: Connection;
  let dir: string;

  beforeAll(async () => {
    connection = await connectMongo(testInfra.mongoUrlFor(testDatabaseName('orgpostcodes')));
    dir = await mkdtemp(join(tmpdir(), 'postcodes-'));
  });

  afterAll(async () => {
    await connection?.db?.dropDatabase();
    await connection?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('imports the shipped sample once; a second run creates and updates nothing', async () => {
    const first = await importSamplePostcodes(connection);
    expect(first.created).toBeGreaterThanOrEqual(50);
    expect(first.skipped).toEqual({ bad_postcode: 0, no_coordinates: 0, malformed: 0 });
    const second = await importSamplePostcodes(connection);
    expect(second).toMatchObject({ created: 0, updated: 0, unchanged: first.created });
    const resolver = new PostcodeResolver(new PostcodeRepository(connection));
    expect(await resolver.resolve('ts12ad')).toEqual({
      postcode: 'TS1 2AD',
      latitude: 54.576012,
      longitude: -1.234791,
    });
    expect(await resolver.locate(' Sw1a 1aa')).toEqual({ latitude: 51.501009, longitude: -0.141588 });
    expect(await resolver.resolve('ZZ9 9ZZ')).toBeNull();
  });

  it('imports OS Code-Point Open rows, converting the grid to WGS84, and updates a moved postcode', async () => {
    const file = join(dir, 'cp.csv');
    await writeFile(
      file,
      [
        '"SW1A1AA",10,529090,179645,"E92000001","E19000003","E18000007","","E09000033","E05000644"',
        '"TS1 9ZZ",90,0,0,"E92000001","","","","",""',
        '"NOTAPC",10,450000,520000,"E92000001","","","","",""',
        '"TS5 9ZZ",10,449500,518500,"E92000001","","","","",""',
      ].join('\n'),
    );
    const repo = new PostcodeRepository(connection);
    const report = await importPostcodes(repo, fileLines(file), 'codepoint');
    expect(report).toMatchObject({
      rowsRead: 4,
      skipped: { bad_postcode: 1, no_coordinates: 1, malformed: 0 },
    });
    // SW1A 1AA came from the sample with its ONSPD position; the conversion lands within a metre.
    expect(report.created + report.updated + report.unchanged).toBe(2);
    const ts5 = await repo.find('TS59ZZ');
    expect(ts5?.latitude).toBeCloseTo(54.563, 2);
    expect(ts5?.longitude).toBeCloseTo(-1.233, 2);
  });
});
