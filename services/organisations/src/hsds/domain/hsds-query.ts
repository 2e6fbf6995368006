import { ValidationError, type FieldProblem } from '@sp/errors';
import { normalisePostcode } from './hsds-record';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

export interface Paging {
  page: number;
  perPage: number;
}

export interface ListQuery extends Paging {
  search?: string;
  taxonomyTermId?: string;
  taxonomyId?: string;
  organizationId?: string;
  modifiedAfter?: Date;
  postcode?: string;
  proximityMeters?: number;
  parentId?: string;
  topOnly?: boolean;
  /** ORUK: services whose minimum_age is at least this. */
  minimumAge?: number;
  /** ORUK: services whose maximum_age is at most this. */
  maximumAge?: number;
  /** ORUK: services with a schedule opening at or after this time (HH:MM). */
  startTime?: string;
  /** ORUK: services with a schedule closing at or before this time (HH:MM). */
  endTime?: string;
  /** ORUK: services with a schedule on this day (RFC 5545 two-letter code, MO-SU). */
  day?: string;
}

/** The Open Referral UK filters of /services and /service_at_locations (schema/openapi.json). */
export const ORUK_SERVICE_FILTERS: ReadonlyArray<keyof ListQuery> = [
  'minimumAge',
  'maximumAge',
  'startTime',
  'endTime',
  'day',
];

const TIME = /^([01]\d|2[0-3]):([0-5]\d)(:[0-5]\d)?$/;
const DAYS: Readonly<Record<string, string>> = {
  MO: 'MO',
  TU: 'TU',
  WE: 'WE',
  TH: 'TH',
  FR: 'FR',
  SA: 'SA',
  SU: 'SU',
  MONDAY: 'MO',
  TUESDAY: 'TU',
  WEDNESDAY: 'WE',
  THURSDAY: 'TH',
  FRIDAY: 'FR',
  SATURDAY: 'SA',
  SUNDAY: 'SU',
};

/**
 * A pattern matching an RFC 5545 BYDAY list (`MO,TU`, `2MO,-1FR`) that includes `day`, with or
 * without an occurrence number.
 */
export function bydayPattern(day: string): RegExp {
  return new RegExp(`(^|,)\\s*[+-]?\\d*${day}\\s*(,|$)`, 'i');
}

export type RawQuery = Record<string, unknown>;

/** UK postcode (outward and inward code, space optional). */
const POSTCODE = /^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$/i;
const PROXIMITY = /^(\d+(?:\.\d+)?)\s*(m|km)?$/i;

/**
 * Parses the HSDS query parameters of a list endpoint. Every bad parameter is named in one 400
 * (a repeated parameter counts as bad). Parameters the endpoint does not know are ignored, as
 * HSDS clients send optional ones (`full`, `minimal`) freely; `format` other than json is refused.
 */
