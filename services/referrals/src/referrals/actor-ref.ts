import type { Actor } from '../domain/referral-intake.rules';
import type { ActorRef } from './referral.entity';

/**
 * How an actor is remembered in history and audit entries: the client and organisation, and the
 * person (sub and display name) when one signed in through their organisation's identity provider.
 */
export function actorRef(actor: Actor): ActorRef {
  const ref: ActorRef = { clientId: actor.clientId, organisationId: actor.organisationId, role: actor.role };
  if (actor.person) {
    ref.person = { sub: actor.person.sub };
    if (actor.person.name !== undefined) ref.person.name = actor.person.name;
  }
  return ref;
}
