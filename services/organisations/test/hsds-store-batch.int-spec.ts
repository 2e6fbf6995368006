// The HSDS store's batch write (upsertMany) on the real database: same outcomes, provenance and
// outbox events as writing the records one by one, a record created concurrently by another
// process written again as an update, repeated ids written in order, and a bad id writing nothing.
import type { Connection } from 'mongoose';
import { ValidationError } from '@sp/errors';
import { connectMongo } from '@sp/persistence';
import { testDatabaseName, testInfra } from '@sp/testing';
import type { StoredRecord } from '../src/hsds/domain/hsds-record';
import type { HsdsRecord, HsdsTable } from '../src/hsds/hsds-store.port';
import { HsdsStoreRepository } from '../src/hsds/hsds-store.repository';
import { svcId } from './hsds-test-app';

jest.setTimeout(60_000);

const provenance = { updatedBy: 'import:batch-test', source: 'hsds-import' };

function organization(n: number, extra: Record<string, unknown> = {}): HsdsRecord {
  return { id: `org-${n}`, name: `Community Trust ${n}`, description: 'A local charity', ...extra };
}

function service(n: number, extra: Record<string, unknown> = {}): HsdsRecord {
  return {
    id: `svc-${n}`,
    organization_id: `org-${n}`,
    name: `Walking group ${n}`,
    description: 'Weekly walks',
    status: 'active',
    ...extra,
  };
}