export function parseListQuery(raw: RawQuery, allowed: ReadonlyArray<keyof ListQuery>): ListQuery {
  const problems: FieldProblem[] = [];
  const text = (name: string): string | undefined => {
    const v = raw[name];
    if (v === undefined) return undefined;
    if (typeof v !== 'string') {
      problems.push({ field: name, code: 'repeated', message: `${name} must be given once` });
      return undefined;
    }
    return v;
  };
  const positive = (name: string, fallback: number, max?: number): number => {
    const v = text(name);
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!/^\d+$/.test(v) || !Number.isSafeInteger(n) || n < 1) {
      problems.push({ field: name, code: 'invalid', message: `${name} must be a positive integer` });
      return fallback;
    }
    if (max !== undefined && n > max) {
      problems.push({ field: name, code: 'too_large', message: `${name} must be at most ${max}` });
      return fallback;
    }
    return n;
  };
  const query: ListQuery = { page: positive('page', 1), perPage: DEFAULT_PAGE_SIZE };
  const sizeName = raw['per_page'] !== undefined ? 'per_page' : 'size';
  query.perPage = positive(sizeName, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);

  const format = text('format');
  if (format !== undefined && format !== 'json') {
    problems.push({
      field: 'format',
      code: 'not_supported',
      message: 'format must be json (ndjson is not offered)',
    });
  }
  const nonEmpty = (name: string, max = 200): string | undefined => {
    const v = text(name)?.trim();
    if (v === undefined) return undefined;
    if (v.length === 0 || v.length > max) {
      problems.push({ field: name, code: 'invalid', message: `${name} must be 1-${max} characters` });
      return undefined;
    }
    return v;
  };
  if (allowed.includes('search')) {
    const v = nonEmpty('search');
    if (v !== undefined) query.search = v;
  }
  if (allowed.includes('taxonomyTermId')) {
    const v = nonEmpty('taxonomy_term_id', 64);
    if (v !== undefined) query.taxonomyTermId = v;
  }
  if (allowed.includes('taxonomyId')) {
    const v = nonEmpty('taxonomy_id', 64);
    if (v !== undefined) query.taxonomyId = v;
  }
  if (allowed.includes('organizationId')) {
    const v = nonEmpty('organization_id', 64);
    if (v !== undefined) query.organizationId = v;
  }
  if (allowed.includes('parentId')) {
    const v = nonEmpty('parent_id', 64);
    if (v !== undefined) query.parentId = v;
  }
  if (allowed.includes('modifiedAfter')) {
    const v = text('modified_after');
    if (v !== undefined) {
      const at = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(v)
        ? new Date(v)
        : null;
      if (at === null || Number.isNaN(at.getTime())) {
        problems.push({
          field: 'modified_after',
          code: 'invalid',
          message: 'modified_after must be an ISO 8601 date or date-time',
        });
      } else query.modifiedAfter = at;
    }
  }
  if (allowed.includes('topOnly')) {
    const v = text('top_only');
    if (v !== undefined) {
      if (v !== 'true' && v !== 'false') {
        problems.push({ field: 'top_only', code: 'invalid', message: 'top_only must be true or false' });
      } else query.topOnly = v === 'true';
    }
  }
  if (allowed.includes('minimumAge') || allowed.includes('maximumAge')) {
    for (const [name, key] of [
      ['minimum_age', 'minimumAge'],
      ['maximum_age', 'maximumAge'],
    ] as const) {
      const v = text(name);
      if (v === undefined) continue;
      const n = Number(v);
      if (!/^\d{1,3}(\.\d+)?$/.test(v.trim()) || !Number.isFinite(n) || n > 150) {
        problems.push({ field: name, code: 'invalid', message: `${name} must be an age in years (0-150)` });
      } else query[key] = n;
    }
  }
  if (allowed.includes('startTime') || allowed.includes('endTime')) {
    for (const [name, key] of [
      ['start_time', 'startTime'],
      ['end_time', 'endTime'],
    ] as const) {
      const v = text(name);
      if (v === undefined) continue;
      const m = TIME.exec(v.trim());
      if (!m) {
        problems.push({ field: name, code: 'invalid', message: `${name} must be a time of day, HH:MM` });
      } else query[key] = `${m[1]}:${m[2]}`;
    }
  }
  if (allowed.includes('day')) {
    const v = text('day');
    if (v !== undefined) {
      const code = DAYS[v.trim().toUpperCase()];
      if (!code) {
        problems.push({
          field: 'day',
          code: 'invalid',
          message: 'day must be a day of the week: MO, TU, WE, TH, FR, SA, SU (or its English name)',
        });
      } else query.day = code;
    }
  }
  if (allowed.includes('postcode')) {
    const postcode = text('postcode');
    const proximity = text('proximity');
    if (postcode !== undefined) {
      if (!POSTCODE.test(postcode.trim())) {
        problems.push({
          field: 'postcode',
          code: 'invalid',
          message: 'postcode must be a UK postcode, e.g. TS1 2AA',
        });
      } else query.postcode = normalisePostcode(postcode);
    }
    if (proximity !== undefined) {
      const m = PROXIMITY.exec(proximity.trim());
      const meters = m ? Number(m[1]) * ((m[2] ?? 'm').toLowerCase() === 'km' ? 1000 : 1) : NaN;
      if (!m || !Number.isFinite(meters) || meters <= 0 || meters > 1_000_000) {
        problems.push({
          field: 'proximity',
          code: 'invalid',
          message: 'proximity must be a distance in meters (e.g. 5000) or with a unit (5km), up to 1000km',
        });
      } else query.proximityMeters = meters;
      if (postcode === undefined) {
        problems.push({
          field: 'postcode',
          code: 'required',
          message: 'postcode is required with proximity',
        });
      }
    }
  }
  if (problems.length > 0) throw new ValidationError('The query parameters are invalid', problems);
  return query;
}

/** HSDS page of results. `size` is the number of entities on this page (HSDS 3.0 Page). */
export interface HsdsPage<T> {
  total_items: number;
  total_pages: number;
  page_number: number;
  size: number;
  first_page: boolean;
  last_page: boolean;
  empty: boolean;
  contents: T[];
}

export function hsdsPage<T>(contents: T[], totalItems: number, paging: Paging): HsdsPage<T> {
  const totalPages = Math.ceil(totalItems / paging.perPage);
  return {
    total_items: totalItems,
    total_pages: totalPages,
    page_number: paging.page,
    size: contents.length,
    first_page: paging.page === 1,
    last_page: paging.page >= totalPages,
    empty: contents.length === 0,
    contents,
  };
}

/** A case-insensitive "contains" regex for `search` (user text escaped). */
export function containsPattern(text: string): RegExp {
  return new RegExp(text.toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
}

/** Great-circle distance in meters (haversine), for listings already joined in memory. */
export function distanceMeters(a: { lat: number; lng: number }, b: { lat: number; lng: number }): number {
  const rad = (d: number) => (d * Math.PI) / 180;
  const dLat = rad(b.lat - a.lat);
  const dLng = rad(b.lng - a.lng);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLng / 2) ** 2;
  return Math.round(2 * 6_371_000 * Math.asin(Math.min(1, Math.sqrt(h))));
}
