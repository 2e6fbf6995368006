// AlterUserScramCredentials (API key 51) and DescribeUserScramCredentials (API key 50), version 0,
// both flexible (KIP-554). kafkajs 2.2.4 has neither; the broker forwards the alteration to the
// KRaft controller, which stores the credential in the metadata log.
import { requestHeaderV2, WireReader, WireWriter } from './kafka-wire';

export const ALTER_USER_SCRAM_CREDENTIALS = 51;
export const DESCRIBE_USER_SCRAM_CREDENTIALS = 50;

/** Kafka's ScramMechanism codes. */
export const ScramMechanismCode = { 'SCRAM-SHA-256': 1, 'SCRAM-SHA-512': 2 } as const;
export type ScramMechanism = keyof typeof ScramMechanismCode;

export function mechanismName(code: number): ScramMechanism | 'UNKNOWN' {
  const entry = Object.entries(ScramMechanismCode).find(([, c]) => c === code);
  return entry ? (entry[0] as ScramMechanism) : 'UNKNOWN';
}

export interface ScramUpsertion {
  name: string;
  mechanism: ScramMechanism;
  iterations: number;
  salt: Buffer;
  saltedPassword: Buffer;
}

export interface ScramDeletion {
  name: string;
  mechanism: ScramMechanism;
}

/** One user's outcome; errorCode 0 is success (see KafkaErrorCodes). */
export interface ScramUserResult {
  user: string;
  errorCode: number;
  errorMessage: string | null;
}

export interface ScramCredentialInfo {
  mechanism: ScramMechanism | 'UNKNOWN';
  iterations: number;
}

export interface DescribedScramUser extends ScramUserResult {
  credentials: ScramCredentialInfo[];
}

export interface DescribeScramResponse {
  errorCode: number;
  errorMessage: string | null;
  results: DescribedScramUser[];
}

/** The error codes this client acts on (from Kafka's Errors.java). */
export const KafkaErrorCodes = {
  NONE: 0,
  CLUSTER_AUTHORIZATION_FAILED: 31,
  UNSUPPORTED_SASL_MECHANISM: 33,
  RESOURCE_NOT_FOUND: 91,
  DUPLICATE_RESOURCE: 92,
  UNACCEPTABLE_CREDENTIAL: 93,
} as const;

export function encodeAlterScramRequest(
  correlationId: number,
  clientId: string,
  change: { deletions: readonly ScramDeletion[]; upsertions: readonly ScramUpsertion[] },
): Buffer {
  const body = new WireWriter()
    .compactArray(change.deletions, (w, d) =>
      w.compactString(d.name).int8(ScramMechanismCode[d.mechanism]).emptyTaggedFields(),
    )
    .compactArray(change.upsertions, (w, u) =>
      w
        .compactString(u.name)
        .int8(ScramMechanismCode[u.mechanism])
        .int32(u.iterations)
        .compactBytes(u.salt)
        .compactBytes(u.saltedPassword)
        .emptyTaggedFields(),
    )
    .emptyTaggedFields()
    .toBuffer();
  return Buffer.concat([requestHeaderV2(ALTER_USER_SCRAM_CREDENTIALS, 0, correlationId, clientId), body]);
}

/** `users: null` describes every user that has credentials. */
export function encodeDescribeScramRequest(
  correlationId: number,
  clientId: string,
  users: readonly string[] | null,
): Buffer {
  const body = new WireWriter()
    .compactArray(users, (w, name) => w.compactString(name).emptyTaggedFields())
    .emptyTaggedFields()
    .toBuffer();
  return Buffer.concat([requestHeaderV2(DESCRIBE_USER_SCRAM_CREDENTIALS, 0, correlationId, clientId), body]);
}

/** Response header v1: correlation id, then tagged fields. Returns a reader positioned on the body. */
export function readResponseHeaderV1(response: Buffer): { correlationId: number; body: WireReader } {
  const reader = new WireReader(response);
  const correlationId = reader.int32();
  reader.skipTaggedFields();
  return { correlationId, body: reader };
}

export function decodeAlterScramResponse(body: WireReader): ScramUserResult[] {
  body.int32(); // throttle_time_ms
  const results = body.compactArray((r) => {
    const result = { user: r.compactString(), errorCode: r.int16(), errorMessage: r.compactNullableString() };
    r.skipTaggedFields();
    return result;
  });
  body.skipTaggedFields();
  return results;
}

export function decodeDescribeScramResponse(body: WireReader): DescribeScramResponse {
  body.int32(); // throttle_time_ms
  const errorCode = body.int16();
  const errorMessage = body.compactNullableString();
  const results = body.compactArray((r) => {
    const user = r.compactString();
    const userError = r.int16();
    const userMessage = r.compactNullableString();
    const credentials = r.compactArray((c) => {
      const info = { mechanism: mechanismName(c.int8()), iterations: c.int32() };
      c.skipTaggedFields();
      return info;
    });
    r.skipTaggedFields();
    return { user, errorCode: userError, errorMessage: userMessage, credentials };
  });
  body.skipTaggedFields();
  return { errorCode, errorMessage, results };
}
