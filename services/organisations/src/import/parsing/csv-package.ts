import { createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import type { HsdsTable } from '../../hsds/hsds-store.port';
import { HSDS_OBJECTS, type HsdsObjectName } from '../domain/hsds-objects.schema';
import type { ImportElement } from '../import-runner';
import { parseCsvRecords } from './csv-stream';

/** Files of the HSDS 3.0 tabular package read as records of their own table, in write order. */
const TOP_LEVEL: ReadonlyArray<{ file: string; table: HsdsTable; object: HsdsObjectName }> = [
  { file: 'taxonomies.csv', table: 'taxonomies', object: 'taxonomy' },
  { file: 'taxonomy_terms.csv', table: 'taxonomy_terms', object: 'taxonomy_term' },
  { file: 'organizations.csv', table: 'organizations', object: 'organization' },
  { file: 'locations.csv', table: 'locations', object: 'location' },
  { file: 'services.csv', table: 'services', object: 'service' },
  { file: 'service_at_locations.csv', table: 'service_at_locations', object: 'service_at_location' },
];

/**
 * Files whose rows are embedded in a parent record (the nested shape the store keeps): the field
 * they go in, and the foreign keys naming the parent, most specific first. attributes.csv links
 * through `link_id`.
 */
const EMBEDDED: ReadonlyArray<{ file: string; object: HsdsObjectName; field: string; parentKeys: string[] }> =
  [
    { file: 'addresses.csv', object: 'address', field: 'addresses', parentKeys: ['location_id'] },
    {
      file: 'accessibility.csv',
      object: 'accessibility',
      field: 'accessibility',
      parentKeys: ['location_id'],
    },
    {
      file: 'phones.csv',
      object: 'phone',
      field: 'phones',
      parentKeys: ['service_at_location_id', 'service_id', 'location_id', 'organization_id'],
    },
    {
      file: 'contacts.csv',
      object: 'contact',
      field: 'contacts',
      parentKeys: ['service_at_location_id', 'service_id', 'location_id', 'organization_id'],
    },
    {
      file: 'schedules.csv',
      object: 'schedule',
      field: 'schedules',
      parentKeys: ['service_at_location_id', 'service_id', 'location_id'],
    },
    { file: 'service_areas.csv', object: 'service_area', field: 'service_areas', parentKeys: ['service_id'] },
    {
      file: 'languages.csv',
      object: 'language',
      field: 'languages',
      parentKeys: ['service_id', 'location_id'],
    },
    { file: 'cost_options.csv', object: 'cost_option', field: 'cost_options', parentKeys: ['service_id'] },
    {
      file: 'funding.csv',
      object: 'funding',
      field: 'funding',
      parentKeys: ['service_id', 'organization_id'],
    },
    {
      file: 'required_documents.csv',
      object: 'required_document',
      field: 'required_documents',
      parentKeys: ['service_id'],
    },
    { file: 'attributes.csv', object: 'attribute', field: 'attributes', parentKeys: ['link_id'] },
  ];

/**
 * A CSV cell as the HSDS field type wants it: empty cells are absent, `number` fields become
 * numbers when they parse (otherwise the text stays, and validation reports a bad type).
 */
export function coerceRow(object: HsdsObjectName, values: Record<string, string>): Record<string, unknown> {
  const fields = HSDS_OBJECTS[object].fields;
  const record: Record<string, unknown> = {};
  for (const [name, raw] of Object.entries(values)) {
    if (raw === '') continue;
    const spec = fields[name];
    if (spec?.type === 'number') {
      const n = Number(raw.trim());
      record[name] = raw.trim() !== '' && Number.isFinite(n) ? n : raw;
    } else {
      record[name] = raw;
    }
  }
  return record;
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Reads an HSDS 3.0 tabular package (a directory of the spec's CSV files; missing files are
 * skipped). Embedded tables (phones, schedules, attributes...) are read first and held in memory,
 * grouped by parent id, then each top-level file is streamed row by row with its children
 * attached. Memory therefore grows with the embedded tables (not with the top-level ones).
 */
export async function* readCsvPackage(dir: string): AsyncGenerator<ImportElement> {
  const children = new Map<string, Map<string, Record<string, unknown>[]>>();
  for (const embedded of EMBEDDED) {
    const path = join(dir, embedded.file);
    if (!(await exists(path))) continue;
    for await (const { values } of parseCsvRecords(createReadStream(path))) {
      const record = coerceRow(embedded.object, values);
      const parentKey = embedded.parentKeys.find((key) => typeof record[key] === 'string');
      const parentId = parentKey === undefined ? '' : (record[parentKey] as string);
      let fields = children.get(parentId);
      if (!fields) children.set(parentId, (fields = new Map()));
      let list = fields.get(embedded.field);
      if (!list) fields.set(embedded.field, (list = []));
      list.push(record);
    }
  }
  for (const { file, table, object } of TOP_LEVEL) {
    const path = join(dir, file);
    if (!(await exists(path))) continue;
    for await (const { row, values } of parseCsvRecords(createReadStream(path))) {
      const record = coerceRow(object, values);
      const id = typeof record['id'] === 'string' ? record['id'] : undefined;
      const attached = id === undefined ? undefined : children.get(id);
      if (attached) {
        for (const [field, list] of attached) {
          if (HSDS_OBJECTS[object].fields[field]) record[field] = list;
        }
        children.delete(id as string);
      }
      yield { index: row, table, value: record, file };
    }
  }
}
