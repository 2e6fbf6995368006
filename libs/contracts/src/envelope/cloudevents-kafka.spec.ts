import {
  ContractViolationError,
  OrganisationRegisteredV1,
  ReferralSubmittedV1,
  contractRegistry,
  createEnvelope,
  fromKafkaRecord,
  toKafkaRecord,
  validateEnvelope,
  type IncomingKafkaRecord,
  type ReferralSubmittedV1Data,
} from '../index';

const data: ReferralSubmittedV1Data = {
  referralId: 'ref-42',
  requesterOrganisationId: 'org-riverside-practice',
  requesterOdsCode: 'A81001',
  targetServiceId: 'svc-befriending',
  needs: ['sp-need-loneliness'],
  priority: 'routine',
  status: 'requested',
  patientKey: 'f'.repeat(64),
  occurredAt: '2025-01-15T09:30:00.000Z',
};
const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
const meta = {
  source: '/services/referrals',
  correlationId: 'corr-1',
  causationId: 'req-9',
  traceparent,
  id: 'evt-1',
  time: '2025-01-15T09:30:01.000Z',
};

/** What kafkajs hands a consumer: every header value a Buffer. */
function asConsumed(rec: {
  key: string;
  value: Buffer;
  headers: Record<string, string>;
}): IncomingKafkaRecord {
  return {
    key: Buffer.from(rec.key),
    value: rec.value,
    headers: Object.fromEntries(Object.entries(rec.headers).map(([k, v]) => [k, Buffer.from(v)])),
  };
}

function violation(fn: () => unknown): ContractViolationError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ContractViolationError) return e;
    throw e;
  }
  throw new Error('expected a ContractViolationError');
}

