import { derivedDirectoryId } from '@sp/contracts';
import type { ServiceSignals, VerificationState } from '../../signals/service-signals.port';
import { hsdsContent, SLUG_IDENTIFIER_SCHEME, type StoredRecord } from './hsds-record';

export type Json = Record<string, unknown>;

/**
 * The HSDS object of a stored record (no storage or platform fields), with its slug, when it has
 * one, as the extension field `sp_slug` (HSDS allows extra fields).
 */
export function recordView(record: StoredRecord): Json {
  const view: Json = { ...hsdsContent(record) };
  if (record.sp?.slug) view['sp_slug'] = record.sp.slug;
  return view;
}

/**
 * An organization's HSDS object: `recordView`, and its slug also as an `organization_identifiers`
 * entry (scheme SLUG_IDENTIFIER_SCHEME), so HSDS clients that ignore extension fields see it.
 */
export function organizationContent(record: StoredRecord): Json {
  const view = recordView(record);
  const slug = record.sp?.slug;
  if (!slug) return view;
  const identifiers = Array.isArray(view['organization_identifiers'])
    ? (view['organization_identifiers'] as Json[])
    : [];
  if (identifiers.some((i) => i['identifier_scheme'] === SLUG_IDENTIFIER_SCHEME)) return view;
  view['organization_identifiers'] = [
    ...identifiers,
    {
      id: derivedDirectoryId(record._id, 'identifier', 'slug'),
      organization_id: record._id,
      identifier_scheme: SLUG_IDENTIFIER_SCHEME,
      identifier_type: 'Directory slug',
      identifier: slug,
    },
  ];
  return view;
}

/** A service with `last_modified` from the platform clock (when it last changed here). */
export function serviceView(record: StoredRecord): Json {
  const view = recordView(record);
  if (record.sp?.modifiedAt) view['last_modified'] = new Date(record.sp.modifiedAt).toISOString();
  return view;
}

/** A record's attributes with their taxonomy_term nested (HSDS "fully nested"), by term id. */
export function withTerms(view: Json, terms: ReadonlyMap<string, Json>): Json {
  if (!Array.isArray(view['attributes'])) return view;
  return {
    ...view,
    attributes: (view['attributes'] as Json[]).map((a) => {
      const term = terms.get(String(a['taxonomy_term_id'] ?? ''));
      return term ? { ...a, taxonomy_term: term } : a;
    }),
  };
}

/**
 * Trust and capacity on a service read. Capacity in the shape of HSDS 3.1 `service_capacity`
 * (`capacities`), plus platform extension fields prefixed `sp_` (HSDS allows extra fields):
 * `sp_capacity` (Gravity capacity status, live caseload, waitlist, team headroom) and `sp_trust`.
 */
export function withSignals(view: Json, serviceId: string, signals: ServiceSignals | undefined): Json {
  if (!signals) return view;
  const out: Json = { ...view };
  const t = signals.trust;
  out['sp_trust'] = {
    median_hours_to_first_response: t.medianHoursToFirstResponse,
    acceptance_rate: t.acceptanceRate,
    completion_rate: t.completionRate,
    referrals_last_90_days: t.referralsLast90Days,
    sample_size: t.sampleSize,
  };
  const c = signals.capacity;
  if (c) {
    const unit = c.unit ?? 'places';
    out['capacities'] = [
      {
        id: derivedDirectoryId('service_capacity', serviceId),
        service_id: serviceId,
        unit: { id: derivedDirectoryId('unit', unit), name: unit },
        ...(c.available !== undefined ? { available: c.available } : {}),
        ...(c.maximum !== undefined ? { maximum: c.maximum } : {}),
        updated: c.updated,
      },
    ];
    out['sp_capacity'] = {
      status: c.status,
      caseload: c.caseload,
      waitlist_length: c.waitlistLength,
      // Places left under the organisation's link workers' caseload limits (absent: no limit).
      ...(c.teamHeadroom !== undefined ? { team_headroom: c.teamHeadroom } : {}),
      ...(c.estimatedWaitDays !== undefined ? { estimated_wait_days: c.estimatedWaitDays } : {}),
    };
  }
  return out;
}

/** Platform facts on an organization read: status, kind and verification (extension fields). */
export function organizationView(record: StoredRecord, verification: VerificationState | undefined): Json {
  const view = organizationContent(record);
  view['sp_status'] = record.sp?.status ?? 'active';
  view['sp_kind'] = record.sp?.kind ?? 'vcs';
  if (verification) {
    view['sp_verification'] = {
      verified: verification.verified,
      ...(verification.verifiedUntil ? { verified_until: verification.verifiedUntil } : {}),
      problems: verification.problems.map((p) => ({ evidence_type: p.evidenceType, problem: p.problem })),
    };
  }
  return view;
}
