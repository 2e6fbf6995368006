import net from 'node:net';
import { frame } from './kafka-wire';
import {
  decodeAlterScramResponse,
  decodeDescribeScramResponse,
  encodeAlterScramRequest,
  encodeDescribeScramRequest,
  KafkaErrorCodes,
  readResponseHeaderV1,
  type DescribedScramUser,
  type ScramDeletion,
  type ScramMechanism,
  type ScramUpsertion,
  type ScramUserResult,
} from './scram-credentials.protocol';
import { saltedPassword, newSalt, type ScramHash } from '../domain/scram-password';

const HASH_OF: Record<ScramMechanism, ScramHash> = { 'SCRAM-SHA-256': 'sha256', 'SCRAM-SHA-512': 'sha512' };

export class ScramAdminError extends Error {
  constructor(
    message: string,
    readonly results: ScramUserResult[] = [],
  ) {
    super(message);
    this.name = 'ScramAdminError';
  }
}

export interface ScramAdminOptions {
  /** Internal bootstrap brokers (host:port); the first that answers is used. */
  brokers: string[];
  clientId: string;
  timeoutMs?: number;
  /** PBKDF2 iterations for new credentials (Kafka's minimum is 4096). */
  iterations?: number;
}

/**
 * Creates, replaces and deletes SCRAM credentials through the Kafka admin API (KIP-554), over a
 * plain TCP connection to an internal broker. One connection per call: these are rare operator
 * actions. Passwords never leave this object except salted, and are never logged.
 */
export class ScramAdminClient {
  private correlationId = 0;

  constructor(private readonly opts: ScramAdminOptions) {}

  /** Sets (creates or replaces) the user's credential for each mechanism to this password. */
  async upsert(user: string, password: string, mechanisms: readonly ScramMechanism[]): Promise<void> {
    const iterations = this.opts.iterations ?? 8192;
    // The broker takes one alteration per user per request (DUPLICATE_RESOURCE otherwise).
    for (const mechanism of mechanisms) {
      const salt = newSalt();
      const upsertion: ScramUpsertion = {
        name: user,
        mechanism,
        iterations,
        salt,
        saltedPassword: saltedPassword(password, salt, iterations, HASH_OF[mechanism]),
      };
      await this.alter({ deletions: [], upsertions: [upsertion] });
    }
  }

  /** Deletes the user's credentials; a mechanism the user does not have is not an error. */
  async delete(user: string, mechanisms: readonly ScramMechanism[]): Promise<void> {
    const existing = await this.describe([user]);
    const has = new Set(existing[0]?.credentials.map((c) => c.mechanism) ?? []);
    for (const mechanism of mechanisms.filter((m) => has.has(m))) {
      const deletion: ScramDeletion = { name: user, mechanism };
      await this.alter({ deletions: [deletion], upsertions: [] });
    }
  }

  /** The mechanisms and iteration counts each user has (no secrets: the broker never returns any). */
  async describe(users: readonly string[] | null): Promise<DescribedScramUser[]> {
    const id = this.nextCorrelationId();
    const response = await this.roundTrip(encodeDescribeScramRequest(id, this.opts.clientId, users), id);
    const described = decodeDescribeScramResponse(response);
    if (described.errorCode !== KafkaErrorCodes.NONE) {
      throw new ScramAdminError(
        `DescribeUserScramCredentials failed: error ${described.errorCode} ${described.errorMessage ?? ''}`.trim(),
      );
    }
    // A user without credentials is answered RESOURCE_NOT_FOUND: it simply has none.
    return described.results.map((r) =>
      r.errorCode === KafkaErrorCodes.RESOURCE_NOT_FOUND
        ? { ...r, errorCode: 0, errorMessage: null, credentials: [] }
        : r,
    );
  }

  private async alter(change: { deletions: ScramDeletion[]; upsertions: ScramUpsertion[] }): Promise<void> {
    const id = this.nextCorrelationId();
    const response = await this.roundTrip(encodeAlterScramRequest(id, this.opts.clientId, change), id);
    const results = decodeAlterScramResponse(response);
    const failed = results.filter((r) => r.errorCode !== KafkaErrorCodes.NONE);
    if (failed.length > 0) {
      throw new ScramAdminError(
        `AlterUserScramCredentials failed: ${failed.map((r) => `${r.user}: error ${r.errorCode} ${r.errorMessage ?? ''}`.trim()).join('; ')}`,
        failed,
      );
    }
  }

  private nextCorrelationId(): number {
    this.correlationId = (this.correlationId + 1) & 0x7fffffff;
    return this.correlationId;
  }

  private async roundTrip(request: Buffer, correlationId: number) {
    let lastError: unknown;
    for (const broker of this.opts.brokers) {
      const [host, port] = splitHostPort(broker);
      try {
        const response = await exchange(host, port, frame(request), this.opts.timeoutMs ?? 10_000);
        const header = readResponseHeaderV1(response);
        if (header.correlationId !== correlationId) {
          throw new ScramAdminError(
            `correlation id mismatch: sent ${correlationId}, got ${header.correlationId}`,
          );
        }
        return header.body;
      } catch (err) {
        lastError = err;
      }
    }
    throw lastError instanceof Error ? lastError : new ScramAdminError('no broker answered');
  }
}

function splitHostPort(broker: string): [string, number] {
  const i = broker.lastIndexOf(':');
  return [broker.slice(0, i), Number(broker.slice(i + 1))];
}

/** Sends one frame and resolves with the first complete response frame's body (size stripped). */
function exchange(host: string, port: number, request: Buffer, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    let received = Buffer.alloc(0);
    const fail = (err: Error) => {
      socket.destroy();
      reject(err);
    };
    socket.setTimeout(timeoutMs, () =>
      fail(new ScramAdminError(`no answer from ${host}:${port} in ${timeoutMs} ms`)),
    );
    socket.on('error', fail);
    socket.on('connect', () => socket.write(request));
    socket.on('data', (chunk) => {
      received = Buffer.concat([received, chunk]);
      if (received.length >= 4 && received.length >= 4 + received.readInt32BE(0)) {
        const body = received.subarray(4, 4 + received.readInt32BE(0));
        socket.end();
        resolve(body);
      }
    });
    socket.on('close', () =>
      fail(new ScramAdminError(`${host}:${port} closed the connection before answering`)),
    );
  });
}
