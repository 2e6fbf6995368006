// Who acted, for the records that say so (HSDS provenance, capacity declarations, assurance
// evidence, imports): beside the API client id they always kept, the signed-in person (subject at
// their organisation's identity provider, and name when the provider gave one) when there is one.
// Staff identity only, never patient data. Pure.
import type { Principal } from '@sp/identity';

export interface ActingPerson {
  sub: string;
  name?: string;
}

/** The signed-in person behind a call; undefined for an API client acting alone. */
export function actingPerson(principal: Pick<Principal, 'person'>): ActingPerson | undefined {
  const person = principal.person;
  if (!person) return undefined;
  return { sub: person.sub, ...(person.name ? { name: person.name } : {}) };
}
