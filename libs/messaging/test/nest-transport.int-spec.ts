// The transport inside a real Nest application: @EventPattern handlers receive the payload and
// the EventContext, and with EventExceptionPassthroughFilter a DomainError thrown by a handler keeps
// its code and `retriable` flag all the way to the dead-letter headers.
import 'reflect-metadata';
import { Controller, Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { DomainError } from '@sp/errors';
import { uniqueName, waitFor } from '@sp/testing';
import { EventExceptionPassthroughFilter } from '../src/event-exception-passthrough';
import { EventPublisher } from '../src/event-publisher';
import { KafkaEventTransport, type EventContext } from '../src/kafka-event-transport';
import { createHarness, quietLogger, type Harness } from './support/harness';
import { TEST_ITEM_TYPE, type TestItem } from './support/test-contracts';
import { readTopic } from './support/topic-reader';

jest.setTimeout(120_000);

const handled: Array<{ data: TestItem; ctx: EventContext }> = [];

@Controller()
class ItemsConsumer {
  @EventPattern(TEST_ITEM_TYPE)
  onItem(@Payload() data: TestItem, @Ctx() ctx: EventContext): void {
    if (data.amount === 13)
      throw new DomainError('TEST.UNLUCKY', 'thirteen is refused', { retriable: false });
    handled.push({ data, ctx });
  }
}

@Module({ controllers: [ItemsConsumer] })
class TestAppModule {}

describe('KafkaEventTransport in a Nest application', () => {
  let h: Harness;
  let app: INestApplication;
  let transport: KafkaEventTransport;
  let publisher: EventPublisher;
  const groupId = uniqueName('msg-nest-group');

  beforeAll(async () => {
    h = await createHarness('msg-nest');
    transport = new KafkaEventTransport({
      connection: { brokers: h.brokers, clientId: 'test-nest' },
      groupId,
      registry: h.registry,
      logger: quietLogger(),
    });
    app = await NestFactory.create(TestAppModule, { logger: false });
    // Filters must be in place before Nest registers the handlers: defer the initialisation.
    const microservice = app.connectMicroservice({ strategy: transport }, { deferInitialization: true });
    microservice.useGlobalFilters(new EventExceptionPassthroughFilter());
    await app.init();
    await app.startAllMicroservices();
    await waitFor(() => transport.isReady(), { timeoutMs: 30_000, description: 'consumer ready' });
    publisher = new EventPublisher(
      { brokers: h.brokers, clientId: 'test-publisher' },
      { logger: quietLogger() },
    );
  });

  afterAll(async () => {
    await app?.close();
    await publisher?.disconnect();
    await h?.cleanup();
  });

  it('delivers payload and context to @EventPattern handlers and dead-letters domain errors with their code', async () => {
    const good = h.envelope({ itemId: 'item-n', seq: 1, amount: 5 }, { correlationId: 'corr-nest' });
    const unlucky = h.envelope({ itemId: 'item-n', seq: 2, amount: 13 });
    await publisher.publishEnvelopes([good, unlucky], h.registry);

    await waitFor(() => handled.length === 1, { timeoutMs: 30_000, description: 'good event handled' });
    expect(handled[0]?.data).toEqual(good.data);
    expect(handled[0]?.ctx).toMatchObject({
      topic: h.topic,
      groupId,
      deliveryAttempt: 1,
      envelope: { id: good.id, correlationid: 'corr-nest' },
    });

    const dlq = await waitFor(
      async () => {
        const records = await readTopic(h.brokers, `${h.topic}.dlq`);
        return records.length === 1 ? records : undefined;
      },
      { timeoutMs: 30_000, description: 'dead letter' },
    );
    expect(dlq[0]?.headers).toMatchObject({
      ce_id: unlucky.id,
      dlq_error_code: 'TEST.UNLUCKY',
      dlq_reason: 'non-retriable',
      dlq_attempts: '1',
    });
  });
});
