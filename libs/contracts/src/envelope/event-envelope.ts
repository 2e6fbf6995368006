import { randomUUID } from 'node:crypto';
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { ErrorCodes } from '@sp/errors';
import { ContractViolationError } from '../contract.errors';
import { assertValidData, type ContractRegistry } from '../contract-registry';
import type { EventContract } from '../event-contract';
import { schemaProblems } from '../schema-validation';

/** A CloudEvents 1.0 event with the platform's extensions (correlation, causation, trace, key). */
export interface EventEnvelope<T = unknown> {
  id: string;
  type: string;
  source: string;
  specversion: '1.0';
  time: string;
  subject: string;
  datacontenttype: 'application/json';
  correlationid: string;
  causationid?: string;
  traceparent?: string;
  partitionkey: string;
  data: T;
}

export interface EnvelopeMeta {
  /** URI-reference of the producer, e.g. '/services/referrals'. */
  source: string;
  correlationId: string;
  /** Id of the event (or request) that caused this one. */
  causationId?: string;
  /** W3C traceparent of the producing span. */
  traceparent?: string;
  /** Defaults to a random UUID; pass one to make re-publication idempotent. */
  id?: string;
  /** Defaults to now. */
  time?: string;
}

// Printable ASCII without spaces (the pattern also rules out the empty string).
const Token = Type.String({ maxLength: 256, pattern: '^[\\x21-\\x7E]+$' });

/** The envelope attributes (everything but data), as they must look on the wire. */
export const EnvelopeAttributesSchema = Type.Object(
  {
    id: Token,
    type: Type.String({ minLength: 1, maxLength: 256 }),
    source: Type.String({ format: 'uri-reference', minLength: 1, maxLength: 256 }),
    specversion: Type.Literal('1.0'),
    time: Type.String({ format: 'date-time' }),
    subject: Type.String({ minLength: 1, maxLength: 256 }),
    datacontenttype: Type.Literal('application/json'),
    correlationid: Token,
    causationid: Type.Optional(Token),
    traceparent: Type.Optional(
      Type.String({ pattern: '^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$' }),
    ),
    partitionkey: Type.String({ minLength: 1, maxLength: 256 }),
    data: Type.Unknown(),
  },
  { additionalProperties: false },
);

/**
 * Builds the envelope for one event: validates `data` against the contract (throws
 * ContractViolationError CONTRACT.INVALID_EVENT listing every problem), derives key and subject.
 */
export function createEnvelope<S extends TSchema>(
  contract: EventContract<S>,
  data: Static<S>,
  meta: EnvelopeMeta,
): EventEnvelope<Static<S>> {
  assertValidData(contract, data);
  const env: EventEnvelope<Static<S>> = {
    id: meta.id ?? randomUUID(),
    type: contract.type,
    source: meta.source,
    specversion: '1.0',
    time: meta.time ?? new Date().toISOString(),
    subject: contract.subject(data),
    datacontenttype: 'application/json',
    correlationid: meta.correlationId,
    ...(meta.causationId ? { causationid: meta.causationId } : {}),
    ...(meta.traceparent ? { traceparent: meta.traceparent } : {}),
    partitionkey: contract.partitionKey(data),
    data,
  };
  assertValidAttributes(env);
  return env;
}

/**
 * Checks a whole envelope (e.g. one read back from an outbox or built by hand): attributes,
 * known type, data against the contract, and the key the contract derives. Returns it typed.
 */
export function validateEnvelope(env: unknown, registry: ContractRegistry): EventEnvelope {
  assertValidAttributes(env);
  const contract = registry.require(env.type);
  assertValidData(contract, env.data);
  const expectedKey = contract.partitionKey(env.data);
  if (env.partitionkey !== expectedKey) {
    throw new ContractViolationError(ErrorCodes.CONTRACT_INVALID_EVENT, `Invalid ${env.type} event`, [
      {
        field: 'partitionkey',
        code: 'mismatch',
        message: `must be "${expectedKey}" for this event, got "${env.partitionkey}"`,
      },
    ]);
  }
  return env;
}

function assertValidAttributes(env: unknown): asserts env is EventEnvelope {
  const problems = schemaProblems(EnvelopeAttributesSchema, env, 'envelope');
  if (problems.length > 0) {
    throw new ContractViolationError(ErrorCodes.CONTRACT_INVALID_EVENT, 'Invalid event envelope', problems);
  }
}
