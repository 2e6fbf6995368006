import {
  buildDeadLetterRecord,
  buildReplayRecord,
  parseDeadLetterHeaders,
  withoutDeadLetterHeaders,
} from './dead-letter-headers';

const original = {
  topic: 'sp.referrals.lifecycle.v1',
  partition: 4,
  offset: '1234',
  key: 'ref-1',
  value: Buffer.from('{"referralId":"ref-1"}'),
  headers: {
    ce_id: 'evt-1',
    ce_type: 'org.socialprescribing.referral.submitted.v1',
    'content-type': 'application/json',
  },
};
const failure = {
  errorCode: 'REFERRAL.NOT_FOUND',
  errorMessage: 'no referral ref-1',
  reason: 'non-retriable' as const,
  attempts: 1,
  consumerGroup: 'notifications.referrals',
  failedAt: new Date('2025-03-01T10:00:00.000Z'),
};

describe('dead-letter records', () => {
  it('keeps the original key, value and headers and adds the dlq_* headers', () => {
    const record = buildDeadLetterRecord(original, failure);
    expect(record.topic).toBe('sp.referrals.lifecycle.v1.dlq');
    expect(record.key).toBe('ref-1');
    expect(record.value).toBe(original.value);
    expect(record.headers).toEqual({
      ...original.headers,
      dlq_error_code: 'REFERRAL.NOT_FOUND',
      dlq_error_message: 'no referral ref-1',
      dlq_reason: 'non-retriable',
      dlq_original_topic: 'sp.referrals.lifecycle.v1',
      dlq_original_partition: '4',
      dlq_original_offset: '1234',
      dlq_consumer_group: 'notifications.referrals',
      dlq_failed_at: '2025-03-01T10:00:00.000Z',
      dlq_attempts: '1',
    });
  });

  it('reads its own headers back', () => {
    const { headers } = buildDeadLetterRecord(original, failure);
    expect(parseDeadLetterHeaders(headers)).toEqual({
      originalTopic: 'sp.referrals.lifecycle.v1',
      originalPartition: 4,
      originalOffset: '1234',
      consumerGroup: 'notifications.referrals',
      errorCode: 'REFERRAL.NOT_FOUND',
      errorMessage: 'no referral ref-1',
      reason: 'non-retriable',
      failedAt: '2025-03-01T10:00:00.000Z',
      attempts: 1,
    });
  });

  it('truncates huge error messages', () => {
    const { headers } = buildDeadLetterRecord(original, { ...failure, errorMessage: 'x'.repeat(10_000) });
    expect(headers['dlq_error_message']?.length).toBe(2_000);
  });

  it('replaces stale dlq_* headers when a replayed message fails again', () => {
    const first = buildDeadLetterRecord(original, failure);
    const replayed = buildReplayRecord({
      topic: first.topic,
      partition: 4,
      offset: '7',
      key: first.key,
      value: first.value,
      headers: first.headers,
    });
    const second = buildDeadLetterRecord(
      { ...original, offset: '2000', headers: replayed.headers },
      { ...failure, attempts: 3, reason: 'attempts-exhausted' },
    );
    expect(second.headers['dlq_original_offset']).toBe('2000');
    expect(second.headers['dlq_attempts']).toBe('3');
    expect(second.headers['sp_replayed_from']).toBeUndefined();
  });

  it('refuses to parse a record without dlq headers', () => {
    expect(() => parseDeadLetterHeaders(original.headers)).toThrow(/not a dead letter/);
  });
});

describe('replay records', () => {
  it('sends the original record back to its topic, without dlq_* headers, marked as replayed', () => {
    const dlq = buildDeadLetterRecord(original, failure);
    const replay = buildReplayRecord({
      topic: dlq.topic,
      partition: 4,
      offset: '17',
      key: dlq.key,
      value: dlq.value,
      headers: dlq.headers,
    });
    expect(replay).toEqual({
      topic: 'sp.referrals.lifecycle.v1',
      key: 'ref-1',
      value: original.value,
      headers: { ...original.headers, sp_replayed_from: 'sp.referrals.lifecycle.v1.dlq/4/17' },
    });
  });

  it('strips only what this library added', () => {
    expect(
      withoutDeadLetterHeaders({ a: '1', dlq_x: '2', sp_replayed_from: 't/0/1', traceparent: 'tp' }),
    ).toEqual({ a: '1', traceparent: 'tp' });
  });
});
