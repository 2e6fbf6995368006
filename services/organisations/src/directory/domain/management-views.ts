import type { FieldProblem } from '@sp/errors';
import { hsdsPage, type HsdsPage, type Paging } from '../../hsds/domain/hsds-query';
import { RECORD_ID, type StoredRecord } from '../../hsds/domain/hsds-record';
import { organizationView, serviceView, type Json } from '../../hsds/domain/hsds-views';

/**
 * What the management API shows of a record: the directory as its managers see it, withdrawn
 * services and suspended organisations included, with their platform state (`sp_*` extension
 * fields, as the HSDS read API names them).
 */

/** A service as management sees it: the HSDS service plus whether it is published. */
export function managedService(record: StoredRecord): Json {
  return { ...serviceView(record), sp_publication: record.sp?.publication ?? 'published' };
}

/**
 * An organisation as management sees it: the body the management writes answer (HSDS
 * organization, `sp_status`, `sp_kind`), plus `sp_suspension` while it is suspended: its
 * `reason_code` and `suspended_at` (ISO date-time of the change to suspended), each when stored.
 */
export function managedOrganisation(record: StoredRecord, suspendedSince?: string): Json {
  const view = organizationView(record, undefined);
  if (record.sp?.status !== 'suspended') return view;
  const reasonCode = record.sp.suspensionReason;
  view['sp_suspension'] = {
    ...(reasonCode ? { reason_code: reasonCode } : {}),
    ...(suspendedSince ? { suspended_at: suspendedSince } : {}),
  };
  return view;
}

/** A provenance row of a change to an organisation's `sp.status` (the fields used here). */
export interface StatusChangeRow {
  field_name: string;
  replacement_value: string;
  last_action_date: string;
}

/**
 * When the organisation last became suspended: the latest provenance row that set `sp.status` to
 * `suspended` (a second suspension while suspended changes only the reason, so the time stays).
 */
export function suspendedAt(rows: readonly StatusChangeRow[]): string | undefined {
  let latest: string | undefined;
  for (const row of rows) {
    if (row.field_name !== 'sp.status' || row.replacement_value !== 'suspended') continue;
    const at = Date.parse(row.last_action_date);
    if (Number.isNaN(at)) continue;
    if (latest === undefined || at > Date.parse(latest)) latest = new Date(at).toISOString();
  }
  return latest;
}

/** The problem with a record id taken from the path (the store's id rule), if any. */
export function recordIdProblems(id: string, field = 'id'): FieldProblem[] {
  return RECORD_ID.test(id)
    ? []
    : [{ field, code: 'invalid_format', message: `${field} must be 1-64 characters of A-Z a-z 0-9 . _ : -` }];
}

/**
 * A page of a management list, as the platform's other lists answer (`/v1/organisations`,
 * `/v1/directory/imports`): `size` is the page size asked for; `total_pages` is at least 1.
 */
export type ManagementPage<T> = HsdsPage<T>;

export function managementPage<T>(contents: T[], totalItems: number, paging: Paging): ManagementPage<T> {
  const page = hsdsPage(contents, totalItems, paging);
  const totalPages = Math.max(1, page.total_pages);
  return { ...page, total_pages: totalPages, size: paging.perPage, last_page: paging.page >= totalPages };
}
