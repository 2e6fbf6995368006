import { mongoUrlWithDatabase, testDatabaseName, testInfra, uniqueName } from './index';

describe('uniqueName', () => {
  it('is prefixed, unique, and safe for topics, groups and databases', () => {
    const names = new Set(Array.from({ length: 200 }, () => uniqueName('orders.v1/x')));
    expect(names.size).toBe(200);
    for (const name of names) expect(name).toMatch(/^orders-v1-x-[a-z0-9]+-[a-z0-9]+$/);
  });
});

describe('testDatabaseName', () => {
  it('always contains "test" and fits MongoDB limits', () => {
    expect(testDatabaseName('referrals')).toMatch(/^referrals_test_[a-z0-9]+_[a-z0-9]+$/);
    expect(testDatabaseName('Test-Orgs')).toMatch(/^test_orgs_[a-z0-9]+_[a-z0-9]+$/);
    const long = testDatabaseName('x'.repeat(100));
    expect(long).toContain('test');
    expect(long.length).toBeLessThanOrEqual(63);
    expect(testDatabaseName('a')).not.toBe(testDatabaseName('a'));
  });
});

describe('testInfra', () => {
  it('builds a database URL, replacing the database and keeping the query parameters as given', () => {
    expect(mongoUrlWithDatabase('mongodb://127.0.0.1:27017/', 'db_test')).toBe(
      'mongodb://127.0.0.1:27017/db_test',
    );
    expect(mongoUrlWithDatabase('mongodb://127.0.0.1:27017/?replicaSet=rs0', 'db_test')).toBe(
      'mongodb://127.0.0.1:27017/db_test?replicaSet=rs0',
    );
    expect(mongoUrlWithDatabase('mongodb://u:p@a:1,b:2/old?authSource=admin', 'db_test')).toBe(
      'mongodb://u:p@a:1,b:2/db_test?authSource=admin',
    );
    expect(mongoUrlWithDatabase('mongodb://h:27017', 'db_test')).toBe('mongodb://h:27017/db_test');
  });

  it('reads TEST_* variables first, then the service variables, then local defaults', () => {
    const saved = { ...process.env };
    try {
      for (const k of [
        'TEST_KAFKA_BROKERS',
        'KAFKA_BROKERS',
        'TEST_MONGO_URL',
        'MONGO_URL',
        'TEST_REDIS_URL',
        'REDIS_URL',
      ])
        delete process.env[k];
      expect(testInfra.kafkaBrokers).toEqual(['127.0.0.1:9092']);
      expect(testInfra.mongoUrlFor('a_test')).toBe('mongodb://127.0.0.1:27017/a_test');
      expect(testInfra.redisUrl).toBe('redis://127.0.0.1:6379');
      process.env.KAFKA_BROKERS = 'k:1';
      process.env.TEST_KAFKA_BROKERS = 'a:1, b:2';
      process.env.MONGO_URL = 'mongodb://m:27017/?w=majority';
      expect(testInfra.kafkaBrokers).toEqual(['a:1', 'b:2']);
      expect(testInfra.mongoUrlFor('b_test')).toBe('mongodb://m:27017/b_test?w=majority');
    } finally {
      process.env = saved;
    }
  });
});
