import { directoryId } from '@sp/contracts';
import { DomainError, ErrorCodes } from '@sp/errors';
import type { Principal } from '@sp/identity';

/**
 * Who manages what in the directory. Ops manage every organisation. An organisation's admins are
 * its API clients with the role `provider` or `link-worker` (the roles of organisations that run
 * services); they manage their own organisation, its services and its locations. Referrers (GP
 * practices) manage nothing here. Organisations are compared by UUID, each side named by its UUID
 * or its slug (a body's `organization_id`, a client registered before ids were UUIDs).
 */
export function canManage(principal: Principal, organisationId: string): boolean {
  if (principal.role === 'ops') return true;
  return (
    (principal.role === 'provider' || principal.role === 'link-worker') &&
    directoryId('organizations', principal.organisationId) === directoryId('organizations', organisationId)
  );
}

export function assertCanManage(principal: Principal, organisationId: string): void {
  if (canManage(principal, organisationId)) return;
  throw new DomainError(
    ErrorCodes.AUTH_FORBIDDEN,
    principal.role === 'referrer'
      ? 'Referrers cannot manage directory entries'
      : "Only the organisation's own admins or operations may manage this entry",
    { status: 403 },
  );
}

export function assertOps(principal: Principal): void {
  if (principal.role === 'ops') return;
  throw new DomainError(ErrorCodes.AUTH_FORBIDDEN, 'Only operations may do this', { status: 403 });
}
