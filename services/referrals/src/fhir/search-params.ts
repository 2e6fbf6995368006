import type { FieldProblem } from '@sp/errors';
import type { ReferralDocument } from '../referrals/referral.entity';
import type { ReferralPage } from '../referrals/referral-operations';
import type { Bundle, BundleEntry, BundleLink, Resource } from './fhir.types';

/**
 * What the FHIR searches (GET /fhir/Task, GET /fhir/ServiceRequest) share: reading parameters,
 * refusing unknown ones, _lastUpdated/_count/_offset, and the searchset Bundle with paging links.
 * Every problem is collected (the caller throws one ValidationError naming each parameter).
 * Pure code.
 */

export type Query = Record<string, unknown>;

/** Accepted on every search and ignored (the answer is always JSON). */
export const IGNORED_PARAMS: readonly string[] = ['_format'];
export const DEFAULT_COUNT = 20;
export const MAX_COUNT = 100;
const MAX_OFFSET = 1_000_000;

/** Every value given for a parameter (repeated parameters arrive as an array). */
export function values(query: Query, name: string): string[] {
  const v = query[name];
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v]).map(String);
}

/** The one value of a parameter that may be given once. */
export function single(query: Query, name: string, problems: FieldProblem[]): string | undefined {
  const all = values(query, name);
  if (all.length > 1)
    problems.push({ field: name, code: 'not-supported', message: `${name} may be given once` });
  return all[0];
}

/** Names the parameters outside `supported` (and not ignored), one problem each. */
export function unsupportedParams(
  query: Query,
  supported: readonly string[],
  problems: FieldProblem[],
): void {
  for (const name of Object.keys(query))
    if (!supported.includes(name) && !IGNORED_PARAMS.includes(name))
      problems.push({
        field: name,
        code: 'not-supported',
        message: `Unsupported search parameter (supported: ${supported.join(', ')})`,
      });
}

/** A logical id as the platform issues them. */
export const LOGICAL_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/** `Type/<id>` or a bare id. */
export function idParam(value: string, types: readonly string[]): { type?: string; id: string } | undefined {
  const match = /^(?:([A-Za-z]+)\/)?([A-Za-z0-9._:-]{1,64})$/.exec(value.trim());
  if (!match?.[2]) return undefined;
  if (match[1] !== undefined && !types.includes(match[1])) return undefined;
  return { ...(match[1] !== undefined ? { type: match[1] } : {}), id: match[2] };
}

/**
 * A reference search parameter given once (`name=Type/<id>` or a bare id, `Type` one of `types`):
 * the reference, or undefined when absent; a malformed one adds `message` to the problems.
 */
export function referenceParam(
  query: Query,
  name: string,
  types: readonly string[],
  message: string,
  problems: FieldProblem[],
): { type?: string; id: string } | undefined {
  const raw = single(query, name, problems);
  if (raw === undefined) return undefined;
  const ref = idParam(raw, types);
  if (!ref) problems.push({ field: name, code: 'value', message });
  return ref;
}

export function integer(
  value: string | undefined,
  name: string,
  min: number,
  max: number,
  problems: FieldProblem[],
): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max) {
    problems.push({
      field: name,
      code: 'value',
      message: `${name} must be a whole number from ${min} to ${max}`,
    });
    return undefined;
  }
  return n;
}

/**
 * `_lastUpdated=gt|ge|lt|le<date or dateTime with zone>`, repeatable (a range). The model's bounds
 * are exclusive: ge/le widen by one millisecond.
 */
export function lastUpdated(
  query: Query,
  problems: FieldProblem[],
): { updatedAfter?: Date; updatedBefore?: Date } {
  const bounds: { updatedAfter?: Date; updatedBefore?: Date } = {};
  for (const v of values(query, '_lastUpdated')) {
    const match =
      /^(gt|ge|lt|le)(\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?)$/.exec(v);
    const at =
      match?.[2] !== undefined
        ? Date.parse(match[2].length === 10 ? `${match[2]}T00:00:00Z` : match[2])
        : NaN;
    if (!match || Number.isNaN(at)) {
      problems.push({
        field: '_lastUpdated',
        code: 'value',
        message: '_lastUpdated is gt|ge|lt|le followed by a date or dateTime with zone',
      });
      continue;
    }
    if (match[1] === 'gt') bounds.updatedAfter = new Date(at);
    if (match[1] === 'ge') bounds.updatedAfter = new Date(at - 1);
    if (match[1] === 'lt') bounds.updatedBefore = new Date(at);
    if (match[1] === 'le') bounds.updatedBefore = new Date(at + 1);
  }
  return bounds;
}

/** `_count` (1-100, default 20) and `_offset` (zero-based, default 0). */
export function paging(query: Query, problems: FieldProblem[]): { count: number; offset: number } {
  const count = integer(single(query, '_count', problems), '_count', 1, MAX_COUNT, problems) ?? DEFAULT_COUNT;
  const offset = integer(single(query, '_offset', problems), '_offset', 0, MAX_OFFSET, problems) ?? 0;
  return { count, offset };
}

export interface SearchsetOptions {
  base: string;
  /** The resource type searched (`Task`, `ServiceRequest`): the path of the links and fullUrls. */
  type: string;
  /** The parameters the search accepts, in the order they appear in links. */
  params: readonly string[];
  query: Query;
  count: number;
  offset: number;
  page: ReferralPage;
  toResource: (doc: ReferralDocument) => Resource;
  /** Resources to add for each match (`_include`), as search.mode include, each once. */
  include?: (doc: ReferralDocument) => { type: string; resource: Resource }[];
}

/** The query string of a page: the client's filters in a stable order, then _count and _offset. */
function pageUrl(o: SearchsetOptions, offset: number): string {
  const params = new URLSearchParams();
  for (const name of o.params) {
    if (name === '_count' || name === '_offset') continue;
    for (const v of values(o.query, name)) params.append(name, v);
  }
  params.set('_count', String(o.count));
  params.set('_offset', String(offset));
  return `${o.base}/${o.type}?${params.toString()}`;
}

/** The `_include` entries of a page: each resource once, after the matches. */
function included(o: SearchsetOptions): BundleEntry[] {
  if (!o.include) return [];
  const seen = new Set<string>();
  const entries: BundleEntry[] = [];
  for (const doc of o.page.items)
    for (const { type, resource } of o.include(doc)) {
      const fullUrl = `${o.base}/${type}/${resource.id ?? ''}`;
      if (seen.has(fullUrl)) continue;
      seen.add(fullUrl);
      entries.push({ fullUrl, resource, search: { mode: 'include' } });
    }
  return entries;
}

/** A searchset Bundle with `total` and self, first, previous, next and last links. */
export function searchset(o: SearchsetOptions): Bundle {
  const { count, offset, page } = o;
  const link: BundleLink[] = [
    { relation: 'self', url: pageUrl(o, offset) },
    { relation: 'first', url: pageUrl(o, 0) },
  ];
  if (offset > 0) link.push({ relation: 'previous', url: pageUrl(o, Math.max(0, offset - count)) });
  if (offset + count < page.total) link.push({ relation: 'next', url: pageUrl(o, offset + count) });
  if (page.total > 0)
    link.push({ relation: 'last', url: pageUrl(o, Math.floor((page.total - 1) / count) * count) });
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    total: page.total,
    link,
    entry: [
      ...page.items.map((doc): BundleEntry => ({
        fullUrl: `${o.base}/${o.type}/${doc._id}`,
        resource: o.toResource(doc),
        search: { mode: 'match' },
      })),
      ...included(o),
    ],
  };
}
