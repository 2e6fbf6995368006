import { ErrorCodes, type FieldProblem } from '@sp/errors';
import { ContractViolationError } from '../contract.errors';
import type { ContractRegistry } from '../contract-registry';
import { validateEnvelope, type EventEnvelope } from './event-envelope';

/** A record ready to produce (kafkajs `Message` minus the topic). */
export interface KafkaRecord {
  key: string;
  value: Buffer;
  headers: Record<string, string>;
}

/** What a consumer receives (kafkajs delivers header values as Buffers, possibly repeated). */
export interface IncomingKafkaRecord {
  key: Buffer | string | null;
  value: Buffer | string | null;
  headers?: Record<string, Buffer | string | Array<Buffer | string> | undefined>;
}

/**
 * CloudEvents Kafka protocol binding, binary content mode: each attribute is a `ce_<name>`
 * header, `datacontenttype` is the `content-type` header, the value is the JSON of `data` alone,
 * and the key is the `partitionkey` extension. `traceparent` is also sent as a plain header so
 * tracing tools that know nothing of CloudEvents pick it up.
 */
export const CloudEventHeaders = {
  id: 'ce_id',
  type: 'ce_type',
  source: 'ce_source',
  specversion: 'ce_specversion',
  time: 'ce_time',
  subject: 'ce_subject',
  correlationid: 'ce_correlationid',
  causationid: 'ce_causationid',
  traceparent: 'ce_traceparent',
  partitionkey: 'ce_partitionkey',
  contentType: 'content-type',
  plainTraceparent: 'traceparent',
} as const;

const REQUIRED_CE_HEADERS = [
  CloudEventHeaders.id,
  CloudEventHeaders.type,
  CloudEventHeaders.source,
  CloudEventHeaders.specversion,
  CloudEventHeaders.time,
  CloudEventHeaders.subject,
  CloudEventHeaders.correlationid,
  CloudEventHeaders.partitionkey,
] as const;

export const JSON_CONTENT_TYPE = 'application/json';

export function toKafkaRecord(env: EventEnvelope): KafkaRecord {
  const headers: Record<string, string> = {
    [CloudEventHeaders.id]: env.id,
    [CloudEventHeaders.type]: env.type,
    [CloudEventHeaders.source]: env.source,
    [CloudEventHeaders.specversion]: env.specversion,
    [CloudEventHeaders.time]: env.time,
    [CloudEventHeaders.subject]: env.subject,
    [CloudEventHeaders.correlationid]: env.correlationid,
    [CloudEventHeaders.partitionkey]: env.partitionkey,
    [CloudEventHeaders.contentType]: JSON_CONTENT_TYPE,
  };
  if (env.causationid) headers[CloudEventHeaders.causationid] = env.causationid;
  if (env.traceparent) {
    headers[CloudEventHeaders.traceparent] = env.traceparent;
    headers[CloudEventHeaders.plainTraceparent] = env.traceparent;
  }
  return { key: env.partitionkey, value: Buffer.from(JSON.stringify(env.data), 'utf8'), headers };
}

/**
 * Reads a consumed record back into a validated envelope. Every header problem is reported at
 * once; an unknown type is CONTRACT.UNKNOWN_TYPE; anything else wrong (headers, JSON, data,
 * key) is CONTRACT.INVALID_EVENT. Both are non-retriable.
 */
export function fromKafkaRecord(rec: IncomingKafkaRecord, registry: ContractRegistry): EventEnvelope {
  const problems: FieldProblem[] = [];
  const header = (name: string): string | undefined => readHeader(rec.headers ?? {}, name, problems);

  const values = Object.fromEntries(REQUIRED_CE_HEADERS.map((name) => [name, header(name)]));
  for (const name of REQUIRED_CE_HEADERS) {
    if (values[name] === undefined || values[name] === '') {
      problems.push({ field: name, code: 'required', message: 'header is required' });
    }
  }
  const specversion = values[CloudEventHeaders.specversion];
  if (specversion !== undefined && specversion !== '1.0') {
    problems.push({
      field: CloudEventHeaders.specversion,
      code: 'unsupported',
      message: `must be "1.0", got "${specversion}"`,
    });
  }
  const contentType = header(CloudEventHeaders.contentType);
  if (contentType === undefined) {
    problems.push({
      field: CloudEventHeaders.contentType,
      code: 'required',
      message: `header is required (${JSON_CONTENT_TYPE})`,
    });
  } else if (mediaType(contentType) !== JSON_CONTENT_TYPE) {
    problems.push({
      field: CloudEventHeaders.contentType,
      code: 'unsupported',
      message: `must be ${JSON_CONTENT_TYPE}, got "${contentType}"`,
    });
  }
  const key = rec.key === null ? null : bufferToString(rec.key);
  const partitionkey = values[CloudEventHeaders.partitionkey];
  if (key !== null && partitionkey !== undefined && key !== partitionkey) {
    problems.push({
      field: 'key',
      code: 'mismatch',
      message: `record key "${key}" differs from ce_partitionkey "${partitionkey}"`,
    });
  }
  const data = parseValue(rec.value, problems);
  if (problems.length > 0) {
    throw new ContractViolationError(
      ErrorCodes.CONTRACT_INVALID_EVENT,
      'Invalid CloudEvents Kafka record',
      problems,
    );
  }

  const causationid = header(CloudEventHeaders.causationid);
  const traceparent = header(CloudEventHeaders.traceparent) ?? header(CloudEventHeaders.plainTraceparent);
  const env = {
    id: values[CloudEventHeaders.id],
    type: values[CloudEventHeaders.type],
    source: values[CloudEventHeaders.source],
    specversion: '1.0',
    time: values[CloudEventHeaders.time],
    subject: values[CloudEventHeaders.subject],
    datacontenttype: JSON_CONTENT_TYPE,
    correlationid: values[CloudEventHeaders.correlationid],
    ...(causationid ? { causationid } : {}),
    ...(traceparent ? { traceparent } : {}),
    partitionkey,
    data,
  };
  return validateEnvelope(env, registry);
}

function readHeader(
  headers: NonNullable<IncomingKafkaRecord['headers']>,
  name: string,
  problems: FieldProblem[],
): string | undefined {
  const raw = headers[name];
  if (raw === undefined) return undefined;
  if (Array.isArray(raw)) {
    if (raw.length !== 1) {
      problems.push({
        field: name,
        code: 'repeated',
        message: `header must appear once, found ${raw.length} times`,
      });
      return undefined;
    }
    return bufferToString(raw[0] as Buffer | string);
  }
  return bufferToString(raw);
}

function bufferToString(value: Buffer | string): string {
  return typeof value === 'string' ? value : value.toString('utf8');
}

/** 'application/json; charset=utf-8' -> 'application/json' */
function mediaType(contentType: string): string {
  return contentType.split(';')[0]?.trim().toLowerCase() ?? '';
}

function parseValue(value: Buffer | string | null, problems: FieldProblem[]): unknown {
  if (value === null) {
    problems.push({ field: 'value', code: 'required', message: 'record has no value (tombstone)' });
    return undefined;
  }
  try {
    return JSON.parse(bufferToString(value)) as unknown;
  } catch (e) {
    problems.push({
      field: 'value',
      code: 'json',
      message: `is not valid JSON (${e instanceof Error ? e.message : String(e)})`,
    });
    return undefined;
  }
}
