import { DomainError, ErrorCodes } from '@sp/errors';

export const ROLES = ['referrer', 'link-worker', 'provider', 'ops'] as const;
export type Role = (typeof ROLES)[number];

/** Who is calling: an API client acting for one organisation, with one role. */
export interface Principal {
  clientId: string;
  organisationId: string;
  odsCode?: string;
  role: Role;
  scopes: string[];
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/**
 * Tenancy rule at the edge: a client may only act on its own organisation's data; ops may act on any.
 * Throws AUTH.FORBIDDEN (403) otherwise.
 */
export function assertSameOrganisation(principal: Principal, organisationId: string): void {
  if (principal.role === 'ops' || principal.organisationId === organisationId) return;
  throw new DomainError(ErrorCodes.AUTH_FORBIDDEN, 'This resource belongs to another organisation', {
    status: 403,
  });
}
