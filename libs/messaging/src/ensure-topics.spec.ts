import { Topics, type TopicDefinition } from '@sp/contracts';
import { ConfigSource } from 'kafkajs';
import { topicConfigUpdate, topicsWithDeadLetters } from './ensure-topics';

const entry = (configName: string, configValue: string | null, configSource: ConfigSource) => ({
  configName,
  configValue,
  configSource,
});

describe('topicsWithDeadLetters', () => {
  it('gives a topic its declared config and leaves its dead-letter twin on the defaults', () => {
    expect(topicsWithDeadLetters([Topics.referralLifecycle, Topics.teams])).toEqual([
      {
        topic: 'sp.referrals.lifecycle.v1',
        numPartitions: 6,
        configEntries: [{ name: 'retention.ms', value: '-1' }],
      },
      { topic: 'sp.referrals.lifecycle.v1.dlq', numPartitions: 6 },
      { topic: 'sp.referrals.teams.v1', numPartitions: 3 },
      { topic: 'sp.referrals.teams.v1.dlq', numPartitions: 3 },
    ]);
  });

  it('keeps the lifecycle and directory topics forever (analytics replays them)', () => {
    expect(Topics.referralLifecycle.config).toEqual({ 'retention.ms': '-1' });
    expect(Topics.directory.config).toEqual({ 'retention.ms': '-1' });
  });

  it('lists a topic named twice once', () => {
    const t: TopicDefinition = { name: 'x', partitions: 2, description: '', key: '' };
    expect(topicsWithDeadLetters([t, t])).toHaveLength(2);
  });
});

describe('topicConfigUpdate', () => {
  const wanted = [{ name: 'retention.ms', value: '-1' }];

  it('adds the wanted value to a topic on the broker default', () => {
    expect(
      topicConfigUpdate(
        [
          entry('retention.ms', '604800000', ConfigSource.DEFAULT_CONFIG),
          entry('cleanup.policy', 'delete', ConfigSource.DEFAULT_CONFIG),
        ],
        wanted,
      ),
    ).toEqual([{ name: 'retention.ms', value: '-1' }]);
  });

  it("keeps the topic's other own settings (alterConfigs replaces the whole topic config)", () => {
    expect(
      topicConfigUpdate(
        [
          entry('retention.ms', '604800000', ConfigSource.TOPIC_CONFIG),
          entry('max.message.bytes', '2097152', ConfigSource.TOPIC_CONFIG),
          entry('segment.bytes', '1073741824', ConfigSource.STATIC_BROKER_CONFIG),
        ],
        wanted,
      ),
    ).toEqual([
      { name: 'retention.ms', value: '-1' },
      { name: 'max.message.bytes', value: '2097152' },
    ]);
  });

  it('changes nothing when the topic already has every wanted value', () => {
    expect(topicConfigUpdate([entry('retention.ms', '-1', ConfigSource.TOPIC_CONFIG)], wanted)).toBeNull();
  });

  it('does not count a broker-wide value as the topic having it', () => {
    expect(
      topicConfigUpdate([entry('retention.ms', '-1', ConfigSource.STATIC_BROKER_CONFIG)], wanted),
    ).toEqual(wanted);
  });
});
