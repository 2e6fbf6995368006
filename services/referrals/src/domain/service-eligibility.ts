import type { FieldProblem } from '@sp/errors';

/**
 * Can a directory service receive a referral for this patient? Pure rules over this service's
 * replica of the directory (built from the organisations service's events).
 */

export interface ReplicaService {
  _id: string;
  organisationId?: string;
  /** HSDS status; absent when only a capacity change has been seen (treated as unknown). */
  status?: string;
  withdrawn?: boolean;
  /** HSDS taxonomy term ids (UUIDs) of the service's classification. */
  taxonomyTermIds?: string[];
  /** Codes of the platform needs it meets (events before directory ids were UUIDs: absent). */
  needCodes?: string[];
  minimumAge?: number;
  maximumAge?: number;
  capacityStatus?: string;
}

export interface ReplicaOrganisation {
  _id: string;
  registered?: boolean;
  verified?: boolean;
  verifiedUntil?: string;
  suspended?: boolean;
}

/** Whole years of age on `now` (UTC dates). */
export function ageOn(birthDate: string, now: Date): number {
  const [y, m, d] = birthDate.split('-').map(Number) as [number, number, number];
  let age = now.getUTCFullYear() - y;
  const beforeBirthday = now.getUTCMonth() + 1 < m || (now.getUTCMonth() + 1 === m && now.getUTCDate() < d);
  if (beforeBirthday) age -= 1;
  return age;
}

/** Known (a listing has been seen), not withdrawn, status active. */
export function isServiceListed(service: ReplicaService | null | undefined): service is ReplicaService {
  return !!service && service.status !== undefined && service.organisationId !== undefined;
}

/**
 * An organisation may receive referrals when it is known, verified (never-verified means
 * unverified; a lapsed verifiedUntil too) and not suspended.
 */
export function organisationProblems(
  org: ReplicaOrganisation | null | undefined,
  now: Date,
  field: string,
): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (org?.suspended) {
    problems.push({
      field,
      code: 'organisation_suspended',
      message: 'The organisation running this service is suspended',
    });
  }
  const lapsed = org?.verifiedUntil !== undefined && Date.parse(org.verifiedUntil) <= now.getTime();
  if (!org?.verified || lapsed) {
    problems.push({
      field,
      code: 'organisation_unverified',
      message:
        'The organisation running this service is not verified (assurance evidence missing or expired)',
    });
  }
  return problems;
}

/**
 * Every reason a service cannot take a referral for a patient born on `birthDate`: unknown,
 * not active, organisation suspended or unverified, age outside its range, no capacity.
 */
export function targetServiceProblems(
  service: ReplicaService | null | undefined,
  org: ReplicaOrganisation | null | undefined,
  birthDate: string,
  now: Date,
  field = 'targetServiceId',
): FieldProblem[] {
  if (!isServiceListed(service)) {
    return [{ field, code: 'unknown_service', message: 'No such service in the directory' }];
  }
  const problems: FieldProblem[] = [];
  if (service.withdrawn || service.status !== 'active') {
    problems.push({
      field,
      code: 'service_not_active',
      message: service.withdrawn
        ? 'The service was withdrawn from the directory'
        : `The service is ${service.status}`,
    });
  }
  problems.push(...organisationProblems(org, now, field));
  if (/^\d{4}-\d{2}-\d{2}$/.test(birthDate)) {
    const age = ageOn(birthDate, now);
    const tooYoung = service.minimumAge !== undefined && age < service.minimumAge;
    const tooOld = service.maximumAge !== undefined && age > service.maximumAge;
    if (tooYoung || tooOld) {
      problems.push({
        field,
        code: 'not_eligible_age',
        message: `The service takes people aged ${service.minimumAge ?? 0} to ${service.maximumAge ?? 'any age'}; the patient is ${age}`,
      });
    }
  }
  if (service.capacityStatus === 'no-capacity') {
    problems.push({ field, code: 'no_capacity', message: 'The service has no capacity at present' });
  }
  return problems;
}

/**
 * The need codes a service meets: its `needCodes`; for a listing published before directory ids
 * were UUIDs (no needCodes), its taxonomy term ids, which were the need codes then.
 */
export function needsMetBy(service: ReplicaService): string[] {
  return service.needCodes ?? service.taxonomyTermIds ?? [];
}

/** Does the service meet at least one of the needs (by need code)? */
export function meetsNeeds(service: ReplicaService, needs: readonly string[]): boolean {
  const met = needsMetBy(service);
  return needs.some((n) => met.includes(n));
}
