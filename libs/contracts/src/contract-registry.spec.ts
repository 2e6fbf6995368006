import { Type } from '@sinclair/typebox';
import { isDomainError } from '@sp/errors';
import {
  ContractRegistry,
  ContractViolationError,
  OrganisationRegisteredV1,
  ReferralSubmittedV1,
  ServicePublishedV1,
  Topics,
  contractRegistry,
  deadLetterTopicName,
  defineEvent,
  type ReferralSubmittedV1Data,
} from './index';

const valid: ReferralSubmittedV1Data = {
  referralId: 'r-1',
  requesterOrganisationId: 'org-riverside-practice',
  requesterOdsCode: 'A81001',
  needs: ['sp-need-loneliness', '1082361000000100'],
  priority: 'urgent',
  status: 'requested',
  patientKey: 'a'.repeat(64),
  occurredAt: '2025-01-15T09:30:00Z',
};

function violation(fn: () => unknown): ContractViolationError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ContractViolationError) return e;
    throw e;
  }
  throw new Error('expected a ContractViolationError');
}

describe('topics', () => {
  it('names the platform topics and their dead-letter twins', () => {
    expect(Topics.referralLifecycle).toMatchObject({ name: 'sp.referrals.lifecycle.v1', partitions: 6 });
    expect(Topics.directory).toMatchObject({ name: 'sp.organisations.directory.v1', partitions: 6 });
    expect(deadLetterTopicName(Topics.referralLifecycle.name)).toBe('sp.referrals.lifecycle.v1.dlq');
  });
});

describe('contractRegistry', () => {
  it('holds every platform contract by CloudEvents type, with its topic', () => {
    expect(contractRegistry.get('org.socialprescribing.referral.submitted.v1')).toBe(ReferralSubmittedV1);
    expect(contractRegistry.get(OrganisationRegisteredV1.type)?.topic).toBe(Topics.directory);
    expect(contractRegistry.get(ServicePublishedV1.type)?.topic).toBe(Topics.directory);
    expect(contractRegistry.get('org.socialprescribing.referral.gp-summary-issued.v1')?.topic).toBe(
      Topics.referralLifecycle,
    );
    expect(contractRegistry.all()).toHaveLength(31);
    expect(
      contractRegistry
        .topics()
        .map((t) => t.name)
        .sort(),
    ).toEqual(['sp.organisations.directory.v1', 'sp.referrals.lifecycle.v1', 'sp.referrals.teams.v1']);
    expect(contractRegistry.get('org.socialprescribing.nope.v1')).toBeUndefined();
  });

  it.each(contractRegistry.all().map((c) => [c.type, c] as const))(
    'accepts the documented example of %s',
    (_type, contract) => {
      expect(contract.example).toBeDefined();
      expect(contractRegistry.problems(contract.type, contract.example)).toEqual([]);
    },
  );

  it('keys and subjects events by their aggregate', () => {
    expect(ReferralSubmittedV1.partitionKey(valid)).toBe('r-1');
    expect(ReferralSubmittedV1.subject(valid)).toBe('referrals/r-1');
    const service = {
      serviceId: 's-1',
      organisationId: 'o-1',
      status: 'active' as const,
      taxonomyTermIds: [],
      occurredAt: valid.occurredAt,
    };
    expect(ServicePublishedV1.partitionKey(service)).toBe('o-1');
    expect(ServicePublishedV1.subject(service)).toBe('services/s-1');
  });

  it('refuses duplicate registration of a type', () => {
    expect(
      () => new ContractRegistry([ReferralSubmittedV1, OrganisationRegisteredV1, ReferralSubmittedV1]),
    ).toThrow(/org\.socialprescribing\.referral\.submitted\.v1 is registered twice/);
  });

  it('reports an unknown type as a non-retriable CONTRACT.UNKNOWN_TYPE', () => {
    const err = violation(() => contractRegistry.validate('org.socialprescribing.referral.exploded.v1', {}));
    expect(err.code).toBe('CONTRACT.UNKNOWN_TYPE');
    expect(err.retriable).toBe(false);
    expect(isDomainError(err)).toBe(true);
  });
});

