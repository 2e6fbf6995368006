import type { Static, TSchema } from '@sinclair/typebox';
import type { TopicDefinition } from './topics';

export type ServiceName = 'referrals' | 'organisations' | 'notifications' | 'analytics';

/**
 * One versioned event type: its CloudEvents type, topic, payload schema and keying. A breaking
 * change is a new contract (new version, new type string), never an edit of a published one.
 */
export interface EventContract<S extends TSchema = TSchema> {
  /** Dotted name without version, e.g. 'referral.submitted'. */
  name: string;
  version: number;
  /** CloudEvents type: 'org.socialprescribing.referral.submitted.v1'. */
  type: string;
  topic: TopicDefinition;
  /** TypeBox schema of `data`; additionalProperties false at every level. */
  schema: S;
  /** The Kafka key: the aggregate id that orders this event with its siblings. */
  partitionKey(data: Static<S>): string;
  /** CloudEvents subject, e.g. 'referrals/<id>'. */
  subject(data: Static<S>): string;
  producer: ServiceName;
  summary: string;
  /** Services known to consume it (documentation only). */
  consumers?: ServiceName[];
  /** A valid payload, used in documentation and tests. */
  example?: Static<S>;
}

export const CLOUD_EVENT_TYPE_PREFIX = 'org.socialprescribing.';

/** The CloudEvents type for a name and version: `org.socialprescribing.<name>.v<version>`. */
export function eventTypeFor(name: string, version: number): string {
  return `${CLOUD_EVENT_TYPE_PREFIX}${name}.v${version}`;
}

/**
 * Declares a contract, checking the invariants that would otherwise surface only in production:
 * the type string must follow the naming rule, and every object must refuse unknown fields (so no
 * field, and in particular no patient identifier or free text, can slip into an event unnoticed).
 */
export function defineEvent<S extends TSchema>(c: EventContract<S>): EventContract<S> {
  if (!/^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+$/.test(c.name)) {
    throw new Error(`Event name "${c.name}" must be dotted lower-case words, e.g. 'referral.submitted'`);
  }
  if (!Number.isInteger(c.version) || c.version < 1) {
    throw new Error(`Event ${c.name}: version must be a positive integer`);
  }
  const expectedType = eventTypeFor(c.name, c.version);
  if (c.type !== expectedType) {
    throw new Error(`Event ${c.name} v${c.version}: type must be "${expectedType}", got "${c.type}"`);
  }
  assertClosedObjects(c.schema, c.type, 'data');
  return Object.freeze({ ...c });
}

function assertClosedObjects(schema: unknown, type: string, path: string): void {
  if (typeof schema !== 'object' || schema === null) return;
  const s = schema as Record<string, unknown>;
  if (s.type === 'object' && s.additionalProperties !== false) {
    throw new Error(`Event ${type}: ${path} must set additionalProperties: false`);
  }
  if (typeof s.properties === 'object' && s.properties !== null) {
    for (const [key, child] of Object.entries(s.properties))
      assertClosedObjects(child, type, `${path}.${key}`);
  }
  if (s.items) assertClosedObjects(s.items, type, `${path}[]`);
  for (const keyword of ['anyOf', 'oneOf', 'allOf']) {
    const variants = s[keyword];
    if (Array.isArray(variants)) variants.forEach((v) => assertClosedObjects(v, type, path));
  }
}