describe('HSDS store batch write', () => {
  let connection: Connection;
  let batch: HsdsStoreRepository;
  let single: HsdsStoreRepository;
  let kicks = 0;

  beforeAll(async () => {
    connection = await connectMongo(testInfra.mongoUrlFor(testDatabaseName('orghsdsbatch')));
    batch = new HsdsStoreRepository(connection, { kick: () => (kicks += 1) });
    await batch.ensureIndexes();
    single = new HsdsStoreRepository(connection.useDb(`${connection.db?.databaseName ?? 'x'}_single`));
  });

  afterAll(async () => {
    await connection?.db?.dropDatabase();
    await single?.collection('services').db.dropDatabase();
    await connection?.close();
  });

  const stored = (store: HsdsStoreRepository, table: HsdsTable, id: string) =>
    store.collection(table).findOne({ _id: id });

  /** A stored document without its timestamps and event ids (which differ between two writes). */
  function comparable(doc: StoredRecord | null): unknown {
    if (doc === null) return null;
    const { sp, outbox, ...rest } = doc as StoredRecord & { outbox?: Array<Record<string, unknown>> };
    const { createdAt, modifiedAt, ...platform } = sp ?? {};
    void [createdAt, modifiedAt];
    return {
      ...rest,
      sp: platform,
      outbox: (outbox ?? []).map((e) => [e['topic'], e['key']]),
    };
  }

  it('creates, then finds equal records unchanged, then updates the changed ones, like upsert one by one', async () => {
    const orgs = [1, 2, 3].map((n) => organization(n));
    const services = [1, 2, 3].map((n) => service(n));
    kicks = 0;
    expect(await batch.upsertMany('organizations', orgs, provenance)).toEqual([
      { outcome: 'created' },
      { outcome: 'created' },
      { outcome: 'created' },
    ]);
    expect(await batch.upsertMany('services', services, provenance)).toEqual(
      services.map(() => ({ outcome: 'created' })),
    );
    expect(kicks).toBe(2);
    for (const o of orgs) await single.upsert('organizations', o, provenance);
    for (const s of services) await single.upsert('services', s, provenance);

    for (const n of [1, 2, 3]) {
      expect(comparable(await stored(batch, 'services', `svc-${n}`))).toEqual(
        comparable(await stored(single, 'services', `svc-${n}`)),
      );
      expect(comparable(await stored(batch, 'organizations', `org-${n}`))).toEqual(
        comparable(await stored(single, 'organizations', `org-${n}`)),
      );
    }
    const svc = await stored(batch, 'services', svcId('svc-1'));
    expect((svc as { outbox?: unknown[] }).outbox?.length).toBeGreaterThan(0);
    expect(
      await batch.metadata.countDocuments({ resource_id: svcId('svc-1'), last_action_type: 'create' }),
    ).toBe(1);

    const rows = await batch.metadata.countDocuments({});
    kicks = 0;
    const again = await batch.upsertMany(
      'services',
      [service(1), service(2, { name: 'Renamed walk', minimum_age: 18 }), service(3)],
      provenance,
    );
    expect(again).toEqual([{ outcome: 'unchanged' }, { outcome: 'updated' }, { outcome: 'unchanged' }]);
    expect(kicks).toBe(1); // service.updated: its listing (minimum age) changed
    expect((await stored(batch, 'services', svcId('svc-2')))?.['name']).toBe('Renamed walk');
    expect(
      await batch.metadata
        .find(
          { resource_id: svcId('svc-2'), last_action_type: 'update' },
          { projection: { field_name: 1, _id: 0 } },
        )
        .toArray(),
    ).toEqual([{ field_name: 'minimum_age' }, { field_name: 'name' }]);
    expect(await batch.metadata.countDocuments({})).toBe(rows + 2);
  });

  it('keeps platform fields that the batch does not name (sp merge)', async () => {
    await batch.upsertMany('services', [service(4, { sp: { publication: 'withdrawn' } })], provenance);
    expect(await batch.upsertMany('services', [service(4)], provenance)).toEqual([{ outcome: 'unchanged' }]);
    expect((await stored(batch, 'services', svcId('svc-4')))?.sp?.publication).toBe('withdrawn');
  });

  it('writes a record another process created since the batch read as an update', async () => {
    // The other process's insert lands between this batch's read and its insert.
    const raced = service(5, { name: 'Written elsewhere' });
    await batch
      .collection('services')
      .insertOne({ ...raced, id: svcId(raced.id), _id: svcId(raced.id), sp: { publication: 'published' } });
    const real = batch.collection.bind(batch);
    const spy = jest.spyOn(batch, 'collection').mockImplementation((table: HsdsTable) => {
      const collection = real(table);
      return new Proxy(collection, {
        get(target, key, receiver) {
          if (key === 'find') return () => target.find({ _id: { $in: [] } });
          const value: unknown = Reflect.get(target, key, receiver);
          return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
        },
      });
    });
    try {
      expect(await batch.upsertMany('services', [service(6), service(5)], provenance)).toEqual([
        { outcome: 'created' },
        { outcome: 'updated' },
      ]);
    } finally {
      spy.mockRestore();
    }
    expect((await stored(batch, 'services', svcId('svc-5')))?.['name']).toBe('Walking group 5');
    expect((await stored(batch, 'services', svcId('svc-6')))?.['name']).toBe('Walking group 6');
  });

  it('writes several versions of one record in input order', async () => {
    const results = await batch.upsertMany(
      'services',
      [
        service(7),
        service(8),
        service(7, { name: 'Second version' }),
        service(7, { name: 'Second version' }),
      ],
      provenance,
    );
    expect(results).toEqual([
      { outcome: 'created' },
      { outcome: 'created' },
      { outcome: 'updated' },
      { outcome: 'unchanged' },
    ]);
    expect((await stored(batch, 'services', svcId('svc-7')))?.['name']).toBe('Second version');
    expect(await batch.metadata.countDocuments({ resource_id: svcId('svc-7') })).toBe(2);
  });

  it('rejects a batch with an invalid id, naming it, and writes nothing', async () => {
    const error = await batch
      .upsertMany('services', [service(9), { ...service(10), id: 'bad id' }], provenance)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).problems).toEqual([
      expect.objectContaining({ field: 'records[1].id', code: 'invalid_format' }),
    ]);
    expect(await stored(batch, 'services', svcId('svc-9'))).toBeNull();
  });
});
