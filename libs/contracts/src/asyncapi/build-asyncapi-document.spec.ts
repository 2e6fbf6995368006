import { contractRegistry, deadLetterTopicName, messageIdFor } from '../index';
import { buildAsyncApiDocument } from './build-asyncapi-document';
import { validateAsyncApiDocument } from './asyncapi-validator';

type Json = Record<string, unknown>;
const doc = buildAsyncApiDocument(contractRegistry);
const at = (obj: unknown, ...path: string[]): unknown =>
  path.reduce<unknown>((o, k) => (o as Json | undefined)?.[k], obj);

describe('buildAsyncApiDocument', () => {
  it('is valid against the official AsyncAPI 3.0.0 JSON Schema', () => {
    expect(validateAsyncApiDocument(doc)).toEqual({ valid: true, errors: [] });
  });

  it('fails validation when the document is broken (the validator is live)', () => {
    const broken = JSON.parse(JSON.stringify(doc)) as Json;
    const operations = broken.operations as Record<string, Json>;
    const first = Object.values(operations)[0]!;
    first.action = 'publish'; // AsyncAPI 2 verb: not allowed in 3.0.0
    delete (broken.info as Json).version;
    const result = validateAsyncApiDocument(broken);
    expect(result.valid).toBe(false);
    expect(result.errors.join('\n')).toMatch(/\/info .*required.*version/);
  });

  it('describes every contract on its topic, with payload, headers, key and correlation id', () => {
    for (const contract of contractRegistry.all()) {
      const id = messageIdFor(contract);
      const channel = at(doc, 'channels', contract.topic.name) as Json;
      expect(channel.address).toBe(contract.topic.name);
      expect(at(channel, 'messages', id)).toEqual({ $ref: `#/components/messages/${id}` });

      const message = at(doc, 'components', 'messages', id) as Json;
      expect(message).toMatchObject({ name: contract.type, contentType: 'application/json' });
      expect(message.payload).toEqual(JSON.parse(JSON.stringify(contract.schema)));
      expect(at(message, 'payload', 'additionalProperties')).toBe(false);
      expect(at(message, 'headers', 'properties', 'ce_type', 'const')).toBe(contract.type);
      expect(at(message, 'correlationId', 'location')).toBe('$message.header#/ce_correlationid');
      expect(at(message, 'bindings', 'kafka', 'key', 'type')).toBe('string');

      const send = at(doc, 'operations', `${contract.producer}.send.${id}`) as Json;
      expect(send).toMatchObject({ action: 'send', channel: { $ref: `#/channels/${contract.topic.name}` } });
    }
  });

  it('has a dead-letter channel for every topic', () => {
    for (const topic of contractRegistry.topics()) {
      const dlq = at(doc, 'channels', deadLetterTopicName(topic.name)) as Json;
      expect(dlq.address).toBe(`${topic.name}.dlq`);
      expect(Object.keys(dlq.messages as Json)).toHaveLength(1);
    }
  });

  it('is plain JSON and deterministic', () => {
    expect(JSON.parse(JSON.stringify(doc))).toEqual(doc);
    expect(buildAsyncApiDocument(contractRegistry)).toEqual(doc);
  });

  it('never documents a field that could carry a patient identifier or free text', () => {
    const text = JSON.stringify(at(doc, 'components', 'messages'));
    for (const forbidden of ['nhsNumber', 'givenName', 'familyName', 'birthDate', 'address', 'notes']) {
      expect(text).not.toContain(`"${forbidden}"`);
    }
  });
});