describe('ReferralSubmittedV1 schema', () => {
  const problemsOf = (data: unknown) => contractRegistry.problems(ReferralSubmittedV1.type, data);

  it('accepts a valid referral, with or without the optional ids', () => {
    expect(problemsOf(valid)).toEqual([]);
    expect(problemsOf({ ...valid, targetServiceId: 'svc-1', ownerOrganisationId: 'org-2' })).toEqual([]);
  });

  it('rejects patient identifiers and any other field the contract does not name', () => {
    const err = violation(() =>
      contractRegistry.validate(ReferralSubmittedV1, {
        ...valid,
        nhsNumber: '9434765919',
        notes: 'lives alone',
      }),
    );
    expect(err.code).toBe('CONTRACT.INVALID_EVENT');
    expect(err.retriable).toBe(false);
    expect(err.problems).toEqual([
      { field: 'data.nhsNumber', code: 'additionalProperties', message: 'is not allowed by the contract' },
      { field: 'data.notes', code: 'additionalProperties', message: 'is not allowed by the contract' },
    ]);
  });

  it('lists every problem: missing fields, bad codes, bad key, bad enum, bad time', () => {
    const { referralId: _omit, ...withoutId } = valid;
    const problems = problemsOf({
      ...withoutId,
      needs: ['lonely and anxious'],
      patientKey: '9434765919',
      priority: 'whenever',
      occurredAt: 'yesterday',
    });
    expect(problems.map((p) => `${p.field}:${p.code}`).sort()).toEqual(
      [
        'data.needs[0]:pattern',
        'data.occurredAt:format',
        'data.patientKey:pattern',
        'data.priority:enum',
        'data.referralId:required',
      ].sort(),
    );
  });

  it('bounds needs to 1..20 codes', () => {
    expect(problemsOf({ ...valid, needs: [] }).map((p) => p.code)).toEqual(['minItems']);
    expect(
      problemsOf({ ...valid, needs: Array.from({ length: 21 }, (_, i) => `n${i}`) }).map((p) => p.code),
    ).toEqual(['maxItems']);
    expect(problemsOf({ ...valid, needs: ['x'.repeat(65)] }).map((p) => p.code)).toEqual(['pattern']);
  });

  it('rejects ids with characters outside [A-Za-z0-9._:-] and status other than requested', () => {
    const problems = problemsOf({ ...valid, referralId: 'Jane Smith', status: 'accepted' });
    expect(problems.map((p) => p.field).sort()).toEqual(['data.referralId', 'data.status']);
  });
});

describe('defineEvent', () => {
  const base = {
    name: 'thing.happened',
    version: 1,
    type: 'org.socialprescribing.thing.happened.v1',
    topic: Topics.directory,
    partitionKey: () => 'k',
    subject: () => 's',
    producer: 'organisations' as const,
    summary: 'A thing happened.',
  };

  it('refuses a schema that allows unknown fields (at any depth)', () => {
    expect(() => defineEvent({ ...base, schema: Type.Object({ id: Type.String() }) })).toThrow(
      /data must set additionalProperties: false/,
    );
    expect(() =>
      defineEvent({
        ...base,
        schema: Type.Object({ nested: Type.Object({ x: Type.String() }) }, { additionalProperties: false }),
      }),
    ).toThrow(/data\.nested must set additionalProperties: false/);
  });

  it('refuses a type that does not follow the naming rule', () => {
    const schema = Type.Object({}, { additionalProperties: false });
    expect(() => defineEvent({ ...base, schema, type: 'thing.happened' })).toThrow(
      /type must be "org\.socialprescribing\.thing\.happened\.v1"/,
    );
  });
});
