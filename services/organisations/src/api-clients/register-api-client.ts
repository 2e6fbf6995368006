import { ValidationError } from '@sp/errors';
import { clientScopeProblems } from '@sp/identity';
import type { ApiClientDocument } from './api-client.entity';
import type { ApiClientRepository } from './api-client.repository';

export type ApiClientRegistration = Omit<ApiClientDocument, 'createdAt' | 'updatedAt' | 'scopes'> & {
  scopes?: string[];
};

/**
 * Creates or re-keys an API client after checking its scopes (a commissioner's areas): every
 * problem named, nothing written when there is one (VALIDATION.FAILED, 400).
 */
export async function registerApiClient(
  clients: Pick<ApiClientRepository, 'upsert'>,
  registration: ApiClientRegistration,
  now = new Date(),
): Promise<void> {
  const scopes = registration.scopes ?? [];
  const problems = clientScopeProblems(registration.role, scopes);
  if (problems.length > 0) throw new ValidationError(problems);
  const { scopes: _ignored, ...rest } = registration;
  await clients.upsert(scopes.length > 0 ? { ...rest, scopes } : rest, now);
}
