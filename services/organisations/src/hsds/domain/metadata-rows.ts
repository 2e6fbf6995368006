import { derivedDirectoryId } from '@sp/contracts';
import type { ActingPerson } from '../../audit/acting-person';
import type { HsdsRecord, HsdsTable, Provenance } from '../hsds-store.port';
import { canonicalJson, RESOURCE_TYPE } from './hsds-record';

/** A row of the HSDS `metadata` table (provenance of one change), as stored. */
export interface MetadataRow {
  _id: string;
  id: string;
  resource_id: string;
  resource_type: string;
  last_action_date: string;
  last_action_type: 'create' | 'update' | 'delete';
  field_name: string;
  previous_value: string;
  replacement_value: string;
  updated_by: string;
  sp: { source: string; at: Date; person?: ActingPerson };
}

const MAX_VALUE = 2000;

function valueText(value: unknown): string {
  if (value === undefined) return '';
  const text = typeof value === 'string' ? value : canonicalJson(value);
  return text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE - 1)}…` : text;
}

/**
 * The provenance rows of one write: one `create` row for a new record, one `update` row per changed
 * field otherwise (previous and replacement values as JSON text, cut at 2,000 characters), one
 * `delete` row for a removal.
 */
export function metadataRows(input: {
  table: HsdsTable;
  id: string;
  action: 'create' | 'update' | 'delete';
  fields: string[];
  previous: Record<string, unknown> | null;
  next: Record<string, unknown> | null;
  provenance: Provenance;
  at: Date;
}): MetadataRow[] {
  const base = {
    resource_id: input.id,
    resource_type: RESOURCE_TYPE[input.table],
    last_action_date: input.at.toISOString(),
    last_action_type: input.action,
    updated_by: input.provenance.updatedBy,
    sp: {
      source: input.provenance.source,
      at: input.at,
      ...(input.provenance.person ? { person: input.provenance.person } : {}),
    },
  };
  const row = (field: string, previous: string, replacement: string): MetadataRow => {
    const id = derivedDirectoryId(input.table, input.id, input.at.toISOString(), input.action, field);
    return {
      _id: id,
      id,
      ...base,
      field_name: field,
      previous_value: previous,
      replacement_value: replacement,
    };
  };
  if (input.action !== 'update') return [row('*', '', '')];
  return input.fields.map((field) =>
    row(field, valueText(lookup(input.previous, field)), valueText(lookup(input.next, field))),
  );
}

function lookup(record: Record<string, unknown> | null, path: string): unknown {
  let value: unknown = record;
  for (const part of path.split('.')) {
    value = value && typeof value === 'object' ? (value as Record<string, unknown>)[part] : undefined;
  }
  return value;
}

export type { HsdsRecord };