describe('createEnvelope', () => {
  it('builds a CloudEvents 1.0 envelope keyed and subjected by the aggregate', () => {
    expect(createEnvelope(ReferralSubmittedV1, data, meta)).toEqual({
      id: 'evt-1',
      type: 'org.socialprescribing.referral.submitted.v1',
      source: '/services/referrals',
      specversion: '1.0',
      time: '2025-01-15T09:30:01.000Z',
      subject: 'referrals/ref-42',
      datacontenttype: 'application/json',
      correlationid: 'corr-1',
      causationid: 'req-9',
      traceparent,
      partitionkey: 'ref-42',
      data,
    });
  });

  it('defaults id to a uuid and time to now, and omits absent optional attributes', () => {
    const env = createEnvelope(ReferralSubmittedV1, data, {
      source: '/services/referrals',
      correlationId: 'c',
    });
    expect(env.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(Date.now() - Date.parse(env.time)).toBeLessThan(5_000);
    expect(env).not.toHaveProperty('causationid');
    expect(env).not.toHaveProperty('traceparent');
  });

  it('refuses data that breaks the contract, listing the problems', () => {
    const bad = { ...data, nhsNumber: '9434765919' } as ReferralSubmittedV1Data;
    const err = violation(() => createEnvelope(ReferralSubmittedV1, bad, meta));
    expect(err.code).toBe('CONTRACT.INVALID_EVENT');
    expect(err.problems).toEqual([
      { field: 'data.nhsNumber', code: 'additionalProperties', message: 'is not allowed by the contract' },
    ]);
  });

  it('refuses envelope attributes that are not CloudEvents-safe', () => {
    const err = violation(() =>
      createEnvelope(ReferralSubmittedV1, data, { ...meta, correlationId: '', traceparent: 'nope' }),
    );
    expect(err.problems.map((p) => p.field).sort()).toEqual([
      'envelope.correlationid',
      'envelope.traceparent',
    ]);
  });
});

describe('toKafkaRecord', () => {
  it('maps the envelope to CloudEvents Kafka binary mode exactly', () => {
    const record = toKafkaRecord(createEnvelope(ReferralSubmittedV1, data, meta));
    expect(record.key).toBe('ref-42');
    expect(JSON.parse(record.value.toString('utf8'))).toEqual(data);
    expect(record.headers).toEqual({
      ce_id: 'evt-1',
      ce_type: 'org.socialprescribing.referral.submitted.v1',
      ce_source: '/services/referrals',
      ce_specversion: '1.0',
      ce_time: '2025-01-15T09:30:01.000Z',
      ce_subject: 'referrals/ref-42',
      ce_correlationid: 'corr-1',
      ce_causationid: 'req-9',
      ce_traceparent: traceparent,
      ce_partitionkey: 'ref-42',
      'content-type': 'application/json',
      traceparent,
    });
  });

  it('leaves out optional headers that have no value', () => {
    const env = createEnvelope(OrganisationRegisteredV1, OrganisationRegisteredV1.example!, {
      source: '/services/organisations',
      correlationId: 'c',
    });
    const headers = toKafkaRecord(env).headers;
    expect(Object.keys(headers).sort()).toEqual(
      [
        'ce_id',
        'ce_type',
        'ce_source',
        'ce_specversion',
        'ce_time',
        'ce_subject',
        'ce_correlationid',
        'ce_partitionkey',
        'content-type',
      ].sort(),
    );
  });
});

describe('fromKafkaRecord', () => {
  const record = () => toKafkaRecord(createEnvelope(ReferralSubmittedV1, data, meta));

  it('round-trips an envelope through a consumed record (Buffer headers)', () => {
    const env = createEnvelope(ReferralSubmittedV1, data, meta);
    expect(fromKafkaRecord(asConsumed(toKafkaRecord(env)), contractRegistry)).toEqual(env);
    expect(fromKafkaRecord(toKafkaRecord(env), contractRegistry)).toEqual(env);
  });

  it('rejects an unknown type as CONTRACT.UNKNOWN_TYPE (non-retriable)', () => {
    const rec = record();
    rec.headers.ce_type = 'org.socialprescribing.referral.exploded.v1';
    const err = violation(() => fromKafkaRecord(asConsumed(rec), contractRegistry));
    expect(err.code).toBe('CONTRACT.UNKNOWN_TYPE');
    expect(err.retriable).toBe(false);
  });

  it('lists every missing required header', () => {
    const rec = record();
    delete rec.headers.ce_id;
    delete rec.headers.ce_source;
    delete rec.headers.ce_correlationid;
    delete rec.headers['content-type'];
    const err = violation(() => fromKafkaRecord(asConsumed(rec), contractRegistry));
    expect(err.code).toBe('CONTRACT.INVALID_EVENT');
    expect(err.retriable).toBe(false);
    expect(err.problems.map((p) => p.field)).toEqual([
      'ce_id',
      'ce_source',
      'ce_correlationid',
      'content-type',
    ]);
    expect(err.message).toContain('ce_id header is required');
  });

  it('rejects a specversion other than 1.0 and a content type other than JSON', () => {
    const rec = record();
    rec.headers.ce_specversion = '0.3';
    rec.headers['content-type'] = 'application/avro';
    const err = violation(() => fromKafkaRecord(asConsumed(rec), contractRegistry));
    expect(err.problems).toEqual([
      { field: 'ce_specversion', code: 'unsupported', message: 'must be "1.0", got "0.3"' },
      {
        field: 'content-type',
        code: 'unsupported',
        message: 'must be application/json, got "application/avro"',
      },
    ]);
  });

  it('accepts a JSON content type with a charset parameter', () => {
    const rec = record();
    rec.headers['content-type'] = 'application/json; charset=utf-8';
    expect(fromKafkaRecord(asConsumed(rec), contractRegistry).data).toEqual(data);
  });

  it('rejects a value that is not JSON, or no value at all, as CONTRACT.INVALID_EVENT', () => {
    const notJson = violation(() =>
      fromKafkaRecord({ ...asConsumed(record()), value: Buffer.from('{"referralId":') }, contractRegistry),
    );
    expect(notJson.code).toBe('CONTRACT.INVALID_EVENT');
    expect(notJson.problems.map((p) => `${p.field}:${p.code}`)).toEqual(['value:json']);
    const tombstone = violation(() =>
      fromKafkaRecord({ ...asConsumed(record()), value: null }, contractRegistry),
    );
    expect(tombstone.problems.map((p) => `${p.field}:${p.code}`)).toEqual(['value:required']);
  });

  it('rejects extra fields in data, such as an NHS number', () => {
    const rec = record();
    rec.value = Buffer.from(JSON.stringify({ ...data, nhsNumber: '9434765919' }));
    const err = violation(() => fromKafkaRecord(asConsumed(rec), contractRegistry));
    expect(err.code).toBe('CONTRACT.INVALID_EVENT');
    expect(err.problems).toEqual([
      { field: 'data.nhsNumber', code: 'additionalProperties', message: 'is not allowed by the contract' },
    ]);
  });

  it('rejects a record whose key or ce_partitionkey disagrees with the aggregate', () => {
    const wrongKey = violation(() =>
      fromKafkaRecord({ ...asConsumed(record()), key: Buffer.from('other') }, contractRegistry),
    );
    expect(wrongKey.problems.map((p) => p.field)).toEqual(['key']);
    const rec = record();
    rec.key = 'other';
    rec.headers.ce_partitionkey = 'other';
    expect(
      violation(() => fromKafkaRecord(asConsumed(rec), contractRegistry)).problems.map((p) => p.field),
    ).toEqual(['partitionkey']);
  });

  it('rejects a repeated CloudEvents header as ambiguous', () => {
    const consumed = asConsumed(record());
    consumed.headers!.ce_id = [Buffer.from('a'), Buffer.from('b')];
    expect(
      violation(() => fromKafkaRecord(consumed, contractRegistry)).problems.map(
        (p) => `${p.field}:${p.code}`,
      ),
    ).toContain('ce_id:repeated');
  });
});

describe('validateEnvelope', () => {
  it('accepts a valid envelope and rejects one with a bad time', () => {
    const env = createEnvelope(ReferralSubmittedV1, data, meta);
    expect(validateEnvelope(JSON.parse(JSON.stringify(env)), contractRegistry)).toEqual(env);
    expect(
      violation(() => validateEnvelope({ ...env, time: 'today' }, contractRegistry)).problems.map(
        (p) => p.field,
      ),
    ).toEqual(['envelope.time']);
  });
});
