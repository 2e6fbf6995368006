import type { FactScope } from '../read-model.reader';

/** Which fact field each list of a scope matches (the same names on referral facts and refusals). */
const FIELDS = {
  requesterOrganisationIds: 'requesterOrganisationId',
  requesterOdsCodes: 'requesterOdsCode',
  ownerOrganisationIds: 'ownerOrganisationId',
} as const;

/**
 * The MongoDB filter for the facts a scope may count (any listed field matching), `{}` for ops, or
 * null when the scope names nothing (empty lists mean "nothing").
 */
export function scopeFilter(scope: FactScope): Record<string, unknown> | null {
  if (scope.all === true) return {};
  const clauses = (Object.keys(FIELDS) as Array<keyof typeof FIELDS>)
    .filter((key) => (scope[key]?.length ?? 0) > 0)
    .map((key) => ({ [FIELDS[key]]: { $in: [...new Set(scope[key])] } }));
  if (clauses.length === 0) return null;
  return clauses.length === 1 ? clauses[0]! : { $or: clauses };
}

/**
 * Services whose capacity a scope may see: providers (owner organisations) their own services;
 * ops and scopes that name no owner organisation (commissioners, practices) every service, since
 * capacity is a fact about the directory, not about any referral. Null: nothing.
 */
export function capacityScopeFilter(scope: FactScope): Record<string, unknown> | null {
  if (scope.all === true || scope.ownerOrganisationIds === undefined) return {};
  if (scope.ownerOrganisationIds.length === 0) return null;
  return { organisationId: { $in: [...new Set(scope.ownerOrganisationIds)] } };
}
