import {
  Inject,
  Injectable,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { from, switchMap, type Observable } from 'rxjs';
import type { Principal } from '@sp/identity';
import { SERVICE_LOGGER } from '@sp/service-kit';
import type { Logger } from 'pino';
import { TeamRosterRepository } from './team-roster.repository';

/** How long a person is remembered as on the roster before their next call refreshes the entry. */
export const ROSTER_REFRESH_MS = 5 * 60 * 1000;
const MAX_REMEMBERED = 10_000;

/**
 * Puts every person who calls the HTTP API signed in (a principal with a `person`) on their
 * organisation's team roster, or refreshes their name, team role and last seen. At most once per
 * person, name and role per ROSTER_REFRESH_MS in this process (in-process cache); never for Kafka
 * handlers. Awaited before the handler, so a person can be assigned right after their first call;
 * a failure is logged and does not fail the request.
 */
@Injectable()
export class RosterInterceptor implements NestInterceptor {
  private readonly seenUntil = new Map<string, number>();
  private readonly log: Logger;

  constructor(
    private readonly roster: TeamRosterRepository,
    @Inject(SERVICE_LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ component: 'team-roster' });
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const principal = context.switchToHttp().getRequest<{ principal?: Principal }>().principal;
    const person = principal?.person;
    if (!principal || !person) return next.handle();
    const key = [principal.organisationId, person.sub, person.teamRole, person.name ?? ''].join('\u0000');
    const now = Date.now();
    if ((this.seenUntil.get(key) ?? 0) > now) return next.handle();
    const register = this.roster
      .seen({
        organisationId: principal.organisationId,
        sub: person.sub,
        issuer: person.issuer,
        teamRole: person.teamRole,
        ...(person.name !== undefined ? { name: person.name } : {}),
      })
      .then(() => {
        if (this.seenUntil.size >= MAX_REMEMBERED) this.seenUntil.clear();
        this.seenUntil.set(key, now + ROSTER_REFRESH_MS);
      })
      .catch((error: unknown) => this.log.warn({ err: error }, 'could not update the team roster'));
    return from(register).pipe(switchMap(() => next.handle()));
  }
}
