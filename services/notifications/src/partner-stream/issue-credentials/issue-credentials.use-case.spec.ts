import { isDomainError } from '@sp/errors';
import type { ServiceConfig } from '../../service.config';
import type { PartnerStreamRecord, PartnerStreamRepository } from '../partner-stream.repository';
import { IssueCredentialsUseCase } from './issue-credentials.use-case';

const config = { LOG_LEVEL: 'silent', PARTNER_KAFKA_BOOTSTRAP: 'partners.example:9094' } as ServiceConfig;
const org = '3f2c9a4e-0d1b-4c55-9a8e-6f1d2b3c4d5e';

function world(
  opts: {
    previous?: { status: 'active' | 'revoked'; generation: number };
    failAt?: 'ensureTopic' | 'setPassword' | 'grant';
  } = {},
) {
  const calls: string[] = [];
  const step = (name: 'ensureTopic' | 'setPassword' | 'grant') =>
    jest.fn(async () => {
      calls.push(name);
      if (opts.failAt === name) throw new Error('broker down');
    });
  const broker = { ensureTopic: step('ensureTopic'), setPassword: step('setPassword'), grant: step('grant') };
  const activated: unknown[] = [];
  const streams = {
    find: jest.fn(async () =>
      opts.previous ? ({ _id: org, ...opts.previous } as PartnerStreamRecord) : null,
    ),
    activate: jest.fn(async (r: Omit<PartnerStreamRecord, 'status' | 'createdAt'>) => {
      calls.push('record');
      activated.push(r);
      return { ...r, status: 'active', createdAt: new Date('2026-12-03T10:00:00Z') } as PartnerStreamRecord;
    }),
  } as unknown as PartnerStreamRepository;
  return { useCase: new IssueCredentialsUseCase(config, broker, streams), broker, calls, activated };
}

async function refusal(p: Promise<unknown>): Promise<{ code: string; status: number }> {
  const err: unknown = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isDomainError(err)) throw new Error(`expected a domain error, got ${String(err)}`);
  return { code: err.code, status: err.status };
}

describe('issuing partner stream credentials', () => {
  it('sets up topic, password and ACLs on the broker first, then records the stream without the password', async () => {
    const { useCase, broker, calls, activated } = world();
    const issued = await useCase.execute(org, 'portal-client');
    expect(calls).toEqual(['ensureTopic', 'setPassword', 'grant', 'record']);
    expect(broker.ensureTopic).toHaveBeenCalledWith(`sp.partner.${org}.referrals.v1`);
    expect(broker.setPassword).toHaveBeenCalledWith(`partner-${org}-1`, issued.password);
    expect(broker.grant).toHaveBeenCalledWith(org, `partner-${org}-1`);
    expect(issued).toMatchObject({
      status: 'active',
      bootstrapServers: ['partners.example:9094'],
      mechanism: 'scram-sha-512',
      username: `partner-${org}-1`,
      groupPrefix: `sp.partner.${org}.`,
    });
    expect(JSON.stringify(activated)).not.toContain(issued.password);
  });

  it('issues a revoked stream again as a new user (the next generation)', async () => {
    const { useCase, broker } = world({ previous: { status: 'revoked', generation: 2 } });
    const issued = await useCase.execute(org, 'portal-client');
    expect(issued.username).toBe(`partner-${org}-3`);
    expect(broker.grant).toHaveBeenCalledWith(org, `partner-${org}-3`);
  });

  it('refuses a second issue while the stream is active (409), touching nothing', async () => {
    const { useCase, calls } = world({ previous: { status: 'active', generation: 1 } });
    expect(await refusal(useCase.execute(org, 'x'))).toEqual({
      code: 'PARTNER_STREAM.CONFLICT',
      status: 409,
    });
    expect(calls).toEqual([]);
  });

  it('answers 503 and records nothing when the broker fails part way (a retry repeats every step)', async () => {
    for (const failAt of ['ensureTopic', 'setPassword', 'grant'] as const) {
      const { useCase, calls } = world({ failAt });
      expect(await refusal(useCase.execute(org, 'x'))).toEqual({
        code: 'PARTNER_STREAM.BROKER_UNAVAILABLE',
        status: 503,
      });
      expect(calls).not.toContain('record');
    }
  });

  it('refuses an organisation id that cannot name a topic safely (422)', async () => {
    const { useCase, calls } = world();
    expect(await refusal(useCase.execute('a.b', 'x'))).toEqual({
      code: 'PARTNER_STREAM.UNSUPPORTED_ORGANISATION',
      status: 422,
    });
    expect(calls).toEqual([]);
  });
});
