import { createHash } from 'node:crypto';
import type { FieldProblem } from '@sp/errors';
import type { RefusalReasonCode } from '@sp/contracts';

/**
 * When a referral refused at intake is unmet demand: only when the request was otherwise valid and
 * the service it was addressed to could not take it. A malformed or otherwise wrong request is not
 * demand and is not recorded. Pure rules.
 */

/** targetServiceProblems codes (domain/service-eligibility.ts) -> the refusal's coded reason. */
const REASON_OF: Readonly<Record<string, RefusalReasonCode>> = {
  no_capacity: 'no-capacity',
  not_eligible_age: 'not-eligible',
  service_not_active: 'service-not-active',
  organisation_suspended: 'organisation-unavailable',
  organisation_unverified: 'organisation-unavailable',
  unknown_service: 'unknown-service',
};

/**
 * The refusal's reasons (each once, in the order the problems name them) when every problem is one
 * of the target service's, on `field`; null when there is none or any other problem.
 */
export function refusalReasons(
  problems: readonly FieldProblem[],
  field = 'targetServiceId',
): RefusalReasonCode[] | null {
  if (problems.length === 0) return null;
  const reasons: RefusalReasonCode[] = [];
  for (const p of problems) {
    const reason = p.field === field ? REASON_OF[p.code] : undefined;
    if (reason === undefined) return null;
    if (!reasons.includes(reason)) reasons.push(reason);
  }
  return reasons;
}

/**
 * The id of a refusal. With an Idempotency-Key it is derived from the requester and the key, so a
 * retried request is the same refusal (recorded once); without one every refused attempt is a
 * refusal of its own (`random`). UUID-shaped; reveals neither the key nor the requester.
 */
export function refusalIdFor(
  requesterOrganisationId: string,
  idempotencyKey: string | undefined,
  random: () => string,
): string {
  if (idempotencyKey === undefined) return random();
  const hex = createHash('sha256')
    .update(`refusal\n${requesterOrganisationId}\n${idempotencyKey}`)
    .digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
