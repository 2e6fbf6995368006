import type { Bundle, BundleLink, FhirResource } from 'fhir/r4';
import { ValidationError, type FieldProblem } from '@sp/errors';
import { paging, referenceParam, single, unsupportedParams, values, type Query } from '../search-params';

/** Search parameters of GET /fhir/CarePlan and GET /fhir/Goal (declared in the CapabilityStatement). */
export const CARE_PLAN_SEARCH_PARAMS = ['subject', '_id', '_count', '_offset'] as const;

export interface CaseResourceSearch {
  /** The patient key (Patient/<key>). */
  patientKey?: string;
  ids?: string[];
  count: number;
  offset: number;
}

/** Reads a CarePlan or Goal search; every problem is named (400 OperationOutcome). */
export function parseCaseResourceSearch(query: Query, params: readonly string[]): CaseResourceSearch {
  const problems: FieldProblem[] = [];
  unsupportedParams(query, params, problems);
  const search: Omit<CaseResourceSearch, 'count' | 'offset'> = {};
  const subject = referenceParam(query, 'subject', ['Patient'], 'subject is Patient/<id>', problems);
  if (subject) search.patientKey = subject.id;
  const ids = single(query, '_id', problems);
  if (ids !== undefined) {
    const list = ids.split(',').map((s) => s.trim());
    if (list.length > 100 || list.some((id) => !/^[A-Za-z0-9.-]{1,64}$/.test(id)))
      problems.push({ field: '_id', code: 'value', message: '_id is up to 100 ids separated by commas' });
    else search.ids = list;
  }
  const { count, offset } = paging(query, problems);
  if (problems.length > 0) throw new ValidationError(problems);
  return { ...search, count, offset };
}

/** A searchset Bundle of CarePlans or Goals with total and self, first, previous and next links. */
export function caseSearchset<R extends { id?: string | undefined }>(o: {
  base: string;
  type: string;
  query: Query;
  search: CaseResourceSearch;
  total: number;
  items: R[];
}): Bundle<R & FhirResource> {
  const url = (offset: number): string => {
    const params = new URLSearchParams();
    for (const name of CARE_PLAN_SEARCH_PARAMS) {
      if (name === '_count' || name === '_offset') continue;
      for (const v of values(o.query, name)) params.append(name, v);
    }
    params.set('_count', String(o.search.count));
    params.set('_offset', String(offset));
    return `${o.base}/${o.type}?${params.toString()}`;
  };
  const { count, offset } = o.search;
  const link: BundleLink[] = [
    { relation: 'self', url: url(offset) },
    { relation: 'first', url: url(0) },
  ];
  if (offset > 0) link.push({ relation: 'previous', url: url(Math.max(0, offset - count)) });
  if (offset + count < o.total) link.push({ relation: 'next', url: url(offset + count) });
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    total: o.total,
    link,
    entry: o.items.map((resource) => ({
      fullUrl: `${o.base}/${o.type}/${resource.id ?? ''}`,
      resource: resource as R & FhirResource,
      search: { mode: 'match' },
    })),
  };
}
