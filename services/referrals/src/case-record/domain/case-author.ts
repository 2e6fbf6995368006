import type { Actor } from '../../domain/referral-intake.rules';

/**
 * Who wrote a case-record entry: the organisation's API client and, when one signed in through
 * the organisation's identity provider, the person. Staff identity only.
 */
export interface CaseAuthor {
  clientId: string;
  organisationId: string;
  person?: { sub: string; name?: string };
}

export function caseAuthorOf(actor: Actor): CaseAuthor {
  const author: CaseAuthor = { clientId: actor.clientId, organisationId: actor.organisationId };
  if (actor.person) {
    author.person = { sub: actor.person.sub };
    if (actor.person.name !== undefined) author.person.name = actor.person.name;
  }
  return author;
}

/**
 * Who may change or remove an entry (the caller is already known to belong to the owning
 * organisation): a team lead any entry; a worker their own (same person); an API client acting
 * with no person only the entries that client wrote with no person.
 */
export function mayEditEntry(author: CaseAuthor, actor: Actor): boolean {
  if (actor.organisationId !== author.organisationId) return false;
  if (actor.person) {
    if (actor.person.teamRole === 'team-lead') return true;
    return author.person?.sub === actor.person.sub;
  }
  return author.person === undefined && author.clientId === actor.clientId;
}
