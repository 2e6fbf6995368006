import type { TSchema } from '@sinclair/typebox';
import type { ContractRegistry } from '../contract-registry';
import type { EventContract } from '../event-contract';
import { CloudEventHeaders, JSON_CONTENT_TYPE, REQUIRED_CE_HEADERS } from '../envelope/cloudevents-kafka';
import { deadLetterTopicName, type TopicDefinition } from '../topics';
import { partnerStreamAsyncApi } from './partner-stream-asyncapi';

const KAFKA_BINDING_VERSION = '0.5.0';
const DOCUMENT_VERSION = '1.0.0';

export type AsyncApiDocument = Record<string, unknown>;

/** The component id of a contract's message: `referral.submitted.v1`. */
export function messageIdFor(contract: EventContract): string {
  return `${contract.name}.v${contract.version}`;
}

/** The component id of a topic's dead-letter message. */
export function deadLetterMessageIdFor(topic: TopicDefinition): string {
  return `${topic.name}.dead-letter`;
}

/**
 * AsyncAPI 3.0.0 description of every topic and event in `registry`. Deterministic (no dates,
 * registry order) so the committed docs/asyncapi.yaml can be checked for staleness in CI.
 */
export function buildAsyncApiDocument(registry: ContractRegistry): AsyncApiDocument {
  const channels: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  const messages: Record<string, unknown> = {};

  for (const topic of registry.topics()) {
    const contracts = registry.forTopic(topic.name);
    channels[topic.name] = {
      address: topic.name,
      title: topic.name,
      description: `${topic.description}\n\nKey: ${topic.key}. Partitions: ${topic.partitions}. Dead letters go to \`${deadLetterTopicName(topic.name)}\`.`,
      messages: Object.fromEntries(
        contracts.map((c) => [messageIdFor(c), { $ref: `#/components/messages/${messageIdFor(c)}` }]),
      ),
      bindings: {
        kafka: { topic: topic.name, partitions: topic.partitions, bindingVersion: KAFKA_BINDING_VERSION },
      },
    };
    const dlq = deadLetterTopicName(topic.name);
    const dlqMessageId = deadLetterMessageIdFor(topic);
    channels[dlq] = {
      address: dlq,
      title: dlq,
      description: `Dead-letter twin of \`${topic.name}\`: records a consumer could not process (contract violations at once, other failures after retries), kept for inspection and replay.`,
      messages: { [dlqMessageId]: { $ref: `#/components/messages/${dlqMessageId}` } },
      bindings: {
        kafka: { topic: dlq, partitions: topic.partitions, bindingVersion: KAFKA_BINDING_VERSION },
      },
    };
    messages[dlqMessageId] = deadLetterMessage(topic, contracts);

    for (const contract of contracts) {
      const id = messageIdFor(contract);
      messages[id] = eventMessage(contract);
      operations[`${contract.producer}.send.${id}`] = {
        action: 'send',
        channel: { $ref: `#/channels/${topic.name}` },
        title: `${contract.producer} publishes ${contract.type}`,
        summary: contract.summary,
        messages: [{ $ref: `#/channels/${topic.name}/messages/${id}` }],
        tags: [{ name: contract.producer }],
      };
      for (const consumer of contract.consumers ?? []) {
        operations[`${consumer}.receive.${id}`] = {
          action: 'receive',
          channel: { $ref: `#/channels/${topic.name}` },
          title: `${consumer} consumes ${contract.type}`,
          messages: [{ $ref: `#/channels/${topic.name}/messages/${id}` }],
          tags: [{ name: consumer }],
        };
      }
    }
  }

  // Partner event streams (per-organisation topics read by partners' own systems).
  const partner = partnerStreamAsyncApi();
  Object.assign(channels, partner.channels);
  Object.assign(operations, partner.operations);
  Object.assign(messages, partner.messages);

  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Social prescribing platform events',
      version: DOCUMENT_VERSION,
      description: [
        'Facts the platform services publish to each other over Kafka.',
        '',
        'Every record is a CloudEvents 1.0 event in Kafka binary content mode: attributes travel as `ce_*` headers,',
        'the value is the JSON of the event data only, and the key is the `partitionkey` extension (the aggregate id).',
        'Consumers validate every record against its contract; a record that breaks its contract goes to the',
        "topic's `.dlq` twin at once. A breaking change is a new event version (new `ce_type`), never an edit.",
        'Events carry no patient identifiers or free text: `patientKey` is an HMAC pseudonym.',
      ].join('\n'),
      license: { name: 'Apache-2.0', url: 'https://www.apache.org/licenses/LICENSE-2.0' },
    },
    defaultContentType: JSON_CONTENT_TYPE,
    servers: {
      local: {
        host: '127.0.0.1:9092',
        protocol: 'kafka',
        description: 'Single-node broker started by infra/local/platform.sh (auto topic creation off).',
      },
      production: {
        host: '{bootstrap}',
        protocol: 'kafka',
        description: 'Production cluster (placeholder: set per deployment).',
        variables: {
          bootstrap: { default: 'kafka.example.invalid:9092', description: 'Bootstrap broker host:port' },
        },
      },
      ...partner.servers,
    },
    channels,
    operations,
    components: { messages, securitySchemes: partner.securitySchemes },
  };
}

