// Test-only contracts on a caller-chosen (unique) topic, so integration tests never touch the
// platform topics or each other's. One registry per test topic.
import { Type, type Static } from '@sinclair/typebox';
import {
  ContractRegistry,
  createEnvelope,
  defineEvent,
  eventTypeFor,
  type EventContract,
  type EventEnvelope,
} from '@sp/contracts';

export const TestItemSchema = Type.Object(
  {
    itemId: Type.String({ minLength: 1, maxLength: 64 }),
    seq: Type.Integer({ minimum: 0 }),
    amount: Type.Integer({ minimum: 0 }),
  },
  { additionalProperties: false },
);
export type TestItem = Static<typeof TestItemSchema>;

export const TEST_ITEM_TYPE = eventTypeFor('messaging-test.item-recorded', 1);

export interface TestContracts {
  contract: EventContract<typeof TestItemSchema>;
  registry: ContractRegistry;
  envelope(data: TestItem, meta?: { id?: string; correlationId?: string }): EventEnvelope<TestItem>;
}

export function testContracts(topic: string, partitions = 3): TestContracts {
  const contract = defineEvent({
    name: 'messaging-test.item-recorded',
    version: 1,
    type: TEST_ITEM_TYPE,
    topic: { name: topic, partitions, description: 'messaging test topic', key: 'itemId' },
    schema: TestItemSchema,
    partitionKey: (d) => d.itemId,
    subject: (d) => `items/${d.itemId}`,
    producer: 'analytics',
    summary: 'test event',
  });
  const registry = new ContractRegistry([contract]);
  return {
    contract,
    registry,
    envelope: (data, meta = {}) =>
      createEnvelope(contract, data, {
        source: '/tests/messaging',
        correlationId: meta.correlationId ?? `corr-${data.itemId}-${data.seq}`,
        ...(meta.id === undefined ? {} : { id: meta.id }),
      }),
  };
}
