import type { CallHandler, ExecutionContext } from '@nestjs/common';
import { lastValueFrom, of } from 'rxjs';
import type { Logger } from 'pino';
import type { Principal } from '@sp/identity';
import { RosterInterceptor } from './roster.interceptor';
import type { SeenPerson, TeamRosterRepository } from './team-roster.repository';

const person = (name = 'Ali Khan', teamRole: 'worker' | 'team-lead' = 'worker'): Principal => ({
  clientId: 'portal',
  organisationId: 'org-lw',
  role: 'link-worker',
  scopes: [],
  person: { sub: 'ali', issuer: 'https://idp.example', name, teamRole },
});

function httpContext(principal: Principal | undefined, type = 'http'): ExecutionContext {
  return {
    getType: () => type,
    switchToHttp: () => ({ getRequest: () => ({ principal }) }),
  } as unknown as ExecutionContext;
}

describe('RosterInterceptor', () => {
  const next: CallHandler = { handle: () => of('answer') };
  let seen: SeenPerson[];
  let fail: boolean;
  let interceptor: RosterInterceptor;
  const warn = jest.fn();

  beforeEach(() => {
    seen = [];
    fail = false;
    warn.mockReset();
    const roster = {
      seen: async (p: SeenPerson) => {
        if (fail) throw new Error('database down');
        seen.push(p);
      },
    } as unknown as TeamRosterRepository;
    const logger = { child: () => ({ warn }) } as unknown as Logger;
    interceptor = new RosterInterceptor(roster, logger);
  });

  const call = (principal: Principal | undefined, type = 'http') =>
    lastValueFrom(interceptor.intercept(httpContext(principal, type), next));

  it('puts a signed-in person on the roster before the handler runs, then remembers them', async () => {
    expect(await call(person())).toBe('answer');
    expect(await call(person())).toBe('answer');
    expect(seen).toEqual([
      {
        organisationId: 'org-lw',
        sub: 'ali',
        issuer: 'https://idp.example',
        name: 'Ali Khan',
        teamRole: 'worker',
      },
    ]);
  });

  it('records again when the name or team role changed', async () => {
    await call(person());
    await call(person('Ali Khan', 'team-lead'));
    await call(person('Ali K', 'team-lead'));
    expect(seen.map((p) => [p.name, p.teamRole])).toEqual([
      ['Ali Khan', 'worker'],
      ['Ali Khan', 'team-lead'],
      ['Ali K', 'team-lead'],
    ]);
  });

  it('ignores API clients without a person and Kafka handlers', async () => {
    const { person: _none, ...client } = person();
    await call(client);
    await call(undefined);
    await call(person(), 'rpc');
    expect(seen).toEqual([]);
  });

  it('answers even when the roster cannot be written, and tries again on the next call', async () => {
    fail = true;
    expect(await call(person())).toBe('answer');
    expect(warn).toHaveBeenCalledTimes(1);
    fail = false;
    await call(person());
    expect(seen).toHaveLength(1);
  });
});