function eventMessage(contract: EventContract): Record<string, unknown> {
  return {
    name: contract.type,
    title: `${contract.name} v${contract.version}`,
    summary: contract.summary,
    description: `Produced by the ${contract.producer} service on \`${contract.topic.name}\`.`,
    contentType: JSON_CONTENT_TYPE,
    correlationId: {
      description: 'Correlation id shared by every event and request of one business flow.',
      location: `$message.header#/${CloudEventHeaders.correlationid}`,
    },
    headers: cloudEventHeadersSchema(contract),
    payload: toJsonSchema(contract.schema),
    bindings: {
      kafka: {
        key: { type: 'string', description: `Partition key: ${contract.topic.key}.` },
        bindingVersion: KAFKA_BINDING_VERSION,
      },
    },
    ...(contract.example
      ? { examples: [{ name: 'example', headers: exampleHeaders(contract), payload: contract.example }] }
      : {}),
    'x-cloudevents-type': contract.type,
    'x-producer': contract.producer,
  };
}

function cloudEventHeadersSchema(contract: EventContract): Record<string, unknown> {
  const str = (description: string, extra: Record<string, unknown> = {}) => ({
    type: 'string',
    description,
    ...extra,
  });
  return {
    type: 'object',
    required: [...REQUIRED_CE_HEADERS, CloudEventHeaders.contentType],
    properties: {
      [CloudEventHeaders.id]: str('Event id, unique per source; consumers de-duplicate on it.'),
      [CloudEventHeaders.type]: str('CloudEvents type.', { const: contract.type }),
      [CloudEventHeaders.source]: str('Producer, as a URI reference (e.g. /services/referrals).'),
      [CloudEventHeaders.specversion]: str('CloudEvents version.', { const: '1.0' }),
      [CloudEventHeaders.time]: str('When the event was created (RFC 3339).', { format: 'date-time' }),
      [CloudEventHeaders.subject]: str('The aggregate the event is about, e.g. referrals/<id>.'),
      [CloudEventHeaders.correlationid]: str('Correlation id of the business flow.'),
      [CloudEventHeaders.causationid]: str('Id of the event or request that caused this event.'),
      [CloudEventHeaders.traceparent]: str('W3C trace context of the producing span.'),
      [CloudEventHeaders.partitionkey]: str('Partition key; equals the record key.'),
      [CloudEventHeaders.contentType]: str('Data content type.', { const: JSON_CONTENT_TYPE }),
      [CloudEventHeaders.plainTraceparent]: str('Copy of ce_traceparent for tracing tools.'),
    },
  };
}

function exampleHeaders(contract: EventContract): Record<string, string> {
  const example = contract.example;
  return {
    [CloudEventHeaders.id]: '0b8e6a52-3c1f-4a57-9a55-2f0f3d1f6c11',
    [CloudEventHeaders.type]: contract.type,
    [CloudEventHeaders.source]: `/services/${contract.producer}`,
    [CloudEventHeaders.specversion]: '1.0',
    [CloudEventHeaders.time]: '2025-01-15T09:30:00.123Z',
    [CloudEventHeaders.subject]: contract.subject(example),
    [CloudEventHeaders.correlationid]: '5d2c8d0e-6f5b-4a8e-8a6f-7c1b2d3e4f50',
    [CloudEventHeaders.partitionkey]: contract.partitionKey(example),
    [CloudEventHeaders.contentType]: JSON_CONTENT_TYPE,
  };
}

function deadLetterMessage(topic: TopicDefinition, contracts: EventContract[]): Record<string, unknown> {
  return {
    name: deadLetterMessageIdFor(topic),
    title: `Dead letter from ${topic.name}`,
    summary: `A record from ${topic.name} that a consumer could not process.`,
    description: [
      'Key, value and original headers are copied unchanged from the failed record (so it can be replayed byte for byte);',
      `normally the value is one of: ${contracts.map((c) => `\`${c.type}\``).join(', ')},`,
      'but after a contract violation it may be anything. The dlq_* headers say why and where it failed.',
    ].join(' '),
    contentType: JSON_CONTENT_TYPE,
    headers: {
      type: 'object',
      required: [
        'dlq_error_code',
        'dlq_error_message',
        'dlq_reason',
        'dlq_original_topic',
        'dlq_original_partition',
        'dlq_original_offset',
        'dlq_consumer_group',
        'dlq_failed_at',
        'dlq_attempts',
      ],
      properties: {
        dlq_error_code: { type: 'string', description: 'Stable error code, e.g. CONTRACT.INVALID_EVENT.' },
        dlq_error_message: { type: 'string', description: 'Human-readable reason (truncated).' },
        dlq_reason: {
          type: 'string',
          enum: ['contract-violation', 'non-retriable', 'attempts-exhausted'],
          description: 'Why the consumer gave up.',
        },
        dlq_original_topic: { type: 'string', const: topic.name },
        dlq_original_partition: { type: 'string', description: 'Partition number (decimal string).' },
        dlq_original_offset: { type: 'string', description: 'Offset (decimal string).' },
        dlq_consumer_group: { type: 'string', description: 'Consumer group that gave up.' },
        dlq_failed_at: { type: 'string', format: 'date-time' },
        dlq_attempts: { type: 'string', description: 'Delivery attempts made (decimal string).' },
      },
    },
    payload: { description: 'The original record value, unchanged.' },
  };
}

/** TypeBox schemas carry symbol keys; a JSON round trip leaves the plain JSON Schema. */
function toJsonSchema(schema: TSchema): Record<string, unknown> {
  return JSON.parse(JSON.stringify(schema)) as Record<string, unknown>;
}
