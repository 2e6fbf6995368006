import type { Role } from '@sp/identity';

/** An OAuth2 client registered for one organisation and one role. Only the secret's hash is kept. */
export interface ApiClientDocument {
  _id: string; // client_id
  organisationId: string;
  role: Role;
  /**
   * Scopes granted beyond the role (a commissioner's areas: `area:icb:QHM`...), validated when the
   * client is registered (register-api-client.ts). Absent on clients registered before them.
   */
  scopes?: string[];
  name: string;
  secretHash: string;
  status: 'active' | 'revoked';
  createdAt: Date;
  updatedAt: Date;
}
