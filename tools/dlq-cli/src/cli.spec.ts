import type { DeadLetterEntry } from '@sp/messaging';
import { parseCli, table } from './cli';

describe('dlq CLI arguments', () => {
  it('shows help without a command or with --help', () => {
    expect(parseCli([])).toBe('help');
    expect(parseCli(['list', '--help'])).toBe('help');
  });

  it('parses list with its options, brokers from the flag or the environment', () => {
    expect(
      parseCli(['list', '--topic', 'sp.referrals.lifecycle.v1', '--limit', '5', '--json'], {
        KAFKA_BROKERS: 'k1:9092',
      }),
    ).toEqual({
      command: 'list',
      brokers: ['k1:9092'],
      json: true,
      limit: 5,
      topic: 'sp.referrals.lifecycle.v1',
    });
    expect(parseCli(['list', '--brokers', 'a:1, b:2'])).toMatchObject({
      brokers: ['a:1', 'b:2'],
      json: false,
      limit: 100,
    });
    expect(parseCli(['list'])).toMatchObject({ brokers: ['127.0.0.1:9092'] });
  });

  it('parses inspect and replay coordinates', () => {
    expect(parseCli(['replay', 't.dlq', '3', '42'])).toMatchObject({
      command: 'replay',
      at: { topic: 't.dlq', partition: 3, offset: '42' },
    });
  });

  it('rejects bad usage', () => {
    expect(() => parseCli(['inspect', 't.dlq', '1'])).toThrow(/needs <dlqTopic> <partition> <offset>/);
    expect(() => parseCli(['inspect', 't.dlq', '1.5', '2'])).toThrow(/partition/);
    expect(() => parseCli(['inspect', 't.dlq', '1', 'x'])).toThrow(/offset/);
    expect(() => parseCli(['list', '--limit', '0'])).toThrow(/--limit/);
    expect(() => parseCli(['frobnicate'])).toThrow(/unknown command/);
    expect(() => parseCli(['list', '--nope'])).toThrow();
  });
});

describe('dlq CLI table', () => {
  it('aligns one row per dead letter under a header', () => {
    const entry: DeadLetterEntry = {
      dlqTopic: 't.dlq',
      partition: 0,
      offset: '7',
      key: 'k',
      originalTopic: 't',
      originalPartition: 0,
      originalOffset: '3',
      consumerGroup: 'g',
      errorCode: 'X.Y',
      errorMessage: 'boom',
      reason: 'non-retriable',
      failedAt: '2025-01-01T00:00:00.000Z',
      attempts: 1,
      eventType: 'org.socialprescribing.a.b.v1',
      eventId: 'e1',
    };
    const lines = table([entry]).split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^DLQ TOPIC\s+PART\s+OFFSET/);
    expect(lines[1]).toContain('non-retriable');
    expect(lines[1]?.indexOf('7')).toBe(lines[0]?.indexOf('OFFSET'));
  });
});
